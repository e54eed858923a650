/*
 * plan_model.h - test-only model of physical memory and the judge of a plan,
 * shared by the plan unit tests (test_plan.c) and the plan fuzzer
 * (tests/fuzz/fuzz_plan.c). Header-only because the fuzz binaries link no
 * test files.
 *
 * Memory is tagged, not stored: each byte holds either "the byte that was
 * originally at address o" or zero, kept as sorted pieces [start, end) whose
 * bytes come from origin + (x - start). A 4 GiB space costs a few hundred
 * pieces, and a copy of the wrong bytes can never pass by accident.
 *
 * pm_check_plan() runs the plan's operations on the model and checks every
 * promise of plan.h; it returns 0, or -1 with the reason in why.
 */
#ifndef PVHBOOT_TEST_PLAN_MODEL_H
#define PVHBOOT_TEST_PLAN_MODEL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvh/plan.h"

enum { PM_ORIG = 1, PM_ZERO = 2 };

struct pm_piece {
	uint64_t start, end;
	uint64_t origin; /* PM_ORIG: byte x holds original byte origin + (x - start) */
	int kind;
};

struct pm_mem {
	struct pm_piece *p;
	unsigned n, cap;
};

static inline void pm_push(struct pm_mem *m, struct pm_piece piece)
{
	if (piece.start >= piece.end)
		return;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->p = realloc(m->p, m->cap * sizeof(*m->p));
		if (!m->p)
			abort();
	}
	m->p[m->n++] = piece;
}

static inline void pm_init(struct pm_mem *m)
{
	struct pm_piece all = { 0, UINT64_MAX, 0, PM_ORIG };

	memset(m, 0, sizeof(*m));
	pm_push(m, all);
}

static inline void pm_free(struct pm_mem *m)
{
	free(m->p);
	memset(m, 0, sizeof(*m));
}

/* The part of piece p inside [a, b). */
static inline struct pm_piece pm_clip(struct pm_piece p, uint64_t a, uint64_t b)
{
	struct pm_piece c = p;

	if (c.start < a)
		c.start = a;
	if (c.end > b)
		c.end = b;
	if (p.kind == PM_ORIG)
		c.origin = p.origin + (c.start - p.start);
	return c;
}

/* The pieces covering [a, a+len), moved to start at 0. */
static inline void pm_extract(const struct pm_mem *m, uint64_t a, uint64_t len,
			      struct pm_mem *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < m->n; i++) {
		if (m->p[i].end <= a || m->p[i].start >= a + len)
			continue;
		struct pm_piece c = pm_clip(m->p[i], a, a + len);
		c.start -= a;
		c.end -= a;
		pm_push(out, c);
	}
}

/* Replaces [dst, dst+len) with the pieces of src (which start at 0). */
static inline void pm_store(struct pm_mem *m, uint64_t dst, uint64_t len,
			    const struct pm_mem *src)
{
	struct pm_mem next;
	bool placed = false;

	memset(&next, 0, sizeof(next));
	for (unsigned i = 0; i < m->n; i++) {
		struct pm_piece p = m->p[i];

		pm_push(&next, pm_clip(p, 0, dst));
		if (!placed && p.end > dst) {
			for (unsigned j = 0; j < src->n; j++) {
				struct pm_piece c = src->p[j];
				c.start += dst;
				c.end += dst;
				pm_push(&next, c);
			}
			placed = true;
		}
		pm_push(&next, pm_clip(p, dst + len, UINT64_MAX));
	}
	pm_free(m);
	*m = next;
}

static inline void pm_copy(struct pm_mem *m, uint64_t dst, uint64_t src, uint64_t len)
{
	struct pm_mem tmp;

	pm_extract(m, src, len, &tmp);
	pm_store(m, dst, len, &tmp);
	pm_free(&tmp);
}

static inline void pm_zero(struct pm_mem *m, uint64_t dst, uint64_t len)
{
	struct pm_mem tmp;
	struct pm_piece z = { 0, len, 0, PM_ZERO };

	memset(&tmp, 0, sizeof(tmp));
	pm_push(&tmp, z);
	pm_store(m, dst, len, &tmp);
	pm_free(&tmp);
}

/* Every byte of [a, a+len) holds the original byte of origin + (x - a). */
static inline bool pm_holds(const struct pm_mem *m, uint64_t a, uint64_t len, uint64_t origin)
{
	if (len == 0)
		return true;
	for (unsigned i = 0; i < m->n; i++) {
		const struct pm_piece *p = &m->p[i];

		if (p->end <= a || p->start >= a + len)
			continue;
		if (p->kind != PM_ORIG || p->origin - p->start != origin - a)
			return false;
	}
	return true;
}

static inline bool pm_is_zero(const struct pm_mem *m, uint64_t a, uint64_t len)
{
	if (len == 0)
		return true;
	for (unsigned i = 0; i < m->n; i++) {
		const struct pm_piece *p = &m->p[i];

		if (p->end > a && p->start < a + len && p->kind != PM_ZERO)
			return false;
	}
	return true;
}

/* --- the judge ------------------------------------------------------------ */

static inline int pm_fail(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return -1;
}

static inline struct range pm_r(uint64_t start, uint64_t len)
{
	struct range r = { start, start + len };

	return r;
}

static inline bool pm_overlap(struct range a, struct range b)
{
	return a.start < a.end && b.start < b.end && a.start < b.end && b.start < a.end;
}

/* In RAM, by its own walk over the map (not memmap_is_ram). */
static inline bool pm_in_ram(const struct memmap *map, struct range r)
{
	uint64_t pos = r.start;

	while (pos < r.end) {
		unsigned i;

		for (i = 0; i < map->n; i++)
			if (map->e[i].type == 1 && map->e[i].addr <= pos &&
			    pos - map->e[i].addr < map->e[i].size)
				break;
		if (i == map->n)
			return false;
		pos = map->e[i].addr + map->e[i].size;
		if (pos == 0) /* entry ran to the top */
			return true;
	}
	return true;
}

#define PM_MAX_OWNED (3 * PLAN_MAX_SEGMENTS + 2 * PLAN_MAX_MODULES + PLAN_MAX_BUSY + 2)

struct pm_owned {
	unsigned n;
	struct range r[PM_MAX_OWNED];
	const char *what[PM_MAX_OWNED];
};

static inline void pm_own(struct pm_owned *o, struct range r, const char *what)
{
	if (r.start < r.end && o->n < PM_MAX_OWNED) {
		o->r[o->n] = r;
		o->what[o->n++] = what;
	}
}

static inline bool pm_owned_hit(const struct pm_owned *o, struct range r, unsigned *which)
{
	for (unsigned i = 0; i < o->n; i++)
		if (pm_overlap(o->r[i], r)) {
			*which = i;
			return true;
		}
	return false;
}

/* Would plan.h's rule keep module i in place, given which earlier ones stay? */
static inline bool pm_should_stay(const struct plan_input *in, const bool *kept, unsigned i)
{
	const struct plan_module *m = &in->modules[i];
	struct range r = pm_r(m->addr, m->size);

	if (m->size == 0)
		return true;
	if (r.end < r.start || r.end > PLAN_LIMIT_4G || r.start < PLAN_LOW_FLOOR ||
	    r.start % PLAN_PAGE || !pm_in_ram(in->map, r))
		return false;
	for (unsigned s = 0; s < in->nsegments; s++)
		if (pm_overlap(r, pm_r(in->segments[s].dst, in->segments[s].memsz)))
			return false;
	for (unsigned b = 0; b < in->nbusy; b++)
		if (pm_overlap(r, in->busy[b]))
			return false;
	for (unsigned j = 0; j < i; j++)
		if (kept[j] && pm_overlap(r, pm_r(in->modules[j].addr, in->modules[j].size)))
			return false;
	return true;
}

static inline int pm_check_placed(const struct plan_input *in, struct range r, uint64_t limit,
				  const char *what, char *why, size_t n)
{
	if (r.start == r.end)
		return 0;
	if (r.end > limit || r.start < PLAN_LOW_FLOOR || r.start % PLAN_PAGE)
		return pm_fail(why, n, "%s [0x%llx, 0x%llx) outside [1 MiB, 0x%llx) or unaligned",
			       what, (unsigned long long)r.start, (unsigned long long)r.end,
			       (unsigned long long)limit);
	if (!pm_in_ram(in->map, r))
		return pm_fail(why, n, "%s [0x%llx, 0x%llx) not in RAM", what,
			       (unsigned long long)r.start, (unsigned long long)r.end);
	return 0;
}

/* Span of the non-empty segments as linked; false if there is none. */
static inline bool pm_span(const struct plan_input *in, struct range *span)
{
	bool any = false;

	for (unsigned s = 0; s < in->nsegments; s++) {
		const struct plan_segment *seg = &in->segments[s];

		if (!seg->memsz)
			continue;
		if (!any || seg->dst < span->start)
			span->start = seg->dst;
		if (!any || seg->dst + seg->memsz > span->end)
			span->end = seg->dst + seg->memsz;
		any = true;
	}
	return any;
}

/* Would the kernel fit at its linked addresses (plan.h's rule, by the model)? */
static inline bool pm_linked_ok(const struct plan_input *in)
{
	for (unsigned s = 0; s < in->nsegments; s++) {
		struct range d = pm_r(in->segments[s].dst, in->segments[s].memsz);

		if (!in->segments[s].memsz)
			continue;
		if (d.start < PLAN_LOW_FLOOR || d.end > PLAN_LIMIT_4G || !pm_in_ram(in->map, d))
			return false;
		for (unsigned b = 0; b < in->nbusy; b++)
			if (pm_overlap(d, in->busy[b]))
				return false;
	}
	return true;
}

/* The delta obeys the note, the forced base, and moves only a kernel that must move. */
static inline int pm_check_reloc(const struct plan_input *in, const struct plan *plan,
				 char *why, size_t n)
{
	struct range span = { 0, 0 };
	const struct plan_reloc *rl = &in->reloc;

	if (plan->relocated != (plan->delta != 0))
		return pm_fail(why, n, "relocated flag disagrees with delta 0x%llx",
			       (unsigned long long)plan->delta);
	if (in->delta_given)
		return plan->delta == in->delta ? 0 : pm_fail(why, n, "given delta not taken");
	if (!pm_span(in, &span))
		return plan->delta ? pm_fail(why, n, "empty kernel relocated") : 0;
	uint64_t base = span.start + plan->delta, size = span.end - span.start;
	if (rl->forced) {
		if (base != rl->base)
			return pm_fail(why, n, "forced base 0x%llx, placed at 0x%llx",
				       (unsigned long long)rl->base, (unsigned long long)base);
	} else if (pm_linked_ok(in)) {
		if (plan->delta)
			return pm_fail(why, n, "linked range usable but relocated by 0x%llx",
				       (unsigned long long)plan->delta);
		return 0;
	}
	if (!plan->delta && !rl->forced)
		return pm_fail(why, n, "linked range unusable, yet not relocated");
	if (!rl->relocatable)
		return pm_fail(why, n, "relocated without a PHYS32_RELOC note");
	if (!rl->align || (rl->align & (rl->align - 1)) || base % rl->align || base < rl->min ||
	    base + size - 1 > rl->max || base < PLAN_LOW_FLOOR)
		return pm_fail(why, n, "base 0x%llx breaks the note (align 0x%llx min 0x%llx max 0x%llx)",
			       (unsigned long long)base, (unsigned long long)rl->align,
			       (unsigned long long)rl->min, (unsigned long long)rl->max);
	if (!rl->forced && base % PLAN_PAGE)
		return pm_fail(why, n, "chosen base 0x%llx not page-aligned", (unsigned long long)base);
	/* Clear of busy ranges and of every source. */
	struct range placed = pm_r(base, size);
	for (unsigned b = 0; b < in->nbusy; b++)
		if (pm_overlap(placed, in->busy[b]))
			return pm_fail(why, n, "relocated image overlaps busy range %u", b);
	for (unsigned i = 0; i < in->nmodules; i++)
		if (pm_overlap(placed, pm_r(in->modules[i].addr, in->modules[i].size)))
			return pm_fail(why, n, "relocated image overlaps module %u's source", i);
	for (unsigned s = 0; s < in->nsegments; s++)
		if (pm_overlap(placed, pm_r(in->segments[s].src, in->segments[s].filesz)))
			return pm_fail(why, n, "relocated image overlaps segment %u's source", s);
	return 0;
}

static inline int pm_check_plan(const struct plan_input *in, const struct plan *plan,
				char *why, size_t n)
{
	struct pm_owned fixed = { 0 }; /* nothing may be written here */
	struct pm_owned all = { 0 };   /* staging must avoid all of this */
	bool kept[PLAN_MAX_MODULES];
	bool staging[PLAN_MAX_OPS];
	uint64_t copied = 0, zeroed = 0, staged = 0, needed = 0;
	struct range bd = pm_r(plan->bootdata_addr, in->bootdata_size);
	struct range ho = pm_r(plan->handoff_addr, in->handoff_size);
	struct pm_mem mem;
	unsigned w;
	int rc = 0;

	if (plan->nops > PLAN_MAX_OPS)
		return pm_fail(why, n, "%u ops", plan->nops);
	if (pm_check_reloc(in, plan, why, n))
		return -1;
	/* From here on the segments are where the plan put them. */
	static struct plan_input pm_shifted;
	pm_shifted = *in;
	for (unsigned s = 0; s < in->nsegments; s++)
		if (pm_shifted.segments[s].memsz)
			pm_shifted.segments[s].dst += plan->delta;
	in = &pm_shifted;
	for (unsigned l = 0; l < in->nlive; l++)
		if (pm_overlap(in->live[l], bd) || pm_overlap(in->live[l], ho))
			return pm_fail(why, n, "boot data or hand-off overlaps live range %u", l);
	for (unsigned b = 0; b < in->nbusy; b++) {
		pm_own(&fixed, in->busy[b], "busy");
		pm_own(&all, in->busy[b], "busy");
	}
	pm_own(&fixed, bd, "boot data");
	pm_own(&all, bd, "boot data");
	pm_own(&fixed, ho, "hand-off");
	pm_own(&all, ho, "hand-off");
	if (pm_check_placed(in, bd, PLAN_LIMIT_1G, "boot data", why, n) ||
	    pm_check_placed(in, ho, PLAN_LIMIT_1G, "hand-off", why, n))
		return -1;
	if (pm_overlap(bd, ho))
		return pm_fail(why, n, "boot data overlaps hand-off");

	for (unsigned s = 0; s < in->nsegments; s++) {
		const struct plan_segment *seg = &in->segments[s];
		struct range d = pm_r(seg->dst, seg->memsz);

		if (pm_owned_hit(&fixed, d, &w))
			return pm_fail(why, n, "segment %u destination overlaps %s", s,
				       fixed.what[w]);
		if (d.end > PLAN_LIMIT_4G || !pm_in_ram(in->map, d))
			return pm_fail(why, n, "segment %u destination not RAM below 4 GiB", s);
		pm_own(&all, d, "a segment destination");
		pm_own(&all, pm_r(seg->src, seg->filesz), "a segment source");
		if (seg->filesz && seg->src != seg->dst)
			needed += seg->filesz;
	}
	for (unsigned i = 0; i < in->nmodules; i++) {
		const struct plan_module *m = &in->modules[i];
		struct range fin = pm_r(plan->module_addr[i], m->size);

		kept[i] = pm_should_stay(in, kept, i);
		if (kept[i] != (plan->module_addr[i] == m->addr))
			return pm_fail(why, n, "module %u %s but should %s", i,
				       kept[i] ? "moved" : "stayed", kept[i] ? "stay" : "move");
		if (m->size == 0)
			continue;
		if (!kept[i])
			needed += m->size;
		if (pm_check_placed(in, fin, PLAN_LIMIT_4G, "module", why, n))
			return -1;
		if (pm_owned_hit(&fixed, fin, &w))
			return pm_fail(why, n, "module %u [0x%llx, 0x%llx) overlaps %s", i,
				       (unsigned long long)fin.start, (unsigned long long)fin.end,
				       fixed.what[w]);
		for (unsigned s = 0; s < in->nsegments; s++)
			if (pm_overlap(fin, pm_r(in->segments[s].dst, in->segments[s].memsz)))
				return pm_fail(why, n, "module %u overlaps segment %u", i, s);
		pm_own(&fixed, fin, "a module");
		pm_own(&all, fin, "a module's final range");
		pm_own(&all, pm_r(m->addr, m->size), "a module's current range");
	}
	/* Boot data and hand-off are written before any op: clear of every source. */
	for (unsigned i = 0; i < all.n; i++)
		if (strcmp(all.what[i], "boot data") && strcmp(all.what[i], "hand-off") &&
		    strcmp(all.what[i], "busy") &&
		    (pm_overlap(all.r[i], bd) || pm_overlap(all.r[i], ho)))
			return pm_fail(why, n, "boot data or hand-off overlaps %s", all.what[i]);

	/* Classify each op: segment write, module move, or staging. */
	for (unsigned k = 0; k < plan->nops; k++) {
		const struct plan_op *op = &plan->ops[k];
		struct range d = pm_r(op->dst, op->len);
		bool known = false;

		if (op->len == 0 || (op->kind != PLAN_COPY && op->kind != PLAN_ZERO) ||
		    d.end < d.start || d.end > PLAN_LIMIT_4G || !pm_in_ram(in->map, d))
			return pm_fail(why, n, "op %u: bad kind/len or not RAM below 4 GiB", k);
		if (op->kind == PLAN_COPY) {
			copied += op->len;
			if (op->src + op->len > PLAN_LIMIT_4G || op->src + op->len < op->src)
				return pm_fail(why, n, "op %u reads above 4 GiB", k);
		} else {
			zeroed += op->len;
		}
		for (unsigned s = 0; s < in->nsegments && !known; s++) {
			struct range sd = pm_r(in->segments[s].dst, in->segments[s].memsz);
			known = d.start >= sd.start && d.end <= sd.end;
		}
		for (unsigned i = 0; i < in->nmodules && !known; i++)
			known = !kept[i] && op->dst == plan->module_addr[i] &&
				op->len == in->modules[i].size && op->src == in->modules[i].addr;
		staging[k] = !known;
		if (!known) {
			if (op->kind != PLAN_COPY)
				return pm_fail(why, n, "op %u: a zero outside every segment", k);
			if (pm_owned_hit(&all, d, &w))
				return pm_fail(why, n, "staging op %u [0x%llx, 0x%llx) overlaps %s", k,
					       (unsigned long long)d.start,
					       (unsigned long long)d.end, all.what[w]);
			for (unsigned j = 0; j < k; j++)
				if (staging[j] &&
				    pm_overlap(d, pm_r(plan->ops[j].dst, plan->ops[j].len)))
					return pm_fail(why, n, "staging ops %u and %u overlap", j, k);
			staged += op->len;
		}
	}
	if (copied != plan->bytes_copied || zeroed != plan->bytes_zeroed ||
	    staged != plan->bytes_staged)
		return pm_fail(why, n, "counters: copied 0x%llx/0x%llx zeroed 0x%llx/0x%llx "
			       "staged 0x%llx/0x%llx",
			       (unsigned long long)plan->bytes_copied, (unsigned long long)copied,
			       (unsigned long long)plan->bytes_zeroed, (unsigned long long)zeroed,
			       (unsigned long long)plan->bytes_staged, (unsigned long long)staged);
	if (copied - staged != needed)
		return pm_fail(why, n, "0x%llx bytes copied besides staging, 0x%llx needed",
			       (unsigned long long)(copied - staged), (unsigned long long)needed);

	/* Run the ops: a source may only be read if nothing wrote it, or a staging did. */
	pm_init(&mem);
	for (unsigned k = 0; k < plan->nops && !rc; k++) {
		const struct plan_op *op = &plan->ops[k];

		if (op->kind == PLAN_COPY) {
			struct range src = pm_r(op->src, op->len);

			for (unsigned j = 0; j < k && !rc; j++) {
				struct range d = pm_r(plan->ops[j].dst, plan->ops[j].len);

				if (pm_overlap(src, d) &&
				    !(staging[j] && src.start == d.start && src.end == d.end))
					rc = pm_fail(why, n, "op %u reads [0x%llx, 0x%llx) after op "
						     "%u wrote [0x%llx, 0x%llx)",
						     k, (unsigned long long)src.start,
						     (unsigned long long)src.end, j,
						     (unsigned long long)d.start,
						     (unsigned long long)d.end);
			}
			pm_copy(&mem, op->dst, op->src, op->len);
		} else {
			pm_zero(&mem, op->dst, op->len);
		}
	}
	for (unsigned s = 0; s < in->nsegments && !rc; s++) {
		const struct plan_segment *seg = &in->segments[s];

		if (!pm_holds(&mem, seg->dst, seg->filesz, seg->src))
			rc = pm_fail(why, n, "segment %u does not hold its file bytes", s);
		else if (!pm_is_zero(&mem, seg->dst + seg->filesz, seg->memsz - seg->filesz))
			rc = pm_fail(why, n, "segment %u BSS is not zero", s);
	}
	for (unsigned i = 0; i < in->nmodules && !rc; i++)
		if (!pm_holds(&mem, plan->module_addr[i], in->modules[i].size,
			      in->modules[i].addr))
			rc = pm_fail(why, n, "module %u does not hold its bytes", i);
	for (unsigned b = 0; b < in->nbusy && !rc; b++)
		if (!pm_holds(&mem, in->busy[b].start, in->busy[b].end - in->busy[b].start,
			      in->busy[b].start))
			rc = pm_fail(why, n, "busy range %u was written", b);
	if (!rc && (!pm_holds(&mem, bd.start, bd.end - bd.start, bd.start) ||
		    !pm_holds(&mem, ho.start, ho.end - ho.start, ho.start)))
		rc = pm_fail(why, n, "boot data or hand-off area was written");
	pm_free(&mem);
	return rc;
}

#endif
