/*
 * xen_hypercall.c - the hypercall page and the call through it (see
 * xen_guest.h). Caller: loader_pvh_main() and the other src/xen helpers.
 */
#include "xen/xen_guest.h"

#define XEN_PAGE_SIZE 4096u
/* Each hypercall's stub is 32 bytes long (xen/include/public/xen.h, "hypercall_page"). */
#define XEN_HYPERCALL_STUB_SIZE 32u
#define XEN_HYPERCALL_MAX_OP (XEN_PAGE_SIZE / XEN_HYPERCALL_STUB_SIZE)

/* Xen writes the stubs here: one page, page-aligned, in the image the plan reserves. */
static uint8_t xen_hypercall_page[XEN_PAGE_SIZE] __attribute__((aligned(XEN_PAGE_SIZE)));
static bool xen_ready;
static struct xen_cpuid_info xen_info;

static inline void xen_wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
			 : "memory");
}

int xen_hypercall_init(const struct xen_cpuid_info *info, uint32_t *page)
{
	uint32_t addr = (uint32_t)(uintptr_t)xen_hypercall_page;

	if (info->hypercall_pages == 0)
		return -1;
	/* Paging is off: the linked address is the physical one. */
	xen_wrmsr(info->hypercall_msr, addr);
	xen_ready = true;
	xen_info = *info;
	if (page)
		*page = addr;
	return 0;
}

bool xen_hypercall_ready(void)
{
	return xen_ready;
}

long xen_hypercall3(unsigned op, uint32_t a1, uint32_t a2, uint32_t a3)
{
	long ret;

	if (!xen_ready || op >= XEN_HYPERCALL_MAX_OP)
		return -38; /* -ENOSYS */
	const void *stub = xen_hypercall_page + op * XEN_HYPERCALL_STUB_SIZE;
	/* Xen may clobber the argument registers (debug builds poison them). */
	__asm__ volatile("call *%[stub]"
			 : "=a"(ret), "+b"(a1), "+c"(a2), "+d"(a3)
			 : [stub] "S"(stub)
			 : "memory", "edi");
	return ret;
}

uint32_t xen_tsc_khz(void)
{
	uint32_t r[4];

	if (!xen_ready || xen_info.max_leaf < xen_info.base + 3)
		return 0;
	xen_cpuid_hw(xen_info.base + 3, r, NULL); /* sub-leaf 0: ecx is the guest's TSC kHz */
	return r[2];
}
