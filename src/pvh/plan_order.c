/*
 * plan_order.c - the order in which the hand-off runs the plan's operations
 * (see plan_order.h). Called by plan_build().
 *
 * Op A must run before op B when A's source overlaps B's destination (A
 * reads what B writes). Destinations never overlap one another, so that is
 * the only kind of edge. A topological sort (Kahn's, always taking the first
 * ready op in list order, so the result is deterministic) emits the ops; when
 * none is ready the remaining ones contain a cycle, and the shortest copy on
 * it is staged: its source is first copied to free memory nobody writes,
 * which removes all its outgoing edges. The list is sorted in place: ops
 * [0, done) are emitted, [done, n) wait in their original relative order.
 */
#include "pvh/plan_order.h"

#define ULL(v) ((unsigned long long)(v))

static struct range op_dst(const struct plan_op *op)
{
	struct range r = { op->dst, op->dst + op->len };

	return r;
}

/* Zero ops read nothing. */
static bool op_reads(const struct plan_op *op, struct range *r)
{
	if (op->kind != PLAN_COPY)
		return false;
	r->start = op->src;
	r->end = op->src + op->len;
	return true;
}

/* First waiting op other than x that must run before x; false if x is ready. */
static bool op_blocker(const struct plan *plan, unsigned done, unsigned x, unsigned *blocker)
{
	struct range dst = op_dst(&plan->ops[x]);

	for (unsigned i = done; i < plan->nops; i++) {
		struct range src;

		if (i != x && op_reads(&plan->ops[i], &src) && range_overlaps(src, dst)) {
			*blocker = i;
			return true;
		}
	}
	return false;
}

/* Moves ops[from] to position to (<= from), keeping the others' order. */
static void op_rotate(struct plan *plan, unsigned to, unsigned from)
{
	struct plan_op op = plan->ops[from];

	for (unsigned i = from; i > to; i--)
		plan->ops[i] = plan->ops[i - 1];
	plan->ops[to] = op;
}

/* Some waiting op on a cycle with the smallest length (first one met on ties). */
static unsigned op_pick_victim(const struct plan *plan, unsigned done)
{
	unsigned x = done, y, best, b;

	/* Every waiting op has a blocker; after as many steps as ops we are on a cycle. */
	for (unsigned step = done; step < plan->nops; step++) {
		op_blocker(plan, done, x, &b);
		x = b;
	}
	best = x;
	y = x;
	do {
		op_blocker(plan, done, y, &b);
		y = b;
		if (plan->ops[y].len < plan->ops[best].len)
			best = y;
	} while (y != x);
	return best;
}

static int op_stage(struct plan *plan, unsigned done, unsigned victim, const struct memmap *map,
		    struct freemem_avoid *avoid, struct err *err)
{
	struct plan_op *op = &plan->ops[victim];
	struct plan_op stage = { 0, op->src, op->len, PLAN_COPY, 0 };
	struct range r;

	if (plan->nops == PLAN_MAX_OPS)
		return err_fail(err, "plan: more than %u operations with staging copies",
				(unsigned)PLAN_MAX_OPS);
	if (!freemem_find(map, avoid, op->len, PLAN_PAGE, PLAN_LOW_FLOOR, PLAN_LIMIT_4G,
			  &stage.dst))
		return err_fail(err,
				"plan: not enough memory below 4 GiB to stage the copy "
				"[0x%llx, 0x%llx) -> 0x%llx (0x%llx bytes) that breaks a cycle",
				ULL(op->src), ULL(op->src + op->len), ULL(op->dst),
				ULL(op->len));
	r.start = stage.dst;
	r.end = stage.dst + stage.len;
	if (!freemem_avoid_add(avoid, r))
		return err_fail(err, "plan: too many ranges to keep clear");
	/* Nobody writes the staging area, so the victim no longer blocks anyone. */
	op->src = stage.dst;
	plan->bytes_staged += stage.len;
	for (unsigned i = plan->nops; i > done; i--)
		plan->ops[i] = plan->ops[i - 1];
	plan->ops[done] = stage;
	plan->nops++;
	return 0;
}

int plan_order(struct plan *plan, const struct memmap *map, struct freemem_avoid *avoid,
	       struct err *err)
{
	unsigned done = 0;

	while (done < plan->nops) {
		unsigned b;
		bool emitted = false;

		for (unsigned j = done; j < plan->nops; j++) {
			if (!op_blocker(plan, done, j, &b)) {
				op_rotate(plan, done, j);
				done++;
				emitted = true;
				break;
			}
		}
		if (emitted)
			continue;
		/* The staging copy runs now, while the victim's source is still intact. */
		if (op_stage(plan, done, op_pick_victim(plan, done), map, avoid, err))
			return -1;
		done++;
	}
	return 0;
}
