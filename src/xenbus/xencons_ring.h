/*
 * xencons_ring.h - a Xen PV console's two byte rings (xen/io/console.h:
 * out[] from the domain to xenconsoled, in[] back), as bytes. Pure: the
 * rings are passed in as memory, so the unit tests and the fuzz target
 * drive these with buffers. The writer over the real page, with the
 * barriers, the event channel and the waiting, is src/xen/xen_pvcons.c.
 *
 * The indices are free-running 32-bit counters and the consumer's index of
 * out[] and the producer's of in[] are written by the console daemon: they
 * may be anything, and a pair more than a ring apart is refused (-1).
 */
#ifndef PVHBOOT_XENBUS_XENCONS_RING_H
#define PVHBOOT_XENBUS_XENCONS_RING_H

#include "xenbus/byte_ring.h"

/*
 * Put text on out[] (size bytes) at prod as a terminal wants it, each "\n"
 * as "\r\n", and only whole: a "\n" goes on when both its bytes fit.
 * *used is how many bytes of text went; the return value how many ring
 * bytes were written (the caller then advances prod by that much), or -1
 * when the indices are impossible.
 */
int xencons_put_text(char *ring, uint32_t size, uint32_t cons, uint32_t prod, const char *text,
		     uint32_t len, uint32_t *used);

/*
 * Take up to max bytes from in[] (size bytes) at cons into out: returns
 * how many (the caller then advances cons by that much), or -1 when the
 * indices are impossible.
 */
int xencons_take(const char *ring, uint32_t size, uint32_t cons, uint32_t prod, char *out,
		 uint32_t max);

#endif
