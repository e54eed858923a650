/*
 * memmap.h - physical memory maps in the start-info types (1 RAM, 2 reserved,
 * 3 ACPI, 4 NVS, 5 unusable, 6 disabled, 7 PMEM). Every front end converts
 * what its firmware reports into these entries and normalises them here.
 */
#ifndef PVHBOOT_MEMMAP_H
#define PVHBOOT_MEMMAP_H

#include "lib/env.h"
#include "lib/err.h"
#include "pvh/range.h"

/* Working capacity: raw firmware maps (OVMF) exceed Linux's 128 entries. */
#define MEMMAP_MAX 512

struct memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

struct memmap {
	unsigned n;
	struct memmap_entry e[MEMMAP_MAX];
};

/*
 * Sort, resolve overlaps and merge adjacent entries of one type. Where
 * entries overlap the stronger type wins: reserved > disabled > unusable >
 * NVS > ACPI > PMEM > RAM (unknown types count as reserved and are stored as
 * reserved). Entries of size 0 are dropped; an entry that runs past 2^64 is
 * cut at 2^64 - 1. Fails only if more than MEMMAP_MAX entries would result.
 */
int memmap_normalise(struct memmap *out, const struct memmap_entry *in, unsigned n,
		     struct err *err);

/*
 * Shrink a normalised map to at most max entries without ever claiming more
 * RAM than there is, and without losing any non-RAM range: first merge
 * neighbouring non-RAM entries (touching ones first, then across a hole;
 * the stronger type wins, so LAPIC, HPET, TPM pages and ACPI NVS stay
 * marked), then drop the smallest RAM entries that do not intersect any of
 * keep[] (everything the plan writes: kernel, modules, boot data).
 */
int memmap_fit(struct memmap *map, unsigned max, const struct range *keep, unsigned nkeep,
	       struct err *err);

/*
 * Give [r.start, r.end), which must lie inside one RAM entry of the
 * normalised map, the type `type` (the RSDP copy becomes ACPI), splitting the
 * entry into up to three. Fails, naming the range, if it is not inside one
 * RAM entry or the map is full.
 */
int memmap_mark(struct memmap *map, struct range r, uint32_t type, struct err *err);

/* True if every byte of r lies in RAM entries of the normalised map. */
bool memmap_is_ram(const struct memmap *map, struct range r);

/* "RAM", "reserved", "ACPI", "NVS", "unusable", "disabled", "PMEM", "type N". */
const char *memmap_type_name(uint32_t type);

/*
 * The one dump format shared by the loader, pvh-inspect and the guest:
 * "0x0000000000100000 - 0x0000000007fdffff = 1 RAM" (end inclusive).
 */
size_t memmap_format_entry(char *buf, size_t size, const struct memmap_entry *e);

#endif
