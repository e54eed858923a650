/*
 * xen_memmap.c - the domain's memory map from XENMEM_memory_map (see
 * xen_guest.h). Caller: loader_pvh_main(), when Xen's start info (version 0
 * from Xen 4.17's PVH dom0 builder) carries no map.
 */
/*
 * Without a version the public headers give the legacy interface, where
 * guest handles are bare pointers; ask for the one these headers describe
 * (Xen 4.14's, as Debian 12 packages them) so set_xen_guest_handle() works.
 */
#define __XEN_INTERFACE_VERSION__ 0x00040e00

#include "xen/xen_abi.h"
#include "xen/xen_guest.h"

#include <xen/xen.h>
#include <xen/memory.h>

/* Built -m32, the public headers give the compat layout Xen reads from a 32-bit caller. */
_Static_assert(sizeof(struct xen_memory_map) == 8, "xen_memory_map: 32-bit nr_entries and handle");
_Static_assert(offsetof(struct xen_memory_map, buffer) == 4, "xen_memory_map.buffer");

long xen_memory_map(uint8_t *buf, uint32_t max_entries, uint32_t *n)
{
	struct xen_memory_map map;

	*n = 0;
	memset(&map, 0, sizeof(map));
	map.nr_entries = max_entries;
	set_xen_guest_handle(map.buffer, buf);
	long rc = xen_hypercall3(__HYPERVISOR_memory_op, XENMEM_memory_map,
				 (uint32_t)(uintptr_t)&map, 0);
	if (rc == 0)
		*n = map.nr_entries;
	return rc;
}
