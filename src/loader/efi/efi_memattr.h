/*
 * efi_memattr.h - EFI_MEMORY_ATTRIBUTE_PROTOCOL (UEFI 2.10, section 7.7),
 * which GNU-EFI 3.0.15 (Debian 12) does not declare. Firmware that protects
 * memory by type (EDK2's PcdDxeNxMemoryProtectionPolicy, Microsoft's NX
 * rules) may map even freshly allocated pages execute-never or read-only;
 * the protocol clears that. Caller: efi_boot.c, for the pages the code that
 * runs after ExitBootServices is copied to.
 */
#ifndef PVHBOOT_EFI_MEMATTR_H
#define PVHBOOT_EFI_MEMATTR_H

#include <efi.h>

#ifndef EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID
#define EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID                                                   \
	{ 0xf4560cf6, 0x40ec, 0x4b4a, { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 } }

struct efi_memory_attribute_protocol;

/* Attributes are EFI_MEMORY_RP, EFI_MEMORY_XP, EFI_MEMORY_RO; a page-aligned range. */
typedef EFI_STATUS(EFIAPI *efi_memattr_get_fn)(struct efi_memory_attribute_protocol *self,
					       EFI_PHYSICAL_ADDRESS base, UINT64 length,
					       UINT64 *attributes);
typedef EFI_STATUS(EFIAPI *efi_memattr_change_fn)(struct efi_memory_attribute_protocol *self,
						  EFI_PHYSICAL_ADDRESS base, UINT64 length,
						  UINT64 attributes);

typedef struct efi_memory_attribute_protocol {
	efi_memattr_get_fn GetMemoryAttributes;
	efi_memattr_change_fn SetMemoryAttributes;
	efi_memattr_change_fn ClearMemoryAttributes;
} EFI_MEMORY_ATTRIBUTE_PROTOCOL;
#endif

#ifndef EFI_MEMORY_RO
#define EFI_MEMORY_RO 0x0000000000020000ull
#endif

#endif
