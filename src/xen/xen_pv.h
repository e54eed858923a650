/*
 * xen_pv.h - what a Xen PV device frontend needs from the hypervisor and
 * from xenstore: event channels (to kick the other end; pvhboot polls and
 * never takes an interrupt), the grant table (to let a backend write into
 * our pages) and the xenstore client. Freestanding i386, 32-bit protected
 * mode with paging off, after xen_hypercall_init(). Caller: the block
 * frontend (xen_blkfront.c).
 *
 * Layouts come from the packaged Xen public headers (Debian libxen-dev),
 * compiled for i386: Xen runs our hypercalls in its compat (32-bit) mode,
 * whose structures are exactly these. The Makefile defines
 * __XEN_INTERFACE_VERSION__, so the headers give the current ABI.
 */
#ifndef PVHBOOT_XEN_PV_H
#define PVHBOOT_XEN_PV_H

#include "lib/env.h"
#include "lib/err.h"

#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>

/* The ordering the rings need; x86 keeps stores in order, loads after stores need a fence. */
#define xen_barrier() __asm__ volatile("" ::: "memory")
#define xen_mb() __asm__ volatile("lock; addl $0,0(%%esp)" ::: "memory")
#define xen_rmb() xen_barrier()
#define xen_wmb() xen_barrier()

/* --- event channels (xen_evtchn.c) --- */

/* A port of ours that domain remote may bind to; 0 or Xen's -errno. */
long xen_evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);
/* Kick the other end of port. */
long xen_evtchn_send(evtchn_port_t port);
long xen_evtchn_close(evtchn_port_t port);
/* HVMOP_get_param of our own domain; 0 or Xen's -errno. */
long xen_hvm_get_param(uint32_t index, uint64_t *value);

/* --- grant table v1 (xen_gnttab.c) --- */

/*
 * Refs 0 ... GNTTAB_NR_RESERVED_ENTRIES - 1 belong to the toolstack
 * (console, xenstore); a frontend uses refs from there up to XEN_GNTTAB_REFS.
 */
#define XEN_GNTTAB_REFS (4096u / sizeof(grant_entry_v1_t)) /* one frame: 512 */

/*
 * Map the domain's first grant-table frame at one of pvhboot's own pages
 * (XENMEM_add_to_physmap, as a translated guest must). Xen frees the RAM
 * page that was there; xen_gnttab_release() gives it back.
 */
int xen_gnttab_init(struct err *err);
bool xen_gnttab_ready(void);
/* Let domain dom access the frame at physical address frame (read-only or not). */
void xen_gnttab_grant(grant_ref_t ref, domid_t dom, uint64_t frame, bool readonly);
/* Revoke ref; -1 while the other end still has it mapped (then retry later). */
int xen_gnttab_end(grant_ref_t ref);
/*
 * Unmap the frame and put RAM back at that page (XENMEM_remove_from_physmap,
 * XENMEM_populate_physmap), so the kernel finds the memory map's RAM all
 * there and maps the grant table where it likes. Every ref must be ended.
 */
int xen_gnttab_release(struct err *err);

/* --- xenstore (xen_store.c) --- */

/* Find the domain's xenstore ring and event channel (HVM params). 1: no xenstore. */
int xen_store_init(struct err *err);
/* XS_READ: the value into out (NUL-terminated); XS_ENOENT (1) for no such node. */
int xen_store_read(const char *path, char *out, size_t size, struct err *err);
/* XS_READ of a decimal number. */
int xen_store_read_u64(const char *path, uint64_t *value, struct err *err);
int xen_store_write(const char *path, const char *value, struct err *err);
int xen_store_rm(const char *path, struct err *err);
/* XS_DIRECTORY: NUL-separated names into out, *len bytes; XS_ENOENT for none. */
int xen_store_directory(const char *path, char *out, size_t size, uint32_t *len,
			struct err *err);

/* TSC cycles per millisecond for the waits (Xen's CPUID time leaf), set by the caller. */
void xen_pv_set_tsc_khz(uint32_t khz);
uint64_t xen_pv_deadline(uint32_t ms);
bool xen_pv_expired(uint64_t deadline);

#endif
