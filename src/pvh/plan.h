/*
 * plan.h - where everything goes and in which order the bytes move.
 *
 * Input: the normalised memory map, the kernel's load segments (where their
 * file bytes are now and where they must go), the modules (where they are
 * now), ranges nobody may write (the loader itself), and the sizes of the
 * boot data (start info + lists + strings) and of the hand-off area.
 *
 * Output: final module addresses, the boot-data and hand-off addresses, and
 * an ordered list of copy / zero operations that the 32-bit hand-off runs
 * one after the other. Each copy is a memmove (it may overlap itself).
 *
 * Guarantees (each one unit-tested on a model of memory):
 *  - every write lands in RAM, below 4 GiB, outside the busy ranges;
 *  - no source byte is overwritten before the copy that reads it has run;
 *    when copies form a cycle, one is staged through free memory first;
 *  - modules that already sit in RAM below 4 GiB, page-aligned and clear of
 *    every destination stay where they are (no copy);
 *  - boot data and hand-off area lie in RAM below 1 GiB, clear of every
 *    source, destination, module and busy range, so the caller may write
 *    them directly before the hand-off runs.
 */
#ifndef PVHBOOT_PLAN_H
#define PVHBOOT_PLAN_H

#include "lib/env.h"
#include "lib/err.h"
#include "pvh/memmap.h"
#include "pvh/range.h"

#define PLAN_MAX_SEGMENTS 32
#define PLAN_MAX_MODULES 32
#define PLAN_MAX_BUSY 16
/* segments (copy + zero each) + modules + stagings */
#define PLAN_MAX_OPS (2 * PLAN_MAX_SEGMENTS + 2 * PLAN_MAX_MODULES + 8)

#define PLAN_LIMIT_4G 0x100000000ull
#define PLAN_LIMIT_1G 0x40000000ull
/* Nothing is placed in the first MiB (real-mode IVT, BIOS data, EBDA). */
#define PLAN_LOW_FLOOR 0x100000ull
#define PLAN_PAGE 4096ull

struct plan_segment {
	uint64_t dst;    /* p_paddr */
	uint64_t src;    /* physical address of the segment's file bytes now */
	uint64_t filesz; /* bytes to copy */
	uint64_t memsz;  /* filesz..memsz is zeroed */
};

struct plan_module {
	uint64_t addr; /* where it is now */
	uint64_t size;
};

struct plan_input {
	const struct memmap *map; /* normalised */
	unsigned nsegments;
	struct plan_segment segments[PLAN_MAX_SEGMENTS];
	unsigned nmodules;
	struct plan_module modules[PLAN_MAX_MODULES];
	unsigned nbusy;
	struct range busy[PLAN_MAX_BUSY]; /* never written: the loader image... */
	const char *busy_name[PLAN_MAX_BUSY]; /* for messages; NULL: "busy range" */
	uint64_t bootdata_size;           /* placed below 1 GiB, 8-aligned */
	uint64_t handoff_size;            /* placed below 1 GiB, 16-aligned */
};

enum plan_op_kind {
	PLAN_COPY = 1, /* memmove(dst, src, len) */
	PLAN_ZERO = 2, /* memset(dst, 0, len) */
};

struct plan_op {
	uint64_t dst;
	uint64_t src; /* 0 for PLAN_ZERO */
	uint64_t len;
	uint32_t kind;
	uint32_t reserved; /* 0; spelled out so copies carry no indeterminate padding */
};

struct plan {
	uint64_t module_addr[PLAN_MAX_MODULES]; /* final addresses */
	uint64_t bootdata_addr;
	uint64_t handoff_addr;
	unsigned nops;
	struct plan_op ops[PLAN_MAX_OPS];
	uint64_t bytes_copied; /* sum of PLAN_COPY lengths, stagings included */
	uint64_t bytes_staged; /* of which extra copies forced by cycles */
	uint64_t bytes_zeroed;
};

int plan_build(struct plan *plan, const struct plan_input *in, struct err *err);

#endif
