/*
 * console.h - output to COM1 (8250 UART, 115200 8N1) and to the debug port
 * 0xe9 (QEMU -debugcon, Bochs, Xen's forwarding) when either is present,
 * an optional sink (Xen's console_io) and a domain console (Xen's PV ring).
 * Used by every 32-bit front end and by the conformance guest.
 */
#ifndef PVHBOOT_CONSOLE_H
#define PVHBOOT_CONSOLE_H

#include "lib/env.h"

void console_init(void);
void console_write(const char *s, size_t n);
void console_puts(const char *s);
void console_printf(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* A byte received on COM1 or the domain console, or -1 when none is waiting (polled, never blocks). */
int console_poll_key(void);

/*
 * One more output besides the UART: returns 0 when it took the text, else
 * it is dropped. While set it replaces port 0xe9 (both would reach the same
 * Xen console). Used for Xen's console_io by loader_pvh_main().
 */
typedef int (*console_sink_fn)(const char *s, size_t n);
void console_set_sink(console_sink_fn fn);

/*
 * The console of the machine's user when it is neither the UART nor port
 * 0xe9: Xen's PV console of a domU (`xl console`). It gets all output
 * besides the others, and console_poll_key() reads it after COM1. A write
 * that fails drops it, input and all. drain waits (bounded) until its
 * reader has taken all output. Set by loader_pvh_main().
 */
typedef int (*console_key_fn)(void);
typedef void (*console_drain_fn)(void);
void console_set_domain_console(console_sink_fn write, console_key_fn poll_key,
				console_drain_fn drain);

/* Before the machine stops: let the domain console's reader take what is written. */
void console_drain(void);

#endif
