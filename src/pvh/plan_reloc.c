/*
 * plan_reloc.c - where a relocatable kernel goes (see plan_reloc_choose in
 * plan.h). Called by plan_build() when the linked range cannot be used or a
 * base is forced, and by a front end that must know the place before it
 * reads the segments (UEFI).
 *
 * Like Xen's PVH dom0 builder, the highest aligned base that fits wins: low
 * memory stays free for what wants it (DMA32, the boot data below 1 GiB).
 */
#include "pvh/freemem.h"
#include "pvh/plan.h"

#define ULL(v) ((unsigned long long)(v))

static const char *reloc_name(const char *const *names, unsigned i)
{
	return names && names[i] ? names[i] : "a range to keep";
}

static int reloc_check_forced(const struct memmap *usable, const struct range *avoid,
			      const char *const *avoid_name, unsigned navoid, uint64_t size,
			      const struct plan_reloc *reloc, struct err *err)
{
	uint64_t base = reloc->base;
	struct range placed;

	if (base & (reloc->align - 1))
		return err_fail(err, "plan: reloc=0x%llx is not a multiple of PHYS32_RELOC align 0x%llx",
				ULL(base), ULL(reloc->align));
	if (base < PLAN_LOW_FLOOR)
		return err_fail(err,
				"plan: reloc=0x%llx lies below 1 MiB, which stays off limits "
				"(real-mode IVT, BIOS data, EBDA)",
				ULL(base));
	if (base < reloc->min)
		return err_fail(err, "plan: reloc=0x%llx is below PHYS32_RELOC min 0x%llx", ULL(base),
				ULL(reloc->min));
	if (!range_make(base, size, &placed) || placed.end - 1 > reloc->max)
		return err_fail(err,
				"plan: reloc=0x%llx + image size 0x%llx - 1 exceeds PHYS32_RELOC "
				"max 0x%llx",
				ULL(base), ULL(size), ULL(reloc->max));
	if (placed.end > PLAN_LIMIT_4G)
		return err_fail(err, "plan: reloc=0x%llx: [0x%llx, 0x%llx) ends above 4 GiB",
				ULL(base), ULL(placed.start), ULL(placed.end));
	if (!memmap_is_ram(usable, placed))
		return err_fail(err, "plan: reloc=0x%llx: [0x%llx, 0x%llx) is not all RAM", ULL(base),
				ULL(placed.start), ULL(placed.end));
	for (unsigned i = 0; i < navoid; i++)
		if (avoid[i].start < avoid[i].end && range_overlaps(placed, avoid[i]))
			return err_fail(err,
					"plan: reloc=0x%llx: [0x%llx, 0x%llx) overlaps %s "
					"[0x%llx, 0x%llx)",
					ULL(base), ULL(placed.start), ULL(placed.end),
					reloc_name(avoid_name, i), ULL(avoid[i].start),
					ULL(avoid[i].end));
	return 0;
}

int plan_reloc_choose(const struct memmap *usable, const struct range *avoid,
		      const char *const *avoid_name, unsigned navoid, struct range span,
		      const struct plan_reloc *reloc, uint64_t *delta, struct err *err)
{
	uint64_t size, align, floor, limit, base;

	if (span.end <= span.start)
		return err_fail(err, "plan: kernel image span [0x%llx, 0x%llx) is empty",
				ULL(span.start), ULL(span.end));
	if (!reloc->relocatable)
		return err_fail(err,
				"plan: the kernel has no PHYS32_RELOC note: it loads only at its "
				"linked range [0x%llx, 0x%llx)",
				ULL(span.start), ULL(span.end));
	if (reloc->align == 0 || (reloc->align & (reloc->align - 1)))
		return err_fail(err, "plan: PHYS32_RELOC align 0x%llx is not a power of two",
				ULL(reloc->align));
	size = span.end - span.start;
	if (reloc->max < reloc->min || reloc->max - reloc->min < size - 1)
		return err_fail(err,
				"plan: PHYS32_RELOC max 0x%llx is below min 0x%llx + image size "
				"0x%llx - 1",
				ULL(reloc->max), ULL(reloc->min), ULL(size));
	if (reloc->forced) {
		if (reloc_check_forced(usable, avoid, avoid_name, navoid, size, reloc, err))
			return -1;
		base = reloc->base;
	} else {
		align = reloc->align < PLAN_PAGE ? PLAN_PAGE : reloc->align;
		floor = reloc->min < PLAN_LOW_FLOOR ? PLAN_LOW_FLOOR : reloc->min;
		limit = reloc->max >= PLAN_LIMIT_4G - 1 ? PLAN_LIMIT_4G : reloc->max + 1;
		if (!freemem_find_in(usable, avoid, navoid, size, align, floor, limit, &base))
			return err_fail(err,
					"plan: no room for the kernel's 0x%llx bytes in free RAM "
					"(PHYS32_RELOC align 0x%llx, min 0x%llx, max 0x%llx)",
					ULL(size), ULL(reloc->align), ULL(reloc->min),
					ULL(reloc->max));
	}
	*delta = base - span.start;
	return 0;
}
