/*
 * plan_order.h - private to the planner: putting the copy and zero
 * operations of a plan into an order where no source is overwritten before
 * it is read, staging one copy through free memory when copies form a cycle.
 */
#ifndef PVHBOOT_PLAN_ORDER_H
#define PVHBOOT_PLAN_ORDER_H

#include "lib/err.h"
#include "pvh/freemem.h"
#include "pvh/plan.h"

/*
 * Reorders plan->ops[0..nops) in place (inserting staging copies), updates
 * nops and bytes_staged. Staging areas are the highest free page-aligned RAM
 * below 4 GiB clear of avoid, and are added to it.
 */
int plan_order(struct plan *plan, const struct memmap *map, struct freemem_avoid *avoid,
	       struct err *err);

#endif
