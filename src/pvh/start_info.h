/*
 * start_info.h - serialising hvm_start_info version 1 with its module list,
 * memory map and strings into one block that will live at a known physical
 * address. Layout: start info | module list | memory map | strings, each
 * table 8-byte aligned; absent strings are passed as address 0.
 */
#ifndef PVHBOOT_START_INFO_H
#define PVHBOOT_START_INFO_H

#include "lib/env.h"
#include "lib/err.h"
#include "pvh/memmap.h"

struct si_module {
	uint64_t addr;
	uint64_t size;
	const char *cmdline; /* NULL or "" for none */
};

struct si_request {
	uint32_t flags;      /* SIF_* passed through */
	const char *cmdline; /* kernel command line, NULL or "" for none */
	uint64_t rsdp;       /* 0 if unknown */
	const struct memmap *map;
	unsigned nmodules;
	const struct si_module *modules;
};

/* Bytes si_build() needs for this request. */
uint64_t si_size(const struct si_request *req);

/*
 * Write the block into buf (size bytes), which will be at physical address
 * base when the kernel reads it. base must be 8-aligned and the whole block
 * below 4 GiB; fails if buf is too small or the map has more entries than
 * PVH_LINUX_MAX_MEMMAP.
 */
int si_build(void *buf, uint64_t size, uint64_t base, const struct si_request *req,
	     struct err *err);

#endif
