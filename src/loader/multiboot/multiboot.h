/*
 * multiboot.h - turning multiboot1 and multiboot2 boot information into a
 * boot request. Pure functions over physical memory read through an
 * accessor, so the unit tests and fuzzers run them on buffers.
 *
 * Convention on both: the first module is the kernel and its string is the
 * kernel's command line; every further module becomes a start-info module
 * with its string as the module's command line. GRUB 2 passes only the
 * arguments as a module's string; QEMU's multiboot loader (and iPXE) put the
 * file name first: the boot loader name tells them apart.
 */
#ifndef PVHBOOT_MULTIBOOT_H
#define PVHBOOT_MULTIBOOT_H

#include "lib/env.h"
#include "lib/err.h"
#include "loader/common/bootreq.h"
#include "loader/common/phys.h"

#define MB1_BOOT_MAGIC 0x2badb002u
#define MB2_BOOT_MAGIC 0x36d76289u

/* Cap on the boot information we agree to read (multiboot2 total_size). */
#define MB2_MAX_INFO (1u << 20)

int mb1_parse(struct bootreq *req, const struct phys_mem *pm, uint32_t info_addr,
	      struct err *err);
int mb2_parse(struct bootreq *req, const struct phys_mem *pm, uint32_t info_addr,
	      struct err *err);

/*
 * Shared by both: the first module becomes the kernel, the others modules.
 * strip_name: the module strings start with the file name (not GRUB).
 */
int mb_add_module(struct bootreq *req, const struct phys_mem *pm, uint64_t start, uint64_t end,
		  const char *string, bool strip_name, struct err *err);

#endif
