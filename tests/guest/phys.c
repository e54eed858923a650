/*
 * phys.c - reading physical memory the loader pointed at. Paging is off, so
 * every address below 4 GiB is readable; callers check the range with
 * phys_ok() first and anything at or above 4 GiB is a failure, never read.
 */
#include "guest.h"

bool phys_ok(uint64_t addr, uint64_t size)
{
	uint64_t end;

	if (add_overflows(addr, size, &end))
		return false;
	return end <= PHYS_LIMIT;
}

const volatile uint8_t *phys_ptr(uint64_t addr)
{
	const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)(uint32_t)addr;

	/* Address 0 is a valid physical address here: keep GCC from treating
	 * the pointer as NULL and from assuming anything about what it reads. */
	__asm__("" : "+r"(p));
	return p;
}

uint32_t phys_le32(uint64_t addr)
{
	const volatile uint8_t *p = phys_ptr(addr);

	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

uint64_t phys_le64(uint64_t addr)
{
	return (uint64_t)phys_le32(addr) | ((uint64_t)phys_le32(addr + 4) << 32);
}
