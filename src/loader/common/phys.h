/*
 * phys.h - reading physical memory through one checked accessor. In the
 * 32-bit loader physical addresses are pointers (paging is off); the unit
 * tests and fuzzers map a buffer instead, so the same parsers run on both.
 */
#ifndef PVHBOOT_PHYS_H
#define PVHBOOT_PHYS_H

#include "lib/env.h"

struct phys_mem {
	/* A pointer to [addr, addr+len), or NULL when that range is not readable. */
	const void *(*map)(const struct phys_mem *pm, uint64_t addr, uint64_t len);
	const uint8_t *base; /* test accessor: the buffer and the address it stands for */
	uint64_t base_addr;
	uint64_t size;
};

static inline const void *phys_map(const struct phys_mem *pm, uint64_t addr, uint64_t len)
{
	return pm->map(pm, addr, len);
}

/* The accessor of a buffer standing for [base_addr, base_addr + size). */
const void *phys_map_buffer(const struct phys_mem *pm, uint64_t addr, uint64_t len);

static inline struct phys_mem phys_buffer(const void *buf, uint64_t base_addr, uint64_t size)
{
	struct phys_mem pm = { phys_map_buffer, buf, base_addr, size };
	return pm;
}

/* A NUL-terminated string at addr, at most max bytes with the NUL; NULL if none. */
const char *phys_string(const struct phys_mem *pm, uint64_t addr, uint64_t max);

#endif
