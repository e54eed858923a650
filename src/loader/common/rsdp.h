/*
 * rsdp.h - finding and checking the ACPI RSDP (ACPI 6.4, 5.2.5). The BIOS
 * scan reads the first KiB of the EBDA and 0xe0000-0xfffff.
 */
#ifndef PVHBOOT_RSDP_H
#define PVHBOOT_RSDP_H

#include "lib/env.h"
#include "loader/common/phys.h"

/* Signature, checksum of the first 20 bytes, and for revision >= 2 the extended one. */
bool rsdp_valid(const uint8_t *p, uint32_t avail);

/* Physical address of a valid RSDP in the BIOS areas, or 0. */
uint64_t rsdp_scan_bios(const struct phys_mem *pm);

#endif
