/*
 * xs_wire.c - xenstore's ring and message rules (see xs_wire.h). The
 * header's fields are little-endian 32-bit words (x86 only, as the page is
 * shared with a daemon on the same machine).
 */
#include "xenbus/xs_wire.h"
#include "xenbus/byte_ring.h"

#define RING XENSTORE_RING_SIZE

int xs_ring_pending(uint32_t cons, uint32_t prod, uint32_t *pending)
{
	return byte_ring_pending(cons, prod, RING, pending);
}

int xs_request_build(struct xs_request *r, uint32_t type, uint32_t req_id, const char *path,
		     const char *value, struct err *err)
{
	size_t plen = strlen(path), vlen = value ? strlen(value) : 0;

	/* path, its NUL, the value: each bounded before the sum is formed. */
	if (plen >= XENSTORE_PAYLOAD_MAX || vlen > XENSTORE_PAYLOAD_MAX - plen - 1)
		return err_fail(err, "xenstore: %s: request of %zu bytes, at most %u", path,
				plen + 1 + vlen, XENSTORE_PAYLOAD_MAX);
	uint32_t payload = (uint32_t)(plen + 1 + vlen);
	put_le32(r->bytes, type);
	put_le32(r->bytes + 4, req_id);
	put_le32(r->bytes + 8, 0); /* no transaction */
	put_le32(r->bytes + 12, payload);
	memcpy(r->bytes + XS_HEADER_BYTES, path, plen + 1);
	if (vlen)
		memcpy(r->bytes + XS_HEADER_BYTES + plen + 1, value, vlen);
	r->len = XS_HEADER_BYTES + payload;
	r->sent = 0;
	return 0;
}

int xs_request_put(struct xs_request *r, char *ring, uint32_t cons, uint32_t prod,
		   struct err *err)
{
	uint32_t pending;

	if (xs_ring_pending(cons, prod, &pending))
		return err_fail(err, "xenstore: request ring indices cons %u prod %u: more than "
				     "%u bytes apart", cons, prod, RING);
	uint32_t room = RING - pending, left = r->len - r->sent;
	uint32_t n = left < room ? left : room;
	for (uint32_t i = 0; i < n; i++)
		ring[MASK_XENSTORE_IDX(prod + i)] = (char)r->bytes[r->sent + i];
	r->sent += n;
	return (int)n;
}

int xs_reply_take(struct xs_reply *r, const char *ring, uint32_t cons, uint32_t prod,
		  uint32_t *taken, struct err *err)
{
	uint32_t pending, n = 0;

	*taken = 0;
	if (xs_ring_pending(cons, prod, &pending))
		return err_fail(err, "xenstore: response ring indices cons %u prod %u: more than "
				     "%u bytes apart", cons, prod, RING);
	for (;;) {
		/* Until the header is in, want its 16 bytes; then its payload. */
		uint32_t want = r->have < XS_HEADER_BYTES ? XS_HEADER_BYTES : XS_HEADER_BYTES + r->len;
		while (r->have < want && n < pending) {
			r->bytes[r->have++] = (uint8_t)ring[MASK_XENSTORE_IDX(cons + n)];
			n++;
		}
		*taken = n;
		if (r->have < want)
			return 0;
		if (want == XS_HEADER_BYTES) {
			r->type = le32(r->bytes);
			r->req_id = le32(r->bytes + 4);
			r->len = le32(r->bytes + 12);
			if (r->len > XENSTORE_PAYLOAD_MAX)
				return err_fail(err, "xenstore: reply of type %u with a payload of %u "
						     "bytes, at most %u", r->type, r->len,
						XENSTORE_PAYLOAD_MAX);
			if (r->len)
				continue;
		}
		r->bytes[XS_HEADER_BYTES + r->len] = 0;
		return 1;
	}
}

int xs_reply_check(const struct xs_reply *r, uint32_t want_type, uint32_t req_id,
		   const char *what, const char *path, struct err *err)
{
	const char *text = xs_reply_payload(r);

	if (r->type == XS_ERROR) {
		/* The payload is the error's name, NUL-terminated ("ENOENT"). */
		if (strcmp(text, "ENOENT") == 0)
			return XS_ENOENT;
		return err_fail(err, "xenstore: %s %s: %.32s", what, path,
				r->len ? text : "(error without a name)");
	}
	if (r->req_id != req_id)
		return err_fail(err, "xenstore: %s %s: reply to request %u, want %u", what, path,
				r->req_id, req_id);
	if (r->type != want_type)
		return err_fail(err, "xenstore: %s %s: reply of type %u, want %u", what, path,
				r->type, want_type);
	return 0;
}

int xs_parse_u64(const char *text, uint32_t len, const char *path, uint64_t *out,
		 struct err *err)
{
	uint64_t v = 0;

	if (len == 0)
		return err_fail(err, "xenstore: %s: empty, want a number", path);
	for (uint32_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(unsigned char)text[i] - '0';
		if (d > 9)
			return err_fail(err, "xenstore: %s: '%.24s' is not a decimal number", path,
					text);
		if (v > (UINT64_MAX - d) / 10)
			return err_fail(err, "xenstore: %s: '%.24s' is over 2^64", path, text);
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

bool xs_dir_next(const char *payload, uint32_t len, uint32_t *pos, const char **name,
		 uint32_t *name_len)
{
	uint32_t p = *pos;

	if (p >= len)
		return false;
	uint32_t end = p;
	while (end < len && payload[end])
		end++;
	*name = payload + p;
	*name_len = end - p;
	*pos = end < len ? end + 1 : len;
	return true;
}
