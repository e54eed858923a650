/*
 * disk_stage.c - where firmware mode reads the kernel and initrds before
 * the plan runs (see disk.h): the top of the largest stretch of RAM below
 * 4 GiB, growing down. Kernels are linked low (Linux: 16 MiB), so files at
 * the top rarely overlap their destinations; when they do, the planner
 * stages the overlapped bytes first, as for any source.
 */
#include "loader/disk/disk.h"

#define FOUR_GIB 0x100000000ull
#define STAGE_ALIGN 4096ull

int disk_stage_init(struct disk_stage *st, const struct memmap *map, uint64_t floor,
		    struct err *err)
{
	uint64_t best_lo = 0, best_hi = 0;

	for (unsigned i = 0; i < map->n; i++) {
		const struct memmap_entry *e = &map->e[i];
		if (e->type != 1)
			continue;
		uint64_t lo = e->addr, hi = e->addr + e->size;
		if (hi > FOUR_GIB)
			hi = FOUR_GIB;
		if (lo < floor)
			lo = floor;
		if (hi > lo && hi - lo > best_hi - best_lo) {
			best_lo = lo;
			best_hi = hi;
		}
	}
	if (best_hi == best_lo)
		return err_fail(err, "firmware: no RAM below 4 GiB above 0x%llx to read files into",
				(unsigned long long)floor);
	st->floor = (best_lo + STAGE_ALIGN - 1) & ~(STAGE_ALIGN - 1);
	st->top = best_hi & ~(STAGE_ALIGN - 1);
	return 0;
}

uint64_t disk_stage_alloc(struct disk_stage *st, uint64_t size)
{
	uint64_t rounded = (size + STAGE_ALIGN - 1) & ~(STAGE_ALIGN - 1);

	if (size == 0 || rounded < size || st->top < st->floor || rounded > st->top - st->floor)
		return 0;
	st->top -= rounded;
	return st->top;
}
