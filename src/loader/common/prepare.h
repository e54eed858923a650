/*
 * prepare.h - a boot request into everything the hand-off needs: the kernel
 * parsed (a bundle unpacked first), the memory map normalised and fitted to
 * Linux's 128 entries, the placement plan, and the start-info request with
 * the final module addresses. Pure: nothing is written to memory here, so
 * the whole decision is unit-tested on the host.
 */
#ifndef PVHBOOT_PREPARE_H
#define PVHBOOT_PREPARE_H

#include "elf/elf.h"
#include "lib/env.h"
#include "lib/err.h"
#include "loader/common/bootreq.h"
#include "pvh/memmap.h"
#include "pvh/plan.h"
#include "pvh/start_info.h"

struct boot_prepared {
	struct elf_image elf;
	struct memmap map;
	struct plan_input pin;
	struct plan plan;
	struct si_module modules[BOOTREQ_MAX_MODULES];
	struct si_request si;
	uint64_t si_bytes;       /* start info block size */
	uint64_t rsdp_copy_addr; /* where the multiboot2 RSDP copy goes, or 0 */
	uint64_t entry;
};

/* What the front end must keep and how it wants the kernel placed. */
struct boot_place {
	const struct range *busy; /* never written (firmware, a running stub) */
	unsigned nbusy;
	const char *busy_name;    /* for messages */
	const struct range *live; /* the loader image: in use until the hand-off */
	unsigned nlive;
	const char *live_name;
	uint64_t handoff_size;    /* bytes for the hand-off stub and its block */
	bool force_reloc;         /* reloc=ADDR: place the image span there */
	uint64_t reloc_base;
	bool delta_given;         /* the segments are already read at p_paddr + delta */
	uint64_t delta;
};

/*
 * The whole preparation: unpack a bundle, parse the kernel (in memory), plan,
 * fit the map. On success bp->entry is the (possibly relocated) entry and
 * bp->plan.delta what every segment moved by.
 */
int boot_prepare(struct boot_prepared *bp, struct bootreq *req, const struct boot_place *place,
		 struct err *err);

/*
 * The preparation after the kernel is parsed, for every front end (UEFI
 * parses with elf_parse_file and reads segments itself). In: bp->elf filled
 * (ELF_PVH), req's raw map, modules, command lines and RSDP, seg_src[i] the
 * physical address where segment i's file bytes are now (UEFI: where it read
 * them, which is p_paddr + delta when place->delta_given), place.
 * Order, so that nothing the plan uses lands in RAM the handed map drops:
 *   1. normalise the raw map;
 *   2. plan on it (placement, relocation, copies), the boot data sized for
 *      the largest map handed over;
 *   3. mark the multiboot2 RSDP copy ACPI in the map (Linux reads it late);
 *   4. fit the map to PVH_HANDOVER_MAX_MEMMAP keeping every range the plan
 *      writes (segments at their final place, modules, boot data, hand-off).
 * Everything else of bp is filled as by boot_prepare (clears bp but bp->elf).
 */
int boot_prepare_parsed(struct boot_prepared *bp, const struct bootreq *req,
			const uint64_t *seg_src, const struct boot_place *place, struct err *err);

/* Unpack a bundle given as the kernel: kernel, command line, modules first. */
int boot_expand_bundle(struct bootreq *req, struct err *err);

#endif
