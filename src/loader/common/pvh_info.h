/*
 * pvh_info.h - a VMM's hvm_start_info (QEMU/KVM, Xen, microVMs) into a boot
 * request, when pvhboot itself was started through its PVH entry.
 * Module 0 is the kernel ELF or a bundle; further modules pass through. The
 * VMM's command line (less the "pvhboot." options) is the kernel's, unless
 * module 0 carries a command line of its own.
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

#endif
