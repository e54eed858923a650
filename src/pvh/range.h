/*
 * range.h - half-open physical address ranges [start, end). Every placement
 * question in the planner is an overlap or containment test on these.
 */
#ifndef PVHBOOT_RANGE_H
#define PVHBOOT_RANGE_H

#include "lib/env.h"

struct range {
	uint64_t start;
	uint64_t end; /* exclusive; start == end is empty */
};

static inline bool range_overlaps(struct range a, struct range b)
{
	return a.start < b.end && b.start < a.end;
}

static inline bool range_contains(struct range outer, struct range inner)
{
	return inner.start >= outer.start && inner.end <= outer.end;
}

/* [addr, addr+size), false if it wraps past 2^64. */
static inline bool range_make(uint64_t addr, uint64_t size, struct range *out)
{
	uint64_t end;

	if (add_overflows(addr, size, &end))
		return false;
	out->start = addr;
	out->end = end;
	return true;
}

#endif
