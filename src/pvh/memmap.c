/*
 * memmap.c - normalising, shrinking, querying and printing physical memory
 * maps (see memmap.h). Called by every front end on its firmware's map, by
 * the planner (memmap_is_ram), by pvh-inspect and the conformance guest.
 *
 * Normalisation is a boundary sweep with no scratch memory: from one
 * boundary to the next (the smallest entry start or end above it) the
 * strongest type covering that elementary interval is emitted, and equal
 * neighbours merge. Quadratic, which is nothing at a few hundred entries and
 * keeps the boot stack small.
 */
#include "pvh/memmap.h"
#include "lib/fmt.h"

#define ULL(v) ((unsigned long long)(v))

enum {
	MEMMAP_RAM = 1,
	MEMMAP_RESERVED = 2,
	MEMMAP_ACPI = 3,
	MEMMAP_NVS = 4,
	MEMMAP_UNUSABLE = 5,
	MEMMAP_DISABLED = 6,
	MEMMAP_PMEM = 7,
};

/* Unknown types are stored as reserved, which they count as. */
static uint32_t memmap_canonical_type(uint32_t type)
{
	return type >= MEMMAP_RAM && type <= MEMMAP_PMEM ? type : MEMMAP_RESERVED;
}

/* Higher wins: reserved > disabled > unusable > NVS > ACPI > PMEM > RAM. */
static unsigned memmap_strength(uint32_t type)
{
	switch (memmap_canonical_type(type)) {
	case MEMMAP_RAM:
		return 1;
	case MEMMAP_PMEM:
		return 2;
	case MEMMAP_ACPI:
		return 3;
	case MEMMAP_NVS:
		return 4;
	case MEMMAP_UNUSABLE:
		return 5;
	case MEMMAP_DISABLED:
		return 6;
	default:
		return 7;
	}
}

/* The entry as a range, cut at 2^64 - 1 when it would wrap. */
static struct range memmap_entry_range(const struct memmap_entry *e)
{
	struct range r;

	if (!range_make(e->addr, e->size, &r)) {
		r.start = e->addr;
		r.end = UINT64_MAX;
	}
	return r;
}

/* Smallest boundary of any non-empty input entry strictly above pos. */
static bool memmap_next_boundary(const struct memmap_entry *in, unsigned n, uint64_t pos,
				 uint64_t *next)
{
	bool found = false;

	for (unsigned i = 0; i < n; i++) {
		struct range r = memmap_entry_range(&in[i]);

		if (r.start == r.end)
			continue;
		if (r.start > pos && (!found || r.start < *next)) {
			*next = r.start;
			found = true;
		}
		if (r.end > pos && (!found || r.end < *next)) {
			*next = r.end;
			found = true;
		}
	}
	return found;
}

/* Strongest type covering the byte at pos; false in a hole. */
static bool memmap_type_at(const struct memmap_entry *in, unsigned n, uint64_t pos,
			   uint32_t *type)
{
	bool found = false;

	for (unsigned i = 0; i < n; i++) {
		struct range r = memmap_entry_range(&in[i]);

		if (pos < r.start || pos >= r.end)
			continue;
		if (!found || memmap_strength(in[i].type) > memmap_strength(*type)) {
			*type = memmap_canonical_type(in[i].type);
			found = true;
		}
	}
	return found;
}

int memmap_normalise(struct memmap *out, const struct memmap_entry *in, unsigned n,
		     struct err *err)
{
	uintptr_t in_lo = (uintptr_t)in, in_hi = (uintptr_t)(in + n);
	uintptr_t out_lo = (uintptr_t)out, out_hi = (uintptr_t)(out + 1);
	uint64_t pos = 0, next = 0;

	/* The sweep reads the input while it writes the output. */
	if (n && in_lo < out_hi && out_lo < in_hi)
		return err_fail(err, "memmap: input entries overlap the output map");
	out->n = 0;
	if (!n)
		return 0;

	/* Start at the lowest start (a boundary "above pos" misses address 0). */
	bool any = false;
	for (unsigned i = 0; i < n; i++) {
		struct range r = memmap_entry_range(&in[i]);

		if (r.start != r.end && (!any || r.start < pos)) {
			pos = r.start;
			any = true;
		}
	}
	if (!any)
		return 0;

	while (memmap_next_boundary(in, n, pos, &next)) {
		uint32_t type = 0;

		if (memmap_type_at(in, n, pos, &type)) {
			struct memmap_entry *last = out->n ? &out->e[out->n - 1] : NULL;

			if (last && last->type == type && last->addr + last->size == pos) {
				last->size += next - pos;
			} else {
				if (out->n == MEMMAP_MAX)
					return err_fail(err,
							"memmap: more than %u entries after normalising "
							"%u input entries",
							MEMMAP_MAX, n);
				out->e[out->n].addr = pos;
				out->e[out->n].size = next - pos;
				out->e[out->n].type = type;
				out->n++;
			}
		}
		pos = next;
	}
	return 0;
}

static void memmap_remove(struct memmap *map, unsigned i)
{
	for (; i + 1 < map->n; i++)
		map->e[i] = map->e[i + 1];
	map->n--;
}

static bool memmap_touches_keep(const struct memmap_entry *e, const struct range *keep,
				unsigned nkeep)
{
	struct range r = memmap_entry_range(e);

	for (unsigned k = 0; k < nkeep; k++)
		if (range_overlaps(r, keep[k]))
			return true;
	return false;
}

/* The smallest RAM entry clear of keep[]; false if every one holds something. */
static bool memmap_pick_ram_victim(const struct memmap *map, const struct range *keep,
				   unsigned nkeep, unsigned *victim)
{
	bool found = false;

	for (unsigned i = 0; i < map->n; i++) {
		const struct memmap_entry *e = &map->e[i];

		if (e->type != MEMMAP_RAM || memmap_touches_keep(e, keep, nkeep))
			continue;
		if (!found || e->size < map->e[*victim].size) {
			*victim = i;
			found = true;
		}
	}
	return found;
}

/*
 * The neighbouring non-RAM pair (i, i+1) cheapest to merge: touching pairs
 * first, then pairs with only a hole between them (the hole becomes part of
 * the merged entry: it was not RAM and still is not), smallest result first.
 */
static bool memmap_pick_merge(const struct memmap *map, bool across_holes, unsigned *pair)
{
	bool found = false;
	uint64_t best = 0;

	for (unsigned i = 0; i + 1 < map->n; i++) {
		const struct memmap_entry *a = &map->e[i], *b = &map->e[i + 1];
		uint64_t a_end = memmap_entry_range(a).end, b_end = memmap_entry_range(b).end;

		if (a->type == MEMMAP_RAM || b->type == MEMMAP_RAM)
			continue;
		if (a_end != b->addr && !across_holes)
			continue;
		if (!found || b_end - a->addr < best) {
			best = b_end - a->addr;
			*pair = i;
			found = true;
		}
	}
	return found;
}

static void memmap_merge(struct memmap *map, unsigned i)
{
	struct memmap_entry *a = &map->e[i], *b = &map->e[i + 1];

	a->size = memmap_entry_range(b).end - a->addr;
	if (memmap_strength(b->type) > memmap_strength(a->type))
		a->type = b->type;
	memmap_remove(map, i + 1);
}

int memmap_fit(struct memmap *map, unsigned max, const struct range *keep, unsigned nkeep,
	       struct err *err)
{
	while (map->n > max) {
		unsigned i = 0;

		/* A non-RAM range never vanishes (a vanished one may be handed to a PCI device). */
		if (memmap_pick_merge(map, false, &i) || memmap_pick_merge(map, true, &i)) {
			memmap_merge(map, i);
			continue;
		}
		if (!memmap_pick_ram_victim(map, keep, nkeep, &i))
			return err_fail(err,
					"memmap: cannot shrink %u entries to %u: every RAM entry "
					"left holds the kernel, a module or boot data",
					map->n, max);
		memmap_remove(map, i);
	}
	return 0;
}

int memmap_mark(struct memmap *map, struct range r, uint32_t type, struct err *err)
{
	for (unsigned i = 0; i < map->n; i++) {
		struct memmap_entry *e = &map->e[i];
		struct range er = memmap_entry_range(e);
		unsigned extra;

		if (e->type != MEMMAP_RAM || !range_contains(er, r))
			continue;
		if (r.start == r.end)
			return 0;
		extra = (r.start > er.start ? 1u : 0u) + (r.end < er.end ? 1u : 0u);
		if (map->n + extra > MEMMAP_MAX)
			return err_fail(err, "memmap: no room to mark [0x%llx, 0x%llx) as %s",
					ULL(r.start), ULL(r.end), memmap_type_name(type));
		memmove(&map->e[i + extra], &map->e[i], (map->n - i) * sizeof(map->e[0]));
		map->n += extra;
		/* e[i .. i+extra] now: RAM below r, r itself, RAM above r (as present). */
		unsigned k = i;
		if (r.start > er.start)
			map->e[k++] = (struct memmap_entry){ er.start, r.start - er.start, MEMMAP_RAM };
		map->e[k++] = (struct memmap_entry){ r.start, r.end - r.start, type };
		if (r.end < er.end)
			map->e[k] = (struct memmap_entry){ r.end, er.end - r.end, MEMMAP_RAM };
		return 0;
	}
	return err_fail(err, "memmap: [0x%llx, 0x%llx) to mark as %s is not inside one RAM entry",
			ULL(r.start), ULL(r.end), memmap_type_name(type));
}

bool memmap_is_ram(const struct memmap *map, struct range r)
{
	uint64_t pos = r.start;

	/* Walks entry to entry, so RAM split over adjacent entries still counts. */
	while (pos < r.end) {
		bool advanced = false;

		for (unsigned i = 0; i < map->n; i++) {
			const struct memmap_entry *e = &map->e[i];
			struct range er = memmap_entry_range(e);

			if (e->type == MEMMAP_RAM && pos >= er.start && pos < er.end) {
				pos = er.end;
				advanced = true;
				break;
			}
		}
		if (!advanced)
			return false;
	}
	return true;
}

const char *memmap_type_name(uint32_t type)
{
	/* A formatted "type 9" would need a buffer; memmap_format_entry prints the number. */
	static const char *const names[] = {
		[MEMMAP_RAM] = "RAM",	       [MEMMAP_RESERVED] = "reserved",
		[MEMMAP_ACPI] = "ACPI",	       [MEMMAP_NVS] = "NVS",
		[MEMMAP_UNUSABLE] = "unusable", [MEMMAP_DISABLED] = "disabled",
		[MEMMAP_PMEM] = "PMEM",
	};

	if (type >= MEMMAP_RAM && type <= MEMMAP_PMEM)
		return names[type];
	return "type N";
}

size_t memmap_format_entry(char *buf, size_t size, const struct memmap_entry *e)
{
	const char *name = memmap_type_name(e->type);

	if (e->type >= MEMMAP_RAM && e->type <= MEMMAP_PMEM)
		return fmt_snprintf(buf, size, "0x%016llx - 0x%016llx = %u %s", ULL(e->addr),
				    ULL(e->addr + e->size - 1), (unsigned)e->type, name);
	/* Unknown types print their number in place of the "N". */
	return fmt_snprintf(buf, size, "0x%016llx - 0x%016llx = %u type %u", ULL(e->addr),
			    ULL(e->addr + e->size - 1), (unsigned)e->type, (unsigned)e->type);
}
