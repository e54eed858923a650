/*
 * efi_panic.c - see efi_panic.h. Nothing here may call the firmware: boot
 * services have exited (or are half torn down after a failed
 * ExitBootServices). The firmware has already set COM1 up for its own
 * console; only its presence is probed, through the scratch register.
 */
#include "loader/efi/efi_panic.h"
#include "loader/portio.h"

#define COM1 0x3f8
#define UART_LSR 5
#define UART_SCR 7
#define UART_LSR_THRE 0x20
#define DEBUGCON_PORT 0xe9

static void panic_puts(const char *s, bool serial, bool debugcon)
{
	for (; *s; s++) {
		if (serial) {
			/* Bounded wait: a UART that never drains must not hang us here. */
			for (unsigned spin = 0; spin < 100000; spin++)
				if (inb(COM1 + UART_LSR) & UART_LSR_THRE)
					break;
			if (*s == '\n')
				outb(COM1, '\r');
			for (unsigned spin = 0; spin < 100000 && *s == '\n'; spin++)
				if (inb(COM1 + UART_LSR) & UART_LSR_THRE)
					break;
			outb(COM1, (uint8_t)*s);
		}
		if (debugcon)
			outb(DEBUGCON_PORT, (uint8_t)*s);
	}
}

void efi_panic(const char *msg)
{
	__asm__ volatile("cli");
	outb(COM1 + UART_SCR, 0xa5);
	bool serial = inb(COM1 + UART_SCR) == 0xa5;
	bool debugcon = inb(DEBUGCON_PORT) == DEBUGCON_PORT;

	panic_puts("\npvhboot: error after ExitBootServices: ", serial, debugcon);
	panic_puts(msg, serial, debugcon);
	panic_puts("\npvhboot: halted (the firmware cannot take over any more)\n", serial, debugcon);
	for (;;)
		__asm__ volatile("cli; hlt");
}
