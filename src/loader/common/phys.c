/* phys.c - the buffer-backed physical memory accessor (see phys.h). */
#include "loader/common/phys.h"

const void *phys_map_buffer(const struct phys_mem *pm, uint64_t addr, uint64_t len)
{
	uint64_t off;

	if (addr < pm->base_addr)
		return NULL;
	off = addr - pm->base_addr;
	if (off > pm->size || len > pm->size - off)
		return NULL;
	return pm->base + off;
}

const char *phys_string(const struct phys_mem *pm, uint64_t addr, uint64_t max)
{
	/* Grow the mapped window one byte at a time only when needed. */
	for (uint64_t n = 1; n <= max; n++) {
		const char *s = phys_map(pm, addr, n);
		if (!s)
			return NULL;
		if (s[n - 1] == '\0')
			return s;
	}
	return NULL;
}
