/* portio.h - x86 port I/O, MMIO accessors and the TSC: for the consoles, the
 * QEMU exit device, PCI configuration space and the virtio drivers. */
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

/* n bytes to one port in one instruction (a VMM may take them in one exit). */
static inline void outsb(uint16_t port, const void *src, size_t n)
{
	__asm__ volatile("rep outsb" : "+S"(src), "+c"(n) : "d"(port) : "memory");
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* Memory-mapped registers: paging is off, a physical address is a pointer. */
static inline uint32_t mmio_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline uint16_t mmio_read16(uintptr_t addr)
{
	return *(volatile uint16_t *)addr;
}

static inline uint8_t mmio_read8(uintptr_t addr)
{
	return *(volatile uint8_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static inline void mmio_write16(uintptr_t addr, uint16_t v)
{
	*(volatile uint16_t *)addr = v;
}

static inline void mmio_write8(uintptr_t addr, uint8_t v)
{
	*(volatile uint8_t *)addr = v;
}

static inline uint64_t cpu_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* QEMU's isa-debug-exit device (iobase 0xf4): QEMU exits with (code << 1) | 1. */
#define QEMU_EXIT_PORT 0xf4

/* Stop the CPU for good: interrupts off, halt in a loop (NMIs return to hlt). */
__attribute__((noreturn)) void cpu_halt_forever(void);

#endif
