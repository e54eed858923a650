/*
 * plan.c - the placement plan (see plan.h): checks where the kernel's
 * segments must go, decides which modules stay and where the others, the
 * boot data and the hand-off area go, and lists the copy and zero
 * operations, which plan_order.c then puts in a safe order. Called by the
 * front ends' boot glue with a normalised memory map.
 */
#include "pvh/plan.h"
#include "pvh/freemem.h"
#include "pvh/plan_order.h"

#define ULL(v) ((unsigned long long)(v))

/* range_overlaps() with empty ranges overlapping nothing (an empty module, busy range). */
static bool plan_overlaps(struct range a, struct range b)
{
	return a.start < a.end && b.start < b.end && range_overlaps(a, b);
}

static int plan_add_avoid(struct freemem_avoid *avoid, struct range r, struct err *err)
{
	if (!freemem_avoid_add(avoid, r))
		return err_fail(err, "plan: too many ranges to keep clear");
	return 0;
}

static int plan_add_op(struct plan *plan, uint32_t kind, uint64_t dst, uint64_t src,
		       uint64_t len, struct err *err)
{
	if (plan->nops == PLAN_MAX_OPS)
		return err_fail(err, "plan: more than %u operations", (unsigned)PLAN_MAX_OPS);
	plan->ops[plan->nops].kind = kind;
	plan->ops[plan->nops].dst = dst;
	plan->ops[plan->nops].src = src;
	plan->ops[plan->nops].len = len;
	plan->nops++;
	return 0;
}

/* Where segment i's bytes go, [dst, dst+memsz); false for an empty segment. */
static bool plan_seg_dst(const struct plan_segment *s, struct range *r)
{
	r->start = s->dst;
	r->end = s->dst + s->memsz;
	return s->memsz != 0;
}

static int plan_check_segment(const struct plan_input *in, unsigned i, struct err *err)
{
	const struct plan_segment *s = &in->segments[i];
	struct range dst, src, other;

	/* Before the empty-segment skip: memsz 0 with file bytes would be an unchecked copy. */
	if (s->filesz > s->memsz)
		return err_fail(err, "plan: segment %u: filesz 0x%llx exceeds memsz 0x%llx", i,
				ULL(s->filesz), ULL(s->memsz));
	if (s->memsz == 0)
		return 0;
	if (!range_make(s->dst, s->memsz, &dst) || dst.end > PLAN_LIMIT_4G)
		return err_fail(err,
				"plan: segment %u: dst 0x%llx + memsz 0x%llx ends above 4 GiB",
				i, ULL(s->dst), ULL(s->memsz));
	if (dst.start < PLAN_LOW_FLOOR)
		return err_fail(err,
				"plan: segment %u [0x%llx, 0x%llx) lies below 1 MiB, which stays off "
				"limits (real-mode IVT, BIOS data, EBDA)",
				i, ULL(dst.start), ULL(dst.end));
	if (!range_make(s->src, s->filesz, &src) || src.end > PLAN_LIMIT_4G)
		return err_fail(err,
				"plan: segment %u: source 0x%llx + filesz 0x%llx ends above "
				"4 GiB, where the hand-off cannot read it",
				i, ULL(s->src), ULL(s->filesz));
	if (!memmap_is_ram(in->map, dst))
		return err_fail(err, "plan: segment %u [0x%llx, 0x%llx) is not RAM", i,
				ULL(dst.start), ULL(dst.end));
	for (unsigned b = 0; b < in->nbusy; b++)
		if (plan_overlaps(dst, in->busy[b]))
			return err_fail(err,
					"plan: segment %u [0x%llx, 0x%llx) overlaps %s "
					"[0x%llx, 0x%llx)",
					i, ULL(dst.start), ULL(dst.end),
					in->busy_name[b] ? in->busy_name[b] : "busy range",
					ULL(in->busy[b].start), ULL(in->busy[b].end));
	for (unsigned j = 0; j < i; j++)
		if (plan_seg_dst(&in->segments[j], &other) && plan_overlaps(dst, other))
			return err_fail(err,
					"plan: segment %u [0x%llx, 0x%llx) overlaps segment %u "
					"[0x%llx, 0x%llx)",
					i, ULL(dst.start), ULL(dst.end), j, ULL(other.start),
					ULL(other.end));
	return 0;
}

/* A module stays where it is when nothing will be written over it. */
static bool plan_module_stays(const struct plan_input *in, const bool *kept, unsigned i,
			      struct range cur)
{
	struct range other;

	if (cur.end > PLAN_LIMIT_4G || cur.start < PLAN_LOW_FLOOR ||
	    (cur.start & (PLAN_PAGE - 1)) || !memmap_is_ram(in->map, cur))
		return false;
	for (unsigned s = 0; s < in->nsegments; s++)
		if (plan_seg_dst(&in->segments[s], &other) && plan_overlaps(cur, other))
			return false;
	for (unsigned b = 0; b < in->nbusy; b++)
		if (plan_overlaps(cur, in->busy[b]))
			return false;
	for (unsigned m = 0; m < i; m++)
		if (kept[m] && range_make(in->modules[m].addr, in->modules[m].size, &other) &&
		    plan_overlaps(cur, other))
			return false;
	return true;
}

static int plan_place_modules(struct plan *plan, const struct plan_input *in,
			      struct freemem_avoid *avoid, struct err *err)
{
	bool kept[PLAN_MAX_MODULES];
	struct range cur;

	for (unsigned i = 0; i < in->nmodules; i++) {
		const struct plan_module *m = &in->modules[i];

		if (!range_make(m->addr, m->size, &cur))
			return err_fail(err, "plan: module %u: addr 0x%llx + size 0x%llx wraps", i,
					ULL(m->addr), ULL(m->size));
		kept[i] = m->size == 0 || plan_module_stays(in, kept, i, cur);
		plan->module_addr[i] = m->addr;
	}
	for (unsigned i = 0; i < in->nmodules; i++) {
		const struct plan_module *m = &in->modules[i];
		uint64_t dst;

		if (kept[i])
			continue;
		if (m->addr + m->size > PLAN_LIMIT_4G)
			return err_fail(err,
					"plan: module %u [0x%llx, 0x%llx) must move but ends above "
					"4 GiB, where the hand-off cannot read it",
					i, ULL(m->addr), ULL(m->addr + m->size));
		if (!freemem_find(in->map, avoid, m->size, PLAN_PAGE, PLAN_LOW_FLOOR,
				  PLAN_LIMIT_4G, &dst))
			return err_fail(err,
					"plan: not enough memory for module %u (0x%llx bytes) in "
					"free RAM below 4 GiB",
					i, ULL(m->size));
		cur.start = dst;
		cur.end = dst + m->size;
		if (plan_add_avoid(avoid, cur, err))
			return -1;
		plan->module_addr[i] = dst;
	}
	return 0;
}

/* Boot data and hand-off area: written by the caller before any copy runs. */
static int plan_place_low(const struct plan_input *in, struct freemem_avoid *avoid,
			  uint64_t size, const char *what, uint64_t *addr, struct err *err)
{
	struct range r;

	*addr = 0;
	if (size == 0)
		return 0;
	if (!freemem_find(in->map, avoid, size, PLAN_PAGE, PLAN_LOW_FLOOR, PLAN_LIMIT_1G, addr))
		return err_fail(err,
				"plan: not enough memory for %s (0x%llx bytes) in free RAM "
				"below 1 GiB",
				what, ULL(size));
	r.start = *addr;
	r.end = *addr + size;
	return plan_add_avoid(avoid, r, err);
}

static int plan_list_ops(struct plan *plan, const struct plan_input *in, struct err *err)
{
	for (unsigned i = 0; i < in->nsegments; i++) {
		const struct plan_segment *s = &in->segments[i];

		if (s->memsz == 0) /* nothing to write (filesz is 0: checked) */
			continue;
		/* Bytes already where they belong need no copy. */
		if (s->filesz && s->src != s->dst &&
		    plan_add_op(plan, PLAN_COPY, s->dst, s->src, s->filesz, err))
			return -1;
		if (s->memsz > s->filesz && plan_add_op(plan, PLAN_ZERO, s->dst + s->filesz, 0,
							s->memsz - s->filesz, err))
			return -1;
	}
	for (unsigned i = 0; i < in->nmodules; i++) {
		const struct plan_module *m = &in->modules[i];

		if (plan->module_addr[i] != m->addr &&
		    plan_add_op(plan, PLAN_COPY, plan->module_addr[i], m->addr, m->size, err))
			return -1;
	}
	return 0;
}

static int plan_collect(const struct plan_input *in, struct freemem_avoid *avoid,
			struct err *err)
{
	struct range r;

	for (unsigned i = 0; i < in->nsegments; i++) {
		const struct plan_segment *s = &in->segments[i];

		if (plan_check_segment(in, i, err))
			return -1;
		if (s->memsz == 0)
			continue;
		r.start = s->dst;
		r.end = s->dst + s->memsz;
		if (plan_add_avoid(avoid, r, err))
			return -1;
		r.start = s->src;
		r.end = s->src + s->filesz;
		if (plan_add_avoid(avoid, r, err))
			return -1;
	}
	for (unsigned i = 0; i < in->nbusy; i++) {
		if (in->busy[i].end < in->busy[i].start)
			return err_fail(err, "plan: busy range %u [0x%llx, 0x%llx) ends before it starts",
					i, ULL(in->busy[i].start), ULL(in->busy[i].end));
		if (plan_add_avoid(avoid, in->busy[i], err))
			return -1;
	}
	/* Every module's current bytes are still to be read (or stay). */
	for (unsigned i = 0; i < in->nmodules; i++)
		if (range_make(in->modules[i].addr, in->modules[i].size, &r) &&
		    plan_add_avoid(avoid, r, err))
			return -1;
	return 0;
}

static int plan_add_live(const struct plan_input *in, struct freemem_avoid *avoid,
			 struct err *err)
{
	for (unsigned i = 0; i < in->nlive; i++) {
		if (in->live[i].end < in->live[i].start)
			return err_fail(err, "plan: live range %u [0x%llx, 0x%llx) ends before it starts",
					i, ULL(in->live[i].start), ULL(in->live[i].end));
		if (plan_add_avoid(avoid, in->live[i], err))
			return -1;
	}
	return 0;
}

/* The checks of a segment that do not depend on where it goes. */
static int plan_check_shape(const struct plan_segment *s, unsigned i, struct err *err)
{
	struct range r;

	if (s->filesz > s->memsz)
		return err_fail(err, "plan: segment %u: filesz 0x%llx exceeds memsz 0x%llx", i,
				ULL(s->filesz), ULL(s->memsz));
	if (s->memsz && !range_make(s->dst, s->memsz, &r))
		return err_fail(err, "plan: segment %u: dst 0x%llx + memsz 0x%llx wraps", i,
				ULL(s->dst), ULL(s->memsz));
	return 0;
}

/* What the kernel's new place must keep clear of: busy ranges and every source. */
static int plan_reloc_avoid(const struct plan_input *in, struct range *r, const char **name,
			    unsigned *n)
{
	struct range x;

	*n = 0;
	for (unsigned i = 0; i < in->nbusy; i++) {
		r[*n] = in->busy[i];
		name[(*n)++] = in->busy_name[i] ? in->busy_name[i] : "busy range";
	}
	for (unsigned i = 0; i < in->nmodules; i++)
		if (range_make(in->modules[i].addr, in->modules[i].size, &x)) {
			r[*n] = x;
			name[(*n)++] = "a module";
		}
	for (unsigned i = 0; i < in->nsegments; i++)
		if (range_make(in->segments[i].src, in->segments[i].filesz, &x)) {
			r[*n] = x;
			name[(*n)++] = "the kernel's file bytes";
		}
	return 0;
}

/*
 * Decides the delta (see plan.h) and writes the input with every segment
 * moved by it to *out.
 */
static int plan_place_kernel(struct plan *plan, const struct plan_input *in,
			     struct plan_input *out, struct err *err)
{
	struct range span = { UINT64_MAX, 0 }, avoid[PLAN_MAX_BUSY + PLAN_MAX_MODULES + PLAN_MAX_SEGMENTS];
	const char *avoid_name[PLAN_MAX_BUSY + PLAN_MAX_MODULES + PLAN_MAX_SEGMENTS];
	unsigned navoid;
	uint64_t delta = 0;
	struct err linked, why;

	for (unsigned i = 0; i < in->nsegments; i++) {
		const struct plan_segment *s = &in->segments[i];

		if (plan_check_shape(s, i, err))
			return -1;
		if (s->memsz == 0)
			continue;
		if (s->dst < span.start)
			span.start = s->dst;
		if (s->dst + s->memsz > span.end)
			span.end = s->dst + s->memsz;
	}
	if (span.start > span.end)
		span.start = span.end = 0;
	plan_reloc_avoid(in, avoid, avoid_name, &navoid);

	err_clear(&linked);
	if (in->delta_given) {
		delta = in->delta;
	} else if (in->reloc.forced) {
		if (plan_reloc_choose(in->map, avoid, avoid_name, navoid, span, &in->reloc, &delta,
				      err))
			return -1;
	} else {
		for (unsigned i = 0; i < in->nsegments; i++)
			if (plan_check_segment(in, i, &linked))
				break;
		/* The linked range is taken: move a relocatable kernel, refuse any other. */
		if (linked.msg[0] && !in->reloc.relocatable)
			return err_fail(err, "%s", linked.msg);
		err_clear(&why);
		if (linked.msg[0] && plan_reloc_choose(in->map, avoid, avoid_name, navoid, span,
						       &in->reloc, &delta, &why))
			return err_fail(err, "%s; relocating: %s", linked.msg, why.msg + 6);
	}
	*out = *in;
	for (unsigned i = 0; i < in->nsegments; i++)
		if (out->segments[i].memsz)
			out->segments[i].dst += delta;
	plan->delta = delta;
	plan->relocated = delta != 0;
	return 0;
}

int plan_build(struct plan *plan, const struct plan_input *in, struct err *err)
{
	struct freemem_avoid avoid;
	struct plan_input shifted;

	memset(plan, 0, sizeof(*plan));
	avoid.n = 0;
	if (!in->map)
		return err_fail(err, "plan: no memory map");
	if (in->nsegments > PLAN_MAX_SEGMENTS)
		return err_fail(err, "plan: %u segments, at most %u", in->nsegments,
				(unsigned)PLAN_MAX_SEGMENTS);
	if (in->nmodules > PLAN_MAX_MODULES)
		return err_fail(err, "plan: %u modules, at most %u", in->nmodules,
				(unsigned)PLAN_MAX_MODULES);
	if (in->nbusy > PLAN_MAX_BUSY)
		return err_fail(err, "plan: %u busy ranges, at most %u", in->nbusy,
				(unsigned)PLAN_MAX_BUSY);
	if (in->nlive > PLAN_MAX_LIVE)
		return err_fail(err, "plan: %u live ranges, at most %u", in->nlive,
				(unsigned)PLAN_MAX_LIVE);
	if (plan_place_kernel(plan, in, &shifted, err))
		return -1;
	in = &shifted;
	/* Copies may cover the live ranges (the stub runs them); the loader's own writes may not. */
	if (plan_collect(in, &avoid, err) || plan_place_modules(plan, in, &avoid, err) ||
	    plan_add_live(in, &avoid, err) ||
	    plan_place_low(in, &avoid, in->bootdata_size, "boot data", &plan->bootdata_addr,
			   err) ||
	    plan_place_low(in, &avoid, in->handoff_size, "the hand-off area",
			   &plan->handoff_addr, err) ||
	    plan_list_ops(plan, in, err) || plan_order(plan, in->map, &avoid, err))
		return -1;
	for (unsigned i = 0; i < plan->nops; i++) {
		if (plan->ops[i].kind == PLAN_COPY)
			plan->bytes_copied += plan->ops[i].len;
		else
			plan->bytes_zeroed += plan->ops[i].len;
	}
	return 0;
}
