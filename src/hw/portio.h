/* portio.h - x86 port I/O, for the consoles and the QEMU exit device. */
#ifndef PVHBOOT_HW_PORTIO_H
#define PVHBOOT_HW_PORTIO_H

#include "lib/env.h"

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* QEMU's isa-debug-exit device (iobase 0xf4): QEMU exits with (code << 1) | 1. */
#define QEMU_EXIT_PORT 0xf4

/* Stop the CPU for good: interrupts off, halt in a loop (NMIs return to hlt). */
__attribute__((noreturn)) void cpu_halt_forever(void);

#endif
