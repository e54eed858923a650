/*
 * xencons_ring.c - the PV console's ring rules (see xencons_ring.h).
 */
#include "xenbus/xencons_ring.h"

int xencons_put_text(char *ring, uint32_t size, uint32_t cons, uint32_t prod, const char *text,
		     uint32_t len, uint32_t *used)
{
	uint32_t pending, n = 0, i = 0;

	*used = 0;
	if (byte_ring_pending(cons, prod, size, &pending))
		return -1;
	uint32_t room = size - pending;
	for (; i < len; i++) {
		uint32_t need = text[i] == '\n' ? 2 : 1;
		if (need > room - n)
			break;
		if (text[i] == '\n')
			ring[(prod + n++) & (size - 1)] = '\r';
		ring[(prod + n++) & (size - 1)] = text[i];
	}
	*used = i;
	return (int)n;
}

int xencons_take(const char *ring, uint32_t size, uint32_t cons, uint32_t prod, char *out,
		 uint32_t max)
{
	uint32_t pending;

	if (byte_ring_pending(cons, prod, size, &pending))
		return -1;
	uint32_t n = pending < max ? pending : max;
	for (uint32_t i = 0; i < n; i++)
		out[i] = ring[(cons + i) & (size - 1)];
	return (int)n;
}
