/*
 * xen_gnttab.c - grant table v1, one frame (see xen_pv.h). A translated
 * guest (PVH) sees the table only where it asks Xen to put it: here over a
 * page of pvhboot's BSS, which Xen takes away and xen_gnttab_release()
 * repopulates, as Linux's PVH code and OVMF's XenBusDxe map theirs over
 * pages they own.
 */
#include "xen/xen_guest.h"
#include "xen/xen_pv.h"

#include <xen/memory.h>

#define FRAME 4096u

static grant_entry_v1_t gnttab_frame[XEN_GNTTAB_REFS] __attribute__((aligned(FRAME)));
static bool gnttab_mapped;

static uint32_t gnttab_pfn(void)
{
	return (uint32_t)(uintptr_t)gnttab_frame / FRAME;
}

int xen_gnttab_init(struct err *err)
{
	struct xen_add_to_physmap atp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_grant_table,
		.idx = 0,
		.gpfn = gnttab_pfn(),
	};

	if (gnttab_mapped)
		return 0;
	long rc = xen_hypercall3(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
				 (uint32_t)(uintptr_t)&atp, 0);
	if (rc)
		return err_fail(err, "xen: XENMEM_add_to_physmap of grant frame 0 at pfn 0x%x: "
				     "error %ld", gnttab_pfn(), rc);
	gnttab_mapped = true;
	return 0;
}

bool xen_gnttab_ready(void)
{
	return gnttab_mapped;
}

void xen_gnttab_grant(grant_ref_t ref, domid_t dom, uint64_t frame, bool readonly)
{
	volatile grant_entry_v1_t *e = &gnttab_frame[ref];

	e->frame = (uint32_t)(frame / FRAME);
	e->domid = dom;
	/* The other end may look at the entry as soon as the flags say so. */
	xen_wmb();
	e->flags = (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0));
}

int xen_gnttab_end(grant_ref_t ref)
{
	uint16_t old = ((volatile grant_entry_v1_t *)gnttab_frame)[ref].flags;

	/* Clear the entry only while Xen marks it unmapped (grant_table.h's recipe). */
	for (;;) {
		if (old & (GTF_reading | GTF_writing))
			return -1;
		uint16_t seen;
		__asm__ volatile("lock; cmpxchgw %2, %1"
				 : "=a"(seen), "+m"(gnttab_frame[ref].flags)
				 : "r"((uint16_t)0), "0"(old)
				 : "memory");
		if (seen == old)
			return 0;
		old = seen;
	}
}

int xen_gnttab_release(struct err *err)
{
	struct xen_remove_from_physmap rm = { .domid = DOMID_SELF, .gpfn = gnttab_pfn() };
	xen_pfn_t pfn = gnttab_pfn();
	struct xen_memory_reservation res = {
		.nr_extents = 1,
		.extent_order = 0,
		.mem_flags = 0,
		.domid = DOMID_SELF,
	};

	if (!gnttab_mapped)
		return 0;
	long rc = xen_hypercall3(__HYPERVISOR_memory_op, XENMEM_remove_from_physmap,
				 (uint32_t)(uintptr_t)&rm, 0);
	if (rc)
		return err_fail(err, "xen: XENMEM_remove_from_physmap of the grant frame at pfn "
				     "0x%x: error %ld", gnttab_pfn(), rc);
	gnttab_mapped = false;
	set_xen_guest_handle(res.extent_start, &pfn);
	/* Returns the number of extents populated. */
	rc = xen_hypercall3(__HYPERVISOR_memory_op, XENMEM_populate_physmap,
			    (uint32_t)(uintptr_t)&res, 0);
	if (rc != 1)
		return err_fail(err, "xen: XENMEM_populate_physmap of pfn 0x%x (the grant frame's "
				     "page): %ld, want 1", gnttab_pfn(), rc);
	return 0;
}
