/*
 * fuzz_xenstore.c - fuzz target for the xenstore wire rules
 * (src/xenbus/xs_wire.c), driven by libFuzzer or by replay_main.c over the
 * seed corpus. The input is what a daemon writes into the response ring:
 * its first 4 bytes set where the indices start (so the 2^32 wrap is
 * reached), then each step one control byte says how many of the
 * following bytes arrive before the client looks (0xff: the daemon breaks
 * the indices instead). Every whole message is checked as a reply, read
 * as a directory and as a number. Aborts when a promise of xs_wire.h is
 * broken: no more taken than was there, payloads bounded and terminated,
 * names inside the payload, a message on every refusal.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xenbus/xs_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void look_at_reply(const struct xs_reply *r)
{
	struct err err;
	const char *p = xs_reply_payload(r), *name;
	uint32_t pos = 0, n;
	uint64_t v;

	check(r->len <= XENSTORE_PAYLOAD_MAX && r->have == XS_HEADER_BYTES + r->len);
	check(p[r->len] == '\0');
	err_clear(&err);
	int rc = xs_reply_check(r, XS_READ, r->req_id ^ (r->len & 1), "read", "fuzz", &err);
	check(rc == 0 || rc == XS_ENOENT || (rc == -1 && err.set &&
					    strncmp(err.msg, "xenstore: ", 10) == 0));
	while (xs_dir_next(p, r->len, &pos, &name, &n)) {
		check(name >= p && n <= r->len && (uint32_t)(name - p) <= r->len - n);
		check(pos <= r->len);
	}
	err_clear(&err);
	if (xs_parse_u64(p, r->len, "fuzz", &v, &err))
		check(err.set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char ring[XENSTORE_RING_SIZE];
	static struct xs_reply r;
	struct err err;
	size_t at = 4;

	if (size < 4)
		return 0;
	uint32_t cons = le32(data), prod = cons;
	xs_reply_reset(&r);
	while (at < size) {
		uint8_t ctl = data[at++];
		uint32_t pending = prod - cons, taken;
		if (ctl == 0xff) {
			err_clear(&err);
			check(xs_reply_take(&r, ring, cons, cons + XENSTORE_RING_SIZE + 1 + (uint32_t)at,
					    &taken, &err) == -1);
			check(err.set && taken == 0);
			continue;
		}
		uint32_t n = (uint32_t)ctl * 8u;
		if (n > XENSTORE_RING_SIZE - pending)
			n = XENSTORE_RING_SIZE - pending;
		if (n > size - at)
			n = (uint32_t)(size - at);
		for (uint32_t i = 0; i < n; i++)
			ring[MASK_XENSTORE_IDX(prod + i)] = (char)data[at + i];
		at += n;
		prod += n;
		/* The client reads until it has taken everything or a message is whole. */
		for (;;) {
			err_clear(&err);
			int rc = xs_reply_take(&r, ring, cons, prod, &taken, &err);
			check(taken <= prod - cons);
			check(r.have <= XS_MSG_MAX);
			cons += taken;
			if (rc < 0) {
				check(err.set && strncmp(err.msg, "xenstore: ", 10) == 0);
				return 0; /* the client drops the connection's state: the boot stops */
			}
			if (rc == 1) {
				look_at_reply(&r);
				xs_reply_reset(&r);
				continue;
			}
			check(cons == prod);
			break;
		}
	}
	return 0;
}
