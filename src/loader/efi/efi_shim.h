/*
 * efi_shim.h - loading an EFI image when shim started pvhboot.efi: images
 * that the firmware's db would refuse but shim trusts (a key in shim's
 * MokList, shim's built-in vendor certificate) may start.
 *
 * Facts followed (shim's shim.h, verify.c, loader-proto.c; systemd-boot's
 * src/boot/shim.c):
 * - shim installs SHIM_LOCK (605dab50-e046-4300-abb6-3dd810dd8b23) for the
 *   loader it starts. Verify(buffer, size) checks a whole PE file against
 *   db, dbx, MokList, MokListX, shim's own certificate and SBAT (a .sbat
 *   section is optional for images verified through the protocol); it is
 *   compiled without EFIAPI: on x86_64 it takes the System V convention,
 *   not Microsoft's.
 * - shim 15.x leaves LoadImage to the firmware, which consults only db: a
 *   boot manager must make the firmware's file-authentication hooks
 *   (EFI_SECURITY2_ARCH_PROTOCOL, and EFI_SECURITY_ARCH_PROTOCOL where
 *   there is no Security2) accept what shim accepts, for the duration of
 *   its LoadImage call, as systemd-boot does.
 * - shim 16 and later, when it carries a vendor certificate and Secure Boot
 *   is on, replaces BootServices->LoadImage/StartImage/UnloadImage with its
 *   own PE loader, which verifies every image with the same rules; it
 *   publishes that loader as SHIM_IMAGE_LOADER
 *   (1f492041-fadb-4e59-9e57-7cafe73a55ab). The firmware's hooks are then
 *   never consulted for images loaded from a buffer.
 *
 * So, with Secure Boot on and SHIM_LOCK present:
 * - LoadImage is shim's own (BootServices->LoadImage equals
 *   SHIM_IMAGE_LOADER's): a plain LoadImage, shim decides; Verify is not
 *   asked too, as systemd-boot does not, since both measure the image into
 *   PCR 4 and it would be measured twice.
 * - Otherwise pvhboot asks Verify and says what shim answered; if shim
 *   accepts, LoadImage runs with the firmware's hooks overridden to accept
 *   exactly those bytes (restored before LoadImage's status is looked at,
 *   on every path); if shim refuses, LoadImage runs unchanged and the
 *   firmware's db decides. Verify measures the image into PCR 4; the
 *   firmware's own measurement is another Security2 handler, which the
 *   override stands in for: PCR 4 gets an image shim accepts once.
 * Without Secure Boot or without shim: a plain LoadImage. Each case says
 * on the console which verifier accepted or refused the image.
 *
 * Caller: efi_image_start() (efi_image.c), for every EFI image it starts.
 */
#ifndef PVHBOOT_EFI_SHIM_H
#define PVHBOOT_EFI_SHIM_H

#include <efi.h>

#include "lib/env.h"

/*
 * LoadImage(FALSE, parent, dp, buf, size, child) as described above; path
 * names the file in the messages. Returns LoadImage's status; *child is
 * set only on success (a SECURITY_VIOLATION handle is unloaded here).
 */
EFI_STATUS efi_shim_load_image(EFI_HANDLE parent, const char *path, EFI_DEVICE_PATH *dp,
			       void *buf, UINTN size, EFI_HANDLE *child);

#endif
