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

/*
 * busy: ranges that must never be written (the loader image), named
 * busy_name in messages. handoff_size: bytes to reserve for the hand-off
 * stub and its block.
 */
int boot_prepare(struct boot_prepared *bp, struct bootreq *req, const struct range *busy,
		 unsigned nbusy, const char *busy_name, uint64_t handoff_size, struct err *err);

/* Unpack a bundle given as the kernel: kernel, command line, modules first. */
int boot_expand_bundle(struct bootreq *req, struct err *err);

#endif
