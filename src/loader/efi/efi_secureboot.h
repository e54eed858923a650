/*
 * efi_secureboot.h - whether the firmware enforces Secure Boot, read once
 * from the global variables SecureBoot (1) and SetupMode (0), as
 * systemd-boot reads them; and the policy that follows: with it on,
 * pvhboot.efi starts only what the firmware verifies (LoadImage of an EFI
 * image or a unified kernel image), never a bare ELF it would read itself.
 *
 * Caller: efi_main(), before it boots a selection.
 */
#ifndef PVHBOOT_EFI_SECUREBOOT_H
#define PVHBOOT_EFI_SECUREBOOT_H

#include <efi.h>

#include "lib/env.h"

bool efi_secure_boot_enabled(void);

#endif
