/*
 * efi_memmap.h - the UEFI memory map (GetMemoryMap's array of
 * EFI_MEMORY_DESCRIPTOR) read as plain bytes, for the EFI front end: it is
 * converted to start-info memory map entries (pvh/memmap.h) for the kernel,
 * and asked whether a kernel destination lies in memory that is free once
 * boot services have exited. No EFI headers: the layout is the UEFI
 * specification's (2.10, section 7.2):
 *   u32 Type, u32 pad, u64 PhysicalStart, u64 VirtualStart,
 *   u64 NumberOfPages (4 KiB), u64 Attribute        = 40 bytes,
 * with a stride (DescriptorSize) that firmware may make larger (OVMF: 48).
 */
#ifndef PVHBOOT_EFI_MEMMAP_H
#define PVHBOOT_EFI_MEMMAP_H

#include "lib/env.h"
#include "lib/err.h"
#include "pvh/memmap.h"
#include "pvh/range.h"

enum efi_memtype {
	EFI_MT_RESERVED = 0,
	EFI_MT_LOADER_CODE = 1,
	EFI_MT_LOADER_DATA = 2,
	EFI_MT_BOOT_SERVICES_CODE = 3,
	EFI_MT_BOOT_SERVICES_DATA = 4,
	EFI_MT_RUNTIME_SERVICES_CODE = 5,
	EFI_MT_RUNTIME_SERVICES_DATA = 6,
	EFI_MT_CONVENTIONAL = 7,
	EFI_MT_UNUSABLE = 8,
	EFI_MT_ACPI_RECLAIM = 9,
	EFI_MT_ACPI_NVS = 10,
	EFI_MT_MMIO = 11,
	EFI_MT_MMIO_PORT_SPACE = 12,
	EFI_MT_PAL_CODE = 13,
	EFI_MT_PERSISTENT = 14,
	EFI_MT_UNACCEPTED = 15,
};

#define EFI_MEMDESC_MIN_SIZE 40u
#define EFI_MEMMAP_PAGE_SIZE 4096u

/* One descriptor as read (not the firmware's struct: no layout assumed). */
struct efi_memdesc {
	uint32_t type;
	uint64_t start;
	uint64_t pages;
	uint64_t attribute;
};

/*
 * Checks the map's shape: desc_size >= 40 and a multiple of 8, map_size a
 * multiple of desc_size. Sets *count to the number of descriptors.
 */
int efi_memmap_check(size_t map_size, size_t desc_size, size_t *count, struct err *err);

/*
 * Reads descriptor i (i < count from efi_memmap_check) and checks that its
 * range [start, start + pages * 4096) fits in 64 bits.
 */
int efi_memmap_get(const void *map, size_t desc_size, size_t i, struct efi_memdesc *d,
		   struct err *err);

/*
 * Converts the map to start-info entries (RAM for Conventional, Loader and
 * BootServices Code/Data; ACPI, NVS, PMEM, unusable; reserved for the rest),
 * in map order, skipping descriptors of 0 pages. When more than max would
 * result, the entries so far are sorted and neighbours of one type merged
 * (compact), and again as often as needed: only a map with more than max
 * ranges of distinct types fails. Feed the result to memmap_normalise().
 * Errors start "efi memmap: ".
 */
int efi_memmap_convert(const void *map, size_t map_size, size_t desc_size,
		       struct memmap_entry *out, unsigned max, unsigned *n, struct err *err);

/*
 * The memory free right now, while boot services run: Conventional
 * descriptors only, as RAM entries (merged as efi_memmap_convert merges).
 * Where a relocatable kernel can be read straight to (AllocatePages at an
 * address chosen in it succeeds). Errors start "efi memmap: ".
 */
int efi_memmap_free_now(const void *map, size_t map_size, size_t desc_size,
			struct memmap_entry *out, unsigned max, unsigned *n, struct err *err);

/* The start-info type (1..7 of pvh/memmap.h) an EFI memory type becomes. */
uint32_t efi_memtype_to_e820(uint32_t efi_type);

/* "Conventional", "RuntimeServicesData", ...; "Unknown" beyond the spec's. */
const char *efi_memtype_name(uint32_t efi_type);

/*
 * True for the types that are free once ExitBootServices has run:
 * Conventional, BootServicesCode/Data, LoaderCode/Data.
 */
bool efi_memtype_free_after_exit(uint32_t efi_type);

/*
 * Fails unless every byte of r lies in descriptors that are free after
 * ExitBootServices and in none that stays in use (where descriptors
 * overlap, in use wins). The message names the range and the EFI type in the
 * way ("efi memmap: 0x...-0x... overlaps RuntimeServicesData 0x...-0x...,
 * in use after ExitBootServices") or the hole. An empty r passes.
 */
int efi_memmap_check_free(const void *map, size_t map_size, size_t desc_size, struct range r,
			  struct err *err);

#endif
