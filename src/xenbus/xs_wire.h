/*
 * xs_wire.h - the xenstore protocol as bytes: the two 1 KiB rings of a
 * domain's xenstore page, a request's framing, and the checks of a reply
 * (xen/io/xs_wire.h, docs/misc/xenstore.txt). Pure: the ring page is
 * passed in as memory, so the unit tests and the fuzz target drive these
 * with buffers. The client over the real page, which adds the barriers,
 * the event channel and the waiting, is src/xen/xen_store.c.
 *
 * Everything the daemon writes is outside input: the indices may be
 * anything, a reply's length may exceed what a message may carry, its
 * text may lack its NUL. Messages start with "xenstore: ".
 */
#ifndef PVHBOOT_XENBUS_XS_WIRE_H
#define PVHBOOT_XENBUS_XS_WIRE_H

#include "lib/env.h"
#include "lib/err.h"

#include <xen/io/xs_wire.h>

#define XS_HEADER_BYTES 16u /* struct xsd_sockmsg: type, req_id, tx_id, len */
#define XS_MSG_MAX (XS_HEADER_BYTES + XENSTORE_PAYLOAD_MAX)

_Static_assert(sizeof(struct xsd_sockmsg) == XS_HEADER_BYTES, "xsd_sockmsg is 16 bytes");

/*
 * Bytes waiting in a ring whose consumer and producer indices are cons and
 * prod (free-running 32-bit counters). -1 when prod is more than a ring
 * ahead of cons: the other side broke the protocol.
 */
int xs_ring_pending(uint32_t cons, uint32_t prod, uint32_t *pending);

/*
 * A request in the making: header and payload in one buffer. Payloads:
 * "PATH\0" (XS_READ, XS_DIRECTORY, XS_RM) or "PATH\0VALUE" (XS_WRITE,
 * no NUL after the value). Fails when it would exceed XENSTORE_PAYLOAD_MAX.
 */
struct xs_request {
	uint8_t bytes[XS_MSG_MAX];
	uint32_t len; /* header + payload */
	uint32_t sent; /* bytes already put on the ring */
};

int xs_request_build(struct xs_request *r, uint32_t type, uint32_t req_id, const char *path,
		     const char *value, struct err *err);

/*
 * Put as much of r as the request ring has room for: ring is the
 * XENSTORE_RING_SIZE bytes of req[], cons and prod its indices. Returns the
 * bytes written (the caller then advances prod by that much), or -1 when
 * the indices are impossible.
 */
int xs_request_put(struct xs_request *r, char *ring, uint32_t cons, uint32_t prod,
		   struct err *err);

/* A reply being read from the response ring, possibly over several calls. */
struct xs_reply {
	uint8_t bytes[XS_MSG_MAX + 1]; /* + a NUL after the payload, always */
	uint32_t have;
	uint32_t type, req_id, len; /* valid once the header is in */
};

static inline void xs_reply_reset(struct xs_reply *r)
{
	r->have = 0;
}

/*
 * Take bytes of the next message from the response ring (rsp[], indices
 * cons, prod) into r. *taken is how many were consumed (the caller advances
 * cons by it). Returns 1 when r now holds a whole message, 0 when more is
 * to come, -1 on impossible indices or a length over XENSTORE_PAYLOAD_MAX.
 */
int xs_reply_take(struct xs_reply *r, const char *ring, uint32_t cons, uint32_t prod,
		  uint32_t *taken, struct err *err);

/* The reply's payload and its length (a NUL follows it in memory). */
static inline const char *xs_reply_payload(const struct xs_reply *r)
{
	return (const char *)r->bytes + XS_HEADER_BYTES;
}

/* xs_reply_check: the reply is the answer wanted. */
#define XS_ENOENT 1 /* the daemon answered XS_ERROR "ENOENT": no such node */

/*
 * Check a whole reply against the request: XS_ERROR becomes -1 with the
 * daemon's error name ("xenstore: read PATH: EACCES"), or XS_ENOENT; a
 * type other than want_type or another req_id is -1. 0: the payload is the
 * answer.
 */
int xs_reply_check(const struct xs_reply *r, uint32_t want_type, uint32_t req_id,
		   const char *what, const char *path, struct err *err);

/*
 * A node's value (XS_READ's payload, no NUL of its own) as a decimal
 * number: digits only, at most UINT64_MAX. -1 with a message naming path
 * and the text otherwise.
 */
int xs_parse_u64(const char *text, uint32_t len, const char *path, uint64_t *out,
		 struct err *err);

/*
 * The names of an XS_DIRECTORY reply, NUL-separated: the next name at
 * *pos (false when there is none). A last name without its NUL ends at len.
 */
bool xs_dir_next(const char *payload, uint32_t len, uint32_t *pos, const char **name,
		 uint32_t *name_len);

#endif
