/*
 * efi_image.h - starting an EFI image (an EFI-stub bzImage, a unified
 * kernel image, any EFI application) through the firmware: LoadImage, so
 * that the firmware (or shim, efi_shim.h) verifies it under Secure Boot,
 * and StartImage, with the command line as UCS-2 load options and the
 * initrds offered as systemd-boot offers them: EFI_LOAD_FILE2_PROTOCOL on
 * a handle whose device path is the vendor media node
 * LINUX_EFI_INITRD_MEDIA_GUID (Linux's EFI stub, 5.8 and later, asks for it).
 *
 * Caller: efi_main() for a loader entry whose linux is not a PVH ELF, an
 * `efi` or `uki` entry, or a type 2 entry (/EFI/Linux/NAME.efi).
 */
#ifndef PVHBOOT_EFI_IMAGE_H
#define PVHBOOT_EFI_IMAGE_H

#include <efi.h>

#include "lib/env.h"
#include "lib/err.h"

struct efi_image_request {
	const char *path; /* ASCII, '\' separated, on the volume pvhboot was loaded from */
	unsigned ninitrds;
	const char *const *initrd_paths;
	const char *cmdline; /* "" for none */
};

/* True when the file starts with "MZ" (a PE image), read from its first bytes. */
bool efi_image_is_pe(EFI_FILE_HANDLE root, const char *path);

/*
 * Loads and starts the image. Returns only when LoadImage refuses it (the
 * status says why: EFI_SECURITY_VIOLATION under Secure Boot) or when the
 * image returns; everything installed or allocated is given back first.
 * err names the file and the firmware's status.
 */
EFI_STATUS efi_image_start(EFI_HANDLE parent, EFI_FILE_HANDLE root,
			   const struct efi_image_request *req, struct err *err);

#endif
