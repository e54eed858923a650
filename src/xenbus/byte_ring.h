/*
 * byte_ring.h - the index rule of Xen's byte rings (xenstore's and the PV
 * console's): free-running 32-bit counters, a ring a power of two long.
 * Pure; used by xs_wire.c and xencons_ring.c.
 */
#ifndef PVHBOOT_XENBUS_BYTE_RING_H
#define PVHBOOT_XENBUS_BYTE_RING_H

#include "lib/env.h"

/*
 * Bytes waiting in a ring of size bytes (a power of two) whose consumer and
 * producer indices are cons and prod. -1 when prod is more than a ring
 * ahead of cons (or behind it): the other side broke the protocol.
 */
static inline int byte_ring_pending(uint32_t cons, uint32_t prod, uint32_t size,
				    uint32_t *pending)
{
	uint32_t n = prod - cons; /* exact modulo 2^32 */

	if (n > size)
		return -1;
	*pending = n;
	return 0;
}

#endif
