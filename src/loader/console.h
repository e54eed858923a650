/*
 * console.h - output to COM1 (8250 UART, 115200 8N1) and to the debug port
 * 0xe9 (QEMU -debugcon, Bochs, Xen's dom0 forwarding) when either is present.
 * Used by every 32-bit front end and by the conformance guest.
 */
#ifndef PVHBOOT_CONSOLE_H
#define PVHBOOT_CONSOLE_H

#include "lib/env.h"

void console_init(void);
void console_write(const char *s, size_t n);
void console_puts(const char *s);
void console_printf(const char *fmt, ...) PRINTF_LIKE(1, 2);

#endif
