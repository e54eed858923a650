/*
 * efi_panic.h - the last words of the UEFI front end after ExitBootServices,
 * when the firmware's console is gone: the message goes to COM1 and QEMU's
 * debug port 0xe9 by raw port I/O, then the CPU halts. Caller: efi_boot.c.
 */
#ifndef PVHBOOT_EFI_PANIC_H
#define PVHBOOT_EFI_PANIC_H

#include "lib/env.h"

__attribute__((noreturn)) void efi_panic(const char *msg);

#endif
