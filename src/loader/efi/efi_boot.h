/*
 * efi_boot.h - loading a selected kernel and its initrds under UEFI and
 * entering it: segments read straight to their destination where that is
 * free memory, everything planned before ExitBootServices, then the shared
 * 32-bit hand-off. Returns only on an error, with the status for the
 * firmware (the reason already printed).
 */
#ifndef PVHBOOT_EFI_BOOT_H
#define PVHBOOT_EFI_BOOT_H

#include <efi.h>

#include "lib/env.h"

#define EFI_MAX_INITRDS 16

struct efi_selection {
	const char *title;
	const char *linux_path;
	const char *efi_path; /* an EFI image to start through the firmware, or NULL */
	/* A unified kernel image: the kernel and initrd already in memory (else NULL). */
	const uint8_t *linux_data;
	uint64_t linux_size;
	const uint8_t *initrd_data;
	uint64_t initrd_size;
	unsigned ninitrds;
	const char *initrd_paths[EFI_MAX_INITRDS];
	const char *cmdline;
	bool debug;
	bool has_reloc; /* reloc=ADDR: the base for a relocatable kernel */
	uint64_t reloc;
};

EFI_STATUS efi_boot(EFI_HANDLE image, EFI_FILE_HANDLE root, const struct efi_selection *sel);

#endif
