/*
 * freemem.h - private to the planner (plan.c, plan_order.c): the set of
 * ranges nothing new may be placed on, and the search for the highest free
 * aligned range of RAM below a limit.
 */
#ifndef PVHBOOT_FREEMEM_H
#define PVHBOOT_FREEMEM_H

#include "lib/env.h"
#include "pvh/memmap.h"
#include "pvh/plan.h"
#include "pvh/range.h"

/*
 * Destinations, sources, modules now and final, busy, boot data, hand-off,
 * and stagings: only segment copies can be on a cycle (nothing reads a
 * module's or a BSS destination), and each is staged at most once.
 */
#define FREEMEM_MAX_AVOID                                                              \
	(3 * PLAN_MAX_SEGMENTS + 2 * PLAN_MAX_MODULES + PLAN_MAX_BUSY + PLAN_MAX_LIVE + 2)

struct freemem_avoid {
	unsigned n;
	struct range r[FREEMEM_MAX_AVOID];
};

/* Adds r (empty ranges are ignored); false when the set is full. */
bool freemem_avoid_add(struct freemem_avoid *a, struct range r);

/*
 * The highest address a, a multiple of align (a power of two), with
 * [a, a+size) in RAM, a >= floor, a+size <= limit, and clear of every range
 * in avoid. size must be > 0. False if there is none.
 */
bool freemem_find(const struct memmap *map, const struct freemem_avoid *avoid, uint64_t size,
		  uint64_t align, uint64_t floor, uint64_t limit, uint64_t *out);

/* The same over a plain array of ranges (empty ones count for nothing). */
bool freemem_find_in(const struct memmap *map, const struct range *avoid, unsigned navoid,
		     uint64_t size, uint64_t align, uint64_t floor, uint64_t limit, uint64_t *out);

#endif
