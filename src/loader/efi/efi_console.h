/*
 * efi_console.h - printing through the firmware's console (ConOut, which
 * OVMF also copies to the serial port) before ExitBootServices, and reading
 * keys for the menu.
 */
#ifndef PVHBOOT_EFI_CONSOLE_H
#define PVHBOOT_EFI_CONSOLE_H

#include <efi.h>

#include "lib/env.h"

void efi_console_init(EFI_SYSTEM_TABLE *st);
void efi_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Print "pvhboot: error: MSG", wait a few seconds so a person can read it,
 * and return status: the caller returns it to the firmware, which goes on
 * to its next boot option.
 */
EFI_STATUS efi_fail(EFI_STATUS status, const char *msg);

/* Wait up to timeout_ms for a key; false on timeout. */
bool efi_read_key(EFI_INPUT_KEY *key, unsigned timeout_ms);

extern EFI_SYSTEM_TABLE *efi_st;
extern EFI_BOOT_SERVICES *efi_bs;

#endif
