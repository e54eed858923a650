/*
 * pvh_info.h - a VMM's hvm_start_info (QEMU/KVM, Xen, microVMs) into a boot
 * request, when pvhboot itself was started through its PVH entry.
 * Module 0 is the kernel ELF or a bundle; further modules pass through. The
 * VMM's command line (less the "pvhboot." options) is the kernel's, unless
 * module 0 carries a command line of its own. With no module at all the
 * request has no kernel (have_kernel false) and kernel.cmdline holds the
 * VMM's command line: the caller boots from disk (firmware mode).
 */
#ifndef PVHBOOT_PVH_INFO_H
#define PVHBOOT_PVH_INFO_H

#include "lib/env.h"
#include "lib/err.h"
#include "loader/common/bootreq.h"
#include "loader/common/options.h"
#include "loader/common/phys.h"

int pvh_info_parse(struct bootreq *req, struct loader_options *opts, const struct phys_mem *pm,
		   uint32_t si_addr, struct err *err);

/*
 * A memory map the caller obtained apart from the start info: the E820
 * entries of Xen's XENMEM_memory_map (XEN_E820_ENTRY_SIZE bytes each,
 * packed; size is the buffer's length in bytes, n the entries Xen wrote).
 */
struct pvh_e820 {
	const uint8_t *buf;
	size_t size;
	uint32_t n;
};

/* What pvhboot learnt from Xen itself when it runs as a Xen guest. */
struct pvh_xen {
	struct pvh_e820 e820; /* the domain's map; n == 0 if Xen gave none */
};

/*
 * As pvh_info_parse(), for a guest of Xen (xen not NULL):
 *  - when the start info has no memory map (version 0, or no entries: Xen
 *    4.17's PVH dom0 builder) the E820 map is taken instead; a map in the
 *    start info always wins;
 *  - for the initial domain (SIF_INITDOMAIN) the modules' command lines
 *    are ignored: Xen passes on the module strings of the loader that
 *    started it, which hold the file name or not depending on that loader
 *    (QEMU: "FILE ARGS", GRUB 2: "ARGS"), and dom0 cannot tell which. The
 *    kernel's command line is dom0's own (plus a bundle's).
 */
int pvh_info_parse_xen(struct bootreq *req, struct loader_options *opts,
		       const struct phys_mem *pm, uint32_t si_addr, const struct pvh_xen *xen,
		       struct err *err);

/* Append E820 entries to the request's raw map (unchecked types: the normaliser handles them). */
int pvh_e820_add(struct bootreq *req, const struct pvh_e820 *e820, struct err *err);

#endif
