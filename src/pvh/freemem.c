/*
 * freemem.c - the planner's free-range search (see freemem.h). Called by
 * plan.c for moved modules, boot data and the hand-off area, and by
 * plan_order.c for staging areas.
 *
 * The highest valid placement is always pushed down against some upper
 * bound: the end of its RAM entry, the limit, or the start of a range to
 * avoid. So the candidates are align_down(bound - size) for each such bound;
 * the answer is the highest candidate that passes every check.
 */
#include "pvh/freemem.h"

bool freemem_avoid_add(struct freemem_avoid *a, struct range r)
{
	if (r.start == r.end)
		return true;
	if (a->n == FREEMEM_MAX_AVOID)
		return false;
	a->r[a->n++] = r;
	return true;
}

struct freemem_set {
	const struct range *r;
	unsigned n;
};

static bool freemem_fits(const struct memmap *map, const struct freemem_set *avoid,
			 uint64_t a, uint64_t size, uint64_t floor, uint64_t limit)
{
	struct range r;

	if (a < floor || !range_make(a, size, &r) || r.end > limit)
		return false;
	for (unsigned i = 0; i < avoid->n; i++)
		if (avoid->r[i].start < avoid->r[i].end && range_overlaps(r, avoid->r[i]))
			return false;
	return memmap_is_ram(map, r);
}

/* Considers the candidate below bound and keeps it if it is the best so far. */
static void freemem_try(const struct memmap *map, const struct freemem_set *avoid,
			uint64_t bound, uint64_t size, uint64_t align, uint64_t floor,
			uint64_t limit, bool *found, uint64_t *best)
{
	uint64_t a;

	if (bound > limit)
		bound = limit;
	if (bound < size)
		return;
	a = (bound - size) & ~(align - 1);
	if (*found && a <= *best)
		return;
	if (freemem_fits(map, avoid, a, size, floor, limit)) {
		*best = a;
		*found = true;
	}
}

bool freemem_find(const struct memmap *map, const struct freemem_avoid *avoid, uint64_t size,
		  uint64_t align, uint64_t floor, uint64_t limit, uint64_t *out)
{
	return freemem_find_in(map, avoid->r, avoid->n, size, align, floor, limit, out);
}

bool freemem_find_in(const struct memmap *map, const struct range *avoid_r, unsigned navoid,
		     uint64_t size, uint64_t align, uint64_t floor, uint64_t limit, uint64_t *out)
{
	const struct freemem_set set = { avoid_r, navoid }, *avoid = &set;
	bool found = false;
	uint64_t best = 0;

	if (size == 0 || align == 0 || (align & (align - 1)))
		return false;
	freemem_try(map, avoid, limit, size, align, floor, limit, &found, &best);
	for (unsigned i = 0; i < map->n; i++) {
		const struct memmap_entry *e = &map->e[i];
		uint64_t end;

		if (e->type != 1)
			continue;
		if (add_overflows(e->addr, e->size, &end))
			end = UINT64_MAX;
		freemem_try(map, avoid, end, size, align, floor, limit, &found, &best);
	}
	for (unsigned i = 0; i < avoid->n; i++)
		freemem_try(map, avoid, avoid->r[i].start, size, align, floor, limit, &found,
			    &best);
	if (found)
		*out = best;
	return found;
}
