/*
 * plan.h - where everything goes and in which order the bytes move.
 *
 * Input: the normalised memory map, the kernel's load segments (where their
 * file bytes are now and where they are linked to go), the kernel's
 * relocation note and any forced base, the modules (where they are now),
 * ranges nobody may write (firmware, a stub still running), ranges only the
 * loader's own writes must avoid (the loader image, dead once the hand-off
 * stub runs), and the sizes of the boot data (start info + lists + strings)
 * and of the hand-off area.
 *
 * Output: final module addresses, the boot-data and hand-off addresses, and
 * an ordered list of copy / zero operations that the 32-bit hand-off runs
 * one after the other. Each copy is a memmove (it may overlap itself).
 *
 * Placement of the kernel: at its linked addresses when every segment's
 * destination is RAM at or above 1 MiB and clear of the busy ranges;
 * otherwise, when the kernel carries XEN_ELFNOTE_PHYS32_RELOC, every segment
 * and the entry move by one delta chosen by plan_reloc_choose() (the highest
 * aligned base that fits, as Xen's PVH dom0 builder picks); otherwise the
 * linked placement's error. A forced base (reloc= option) or a delta the
 * caller already chose (in->delta_given: the UEFI front end reads segments
 * straight into a range it allocated) replaces the search.
 *
 * Guarantees (each one unit-tested on a model of memory):
 *  - every write lands in RAM, below 4 GiB, outside the busy ranges;
 *  - the boot data and hand-off area also lie outside the live ranges,
 *    which copies and zeroing (run by the stub) may cover;
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

/*
 * The kernel's relocation note (XEN_ELFNOTE_PHYS32_RELOC) and a forced base.
 * Bases are where the image span (lowest p_paddr .. highest p_paddr+p_memsz)
 * starts once placed.
 */
struct plan_reloc {
	bool relocatable; /* the note is present */
	uint64_t align;   /* a power of two; the base is a multiple of it */
	uint64_t min;     /* lowest base */
	uint64_t max;     /* highest last byte of the image */
	bool forced;      /* reloc=ADDR: take base or fail, no search */
	uint64_t base;
};

#define PLAN_MAX_LIVE 4

struct plan_input {
	const struct memmap *map; /* normalised */
	unsigned nsegments;
	struct plan_segment segments[PLAN_MAX_SEGMENTS];
	unsigned nmodules;
	struct plan_module modules[PLAN_MAX_MODULES];
	unsigned nbusy;
	struct range busy[PLAN_MAX_BUSY]; /* never written: the loader image... */
	const char *busy_name[PLAN_MAX_BUSY]; /* for messages; NULL: "busy range" */
	unsigned nlive;
	struct range live[PLAN_MAX_LIVE]; /* in use until the hand-off: the loader image */
	const char *live_name[PLAN_MAX_LIVE];
	struct plan_reloc reloc;
	bool delta_given;                 /* place the kernel at dst + delta, no choice */
	uint64_t delta;
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
	uint64_t delta;   /* added to every segment's dst and to the entry (mod 2^64) */
	bool relocated;   /* delta != 0 */
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

/*
 * The relocation choice alone, pure, for any front end (plan_build calls it;
 * the UEFI front end calls it before it allocates and reads the segments,
 * then passes the delta to plan_build with delta_given).
 *   usable: normalised map; only its RAM entries count;
 *   avoid[0..navoid): ranges the image must not cover (busy ranges, module
 *     and segment sources, boot data...), named avoid_name[i] in messages
 *     (avoid_name or an entry may be NULL: "a range to keep");
 *   span: the image as linked, [lowest p_paddr, highest p_paddr + p_memsz);
 *   reloc: the note and any forced base.
 * Without a forced base: the highest base, a multiple of max(align, 4 KiB),
 * with base >= max(min, 1 MiB), base + size - 1 <= max, below 4 GiB, all in
 * RAM and clear of avoid. With one: that base, or why not (alignment, below
 * min or 1 MiB, past max, not RAM, overlaps avoid[i]). *delta = base -
 * span.start (mod 2^64). Errors name the note's fields and values: no note,
 * align 0 or not a power of two, max below min + image size, no room.
 * Returns 0 or -1 with err set ("plan: ...").
 */
int plan_reloc_choose(const struct memmap *usable, const struct range *avoid,
		      const char *const *avoid_name, unsigned navoid, struct range span,
		      const struct plan_reloc *reloc, uint64_t *delta, struct err *err);

#endif
