/*
 * xen_guest.h - pvhboot as a guest of Xen (e.g. Xen's PVH dom0): the
 * hypercall page, the domain's memory map, Xen's console and the domain's
 * own (PV) console. Freestanding
 * i386 only (linked into the loader images, not into the core or the tests).
 * Caller: loader_pvh_main(). The helpers return raw hypervisor data; the
 * PVH front end feeds the E820 entries to the common normaliser.
 *
 * Hypercalls from 32-bit protected mode use the 32-bit HVM ABI: call the
 * stub at page + op * 32 with the arguments in ebx, ecx, edx, esi, edi; Xen
 * treats the caller as a compat (32-bit) guest, so guest handles are 32 bits.
 */
#ifndef PVHBOOT_XEN_GUEST_H
#define PVHBOOT_XEN_GUEST_H

#include "lib/env.h"
#include "xen/xen_cpuid.h"

/*
 * Install the hypercall page (a page of pvhboot's BSS) through the MSR that
 * CPUID named. Returns 0, or -1 when CPUID offers no page (count 0).
 * Returns the page's physical address in *page when not NULL.
 */
int xen_hypercall_init(const struct xen_cpuid_info *info, uint32_t *page);

/* True once xen_hypercall_init() succeeded. */
bool xen_hypercall_ready(void);

/* The guest TSC's rate in kHz from Xen's time leaf; 0 outside Xen or when not offered. */
uint32_t xen_tsc_khz(void);

/* A hypercall with up to three arguments; Xen's return value (negative: -errno). */
long xen_hypercall3(unsigned op, uint32_t a1, uint32_t a2, uint32_t a3);

/*
 * XENMEM_memory_map: the domain's E820 map into buf (max_entries entries of
 * XEN_E820_ENTRY_SIZE bytes, packed: addr, size, type). Returns Xen's status
 * (0 or -errno) and the number of entries written in *n.
 */
long xen_memory_map(uint8_t *buf, uint32_t max_entries, uint32_t *n);

/*
 * HYPERVISOR_console_io(CONSOLEIO_write): Xen's own console (the hardware
 * domain's text appears unprefixed; other domains usually get -EPERM).
 * Returns 0 or Xen's negative status.
 */
int xen_console_write(const char *s, size_t n);

/*
 * The domain's PV console ring (HVM_PARAM_CONSOLE_PFN), which xenconsoled
 * serves to `xl console`: a domU's console, where a dom0 has none.
 * init: 0 when there is one, 1 when not. write: 0, or -1 when the ring is
 * broken or stays full (then the caller stops using it). poll_key: a byte
 * typed on it, or -1 when none is waiting. drain: see below. Implemented
 * in xen_pvcons.c.
 */
int xen_pvcons_init(void);
int xen_pvcons_write(const char *s, size_t n);
int xen_pvcons_poll_key(void);
/* Wait (at most 2 s) until xenconsoled has read all written so far. */
void xen_pvcons_drain(void);

#endif
