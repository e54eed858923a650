/*
 * xen_cpuid.h - is this a Xen domain, and where are Xen's CPUID leaves?
 * Xen's leaves start at 0x40000000 or, when Xen itself offers another
 * hypervisor's leaves first (Viridian), at a later multiple of 0x100 up to
 * 0x40010000 (xen/arch-x86/cpuid.h). Leaf base+1 gives the version, base+2
 * the hypercall page count and the MSR that installs the page.
 *
 * Header-only on purpose: console.c (linked into the conformance guest,
 * which has no src/xen objects) needs the detection too, and the unit tests
 * (tests/unit/test_xen_cpuid.c) run xen_cpuid_find() against a fake CPUID.
 * Callers: console_init(), loader_pvh_main().
 */
#ifndef PVHBOOT_XEN_CPUID_H
#define PVHBOOT_XEN_CPUID_H

#include "lib/env.h"

#include <xen/arch-x86/cpuid.h>

/* The last base Xen may use (Linux's xen_cpuid_base() scans the same range). */
#define XEN_CPUID_LAST_BASE 0x40010000u
#define XEN_CPUID_BASE_STEP 0x100u

struct xen_cpuid_info {
	uint32_t base;            /* leaf holding "XenVMMXenVMM" */
	uint32_t max_leaf;        /* eax of the base leaf */
	uint32_t version;         /* major << 16 | minor (leaf base+1) */
	uint32_t hypercall_pages; /* leaf base+2 eax */
	uint32_t hypercall_msr;   /* leaf base+2 ebx */
};

/* regs[0..3] = eax, ebx, ecx, edx of CPUID leaf (subleaf 0). */
typedef void (*xen_cpuid_fn)(uint32_t leaf, uint32_t regs[4], void *ctx);

static inline bool xen_cpuid_signature(uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	return ebx == XEN_CPUID_SIGNATURE_EBX && ecx == XEN_CPUID_SIGNATURE_ECX &&
	       edx == XEN_CPUID_SIGNATURE_EDX;
}

/*
 * Scan the candidate bases; true and *out filled when Xen is found with the
 * leaves up to base+2 (fewer would leave no hypercall MSR to use). Leaves
 * that do not carry the signature are skipped, as Linux does.
 */
static inline bool xen_cpuid_find(xen_cpuid_fn cpuid, void *ctx, struct xen_cpuid_info *out)
{
	uint32_t r[4];

	for (uint32_t base = XEN_CPUID_FIRST_LEAF; base <= XEN_CPUID_LAST_BASE;
	     base += XEN_CPUID_BASE_STEP) {
		cpuid(base, r, ctx);
		if (!xen_cpuid_signature(r[1], r[2], r[3]))
			continue;
		/* eax is the highest leaf of this hypervisor's range. */
		if (r[0] < base + 2 || r[0] - base >= XEN_CPUID_BASE_STEP)
			continue;
		out->base = base;
		out->max_leaf = r[0];
		cpuid(base + 1, r, ctx);
		out->version = r[0];
		cpuid(base + 2, r, ctx);
		out->hypercall_pages = r[0];
		out->hypercall_msr = r[1];
		return true;
	}
	return false;
}

/* The CPUID instruction itself, as an xen_cpuid_fn (ctx unused). */
static inline void xen_cpuid_hw(uint32_t leaf, uint32_t regs[4], void *ctx)
{
	(void)ctx;
	__asm__ volatile("cpuid"
			 : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]), "=d"(regs[3])
			 : "a"(leaf), "c"(0));
}

#endif
