/*
 * fuzz_xencons.c - fuzz target for the PV console's ring rules
 * (src/xenbus/xencons_ring.c), driven by libFuzzer or by replay_main.c over
 * the seed corpus. The input plays xenconsoled: its first 8 bytes are the
 * out[] and in[] indices it starts from, then each step takes one control
 * byte (how far the daemon moves out[]'s consumer index, or breaks it) and
 * a text of up to 64 bytes that the domain writes and that the daemon
 * types back. Aborts when a promise of xencons_ring.h is broken: more
 * written than there was room for, a text byte lost or "\n" not as
 * "\r\n", broken indices taken.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xenbus/xencons_ring.h"

#include <xen/io/console.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xencons_interface page;
	size_t at = 8;

	if (size < 8)
		return 0;
	uint32_t out_cons = le32(data), out_prod = out_cons;
	uint32_t in_cons = le32(data + 4), in_prod = in_cons;
	while (at < size) {
		uint8_t ctl = data[at++];
		uint32_t len = ctl & 0x3f, used;
		if (len > size - at)
			len = (uint32_t)(size - at);
		const char *text = (const char *)data + at;
		at += len;
		/* The daemon reads some of out[], or sets an index past the ring. */
		uint32_t cons = (ctl & 0xc0) == 0xc0 ? out_prod + 1 + len
						      : out_cons + ((out_prod - out_cons) >> (ctl >> 6));
		int n = xencons_put_text(page.out, sizeof(page.out), cons, out_prod, text, len,
					 &used);
		if ((ctl & 0xc0) == 0xc0) {
			check(n == -1 && used == 0);
			continue;
		}
		out_cons = cons;
		check(n >= 0 && (uint32_t)n <= sizeof(page.out) - (out_prod - out_cons));
		check(used <= len);
		/* What went on is the text's first used bytes, each "\n" as "\r\n". */
		uint32_t k = 0;
		for (uint32_t i = 0; i < used; i++) {
			if (text[i] == '\n')
				check(page.out[(out_prod + k++) % sizeof(page.out)] == '\r');
			check(page.out[(out_prod + k++) % sizeof(page.out)] == text[i]);
		}
		check(k == (uint32_t)n);
		out_prod += (uint32_t)n;
		/* The daemon types the text back; the domain takes it a few bytes at a time. */
		for (uint32_t i = 0; i < len && in_prod - in_cons < sizeof(page.in); i++)
			page.in[in_prod++ % sizeof(page.in)] = text[i];
		char got[8];
		int t = xencons_take(page.in, sizeof(page.in), in_cons, in_prod, got,
				     1 + (ctl & 7));
		check(t >= 0 && (uint32_t)t <= in_prod - in_cons && t <= 1 + (ctl & 7));
		for (int i = 0; i < t; i++)
			check(got[i] == page.in[(in_cons + (uint32_t)i) % sizeof(page.in)]);
		in_cons += (uint32_t)t;
	}
	return 0;
}
