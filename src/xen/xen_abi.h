/*
 * xen_abi.h - the PVH boot ABI as the packaged Xen public headers define it
 * (Debian libxen-dev), plus what those headers predate. Layouts are never
 * copied by hand: the structs below are Xen's, and their sizes and offsets
 * are checked here at compile time.
 *
 * The Makefile puts a directory holding only a link to the Xen headers on
 * the include path, so freestanding objects see no C library header.
 */
#ifndef PVHBOOT_XEN_ABI_H
#define PVHBOOT_XEN_ABI_H

#include "lib/env.h"

#include <xen/elfnote.h>
#include <xen/arch-x86/hvm/start_info.h>

/* Xen 4.19+: the image may be loaded elsewhere (align, min, max paddr). */
#ifndef XEN_ELFNOTE_PHYS32_RELOC
#define XEN_ELFNOTE_PHYS32_RELOC 19
#endif

/* Start-info flags (xen/xen.h); spelled here to avoid pulling in xen.h. */
#ifndef SIF_PRIVILEGED
#define SIF_PRIVILEGED (1 << 0)
#define SIF_INITDOMAIN (1 << 1)
#endif

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info is 56 bytes");
_Static_assert(offsetof(struct hvm_start_info, modlist_paddr) == 16, "modlist_paddr");
_Static_assert(offsetof(struct hvm_start_info, cmdline_paddr) == 24, "cmdline_paddr");
_Static_assert(offsetof(struct hvm_start_info, rsdp_paddr) == 32, "rsdp_paddr");
_Static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 40, "memmap_paddr");
_Static_assert(offsetof(struct hvm_start_info, memmap_entries) == 48, "memmap_entries");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry is 32 bytes");
_Static_assert(offsetof(struct hvm_modlist_entry, cmdline_paddr) == 16, "mod cmdline");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap entry is 24 bytes");
_Static_assert(offsetof(struct hvm_memmap_table_entry, type) == 16, "memmap type");

/*
 * XENMEM_memory_map returns entries "in the same format as returned by the
 * BIOS INT 0x15 EAX=0xE820 call" (xen/memory.h; no public struct): addr
 * (64 bits), size (64 bits), type (32 bits), packed to 20 bytes.
 */
#define XEN_E820_ENTRY_SIZE 20

/* Linux copies the memory map into its 128-entry E820 table without a bound. */
#define PVH_LINUX_MAX_MEMMAP 128
/*
 * What pvhboot hands over: Linux's init_pvh_bootparams() (arch/x86/platform/
 * pvh/enlighten.c) adds its own ISA entry (0xa0000-0xfffff reserved) only
 * when fewer than 127 entries came in.
 */
#define PVH_HANDOVER_MAX_MEMMAP 126

#endif
