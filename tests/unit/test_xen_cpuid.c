/*
 * test_xen_cpuid.c - unit tests of xen_cpuid_find() (src/xen/xen_cpuid.h):
 * a fake CPUID answers the hypervisor leaves the way Xen does at
 * 0x40000000, or behind another signature (Xen with Viridian moves its
 * leaves to 0x40000100), or not at all. Suite "xen_cpuid", run by
 * build/unit-tests.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "xen/xen_cpuid.h"

struct fake_cpu {
	uint32_t xen_base;  /* 0: no Xen */
	uint32_t max_delta; /* eax of the base leaf, minus the base */
	bool hyperv_first;  /* "Microsoft Hv" at 0x40000000 */
	unsigned calls;
	uint32_t highest_leaf_asked;
};

/* Signature words from their 4-byte ASCII text, little-endian as CPUID returns them. */
static uint32_t word(const char *s)
{
	return (uint32_t)(uint8_t)s[0] | (uint32_t)(uint8_t)s[1] << 8 |
	       (uint32_t)(uint8_t)s[2] << 16 | (uint32_t)(uint8_t)s[3] << 24;
}

static void fake_cpuid(uint32_t leaf, uint32_t r[4], void *ctx)
{
	struct fake_cpu *cpu = ctx;

	cpu->calls++;
	if (leaf > cpu->highest_leaf_asked)
		cpu->highest_leaf_asked = leaf;
	memset(r, 0, 4 * sizeof(r[0]));
	if (cpu->hyperv_first && leaf == 0x40000000) {
		r[0] = 0x40000005;
		r[1] = word("Micr");
		r[2] = word("osof");
		r[3] = word("t Hv");
		return;
	}
	if (!cpu->xen_base)
		return;
	if (leaf == cpu->xen_base) {
		r[0] = cpu->xen_base + cpu->max_delta;
		r[1] = word("XenV");
		r[2] = word("MMXe");
		r[3] = word("nVMM");
	} else if (leaf == cpu->xen_base + 1) {
		r[0] = 4 << 16 | 17; /* Xen 4.17 */
	} else if (leaf == cpu->xen_base + 2) {
		r[0] = 1;          /* one hypercall page */
		r[1] = 0x40000000; /* the MSR Xen names on x86 */
	}
}

Test(xen_cpuid, signature_words_match_the_text)
{
	cr_assert(xen_cpuid_signature(word("XenV"), word("MMXe"), word("nVMM")));
	cr_assert(!xen_cpuid_signature(word("XenV"), word("MMXe"), word("nVMm")));
	cr_assert(!xen_cpuid_signature(word("KVMK"), word("VMKV"), word("M\0\0\0")));
}

Test(xen_cpuid, xen_at_first_leaf)
{
	struct fake_cpu cpu = { .xen_base = 0x40000000, .max_delta = 5 };
	struct xen_cpuid_info info;

	cr_assert(xen_cpuid_find(fake_cpuid, &cpu, &info));
	cr_assert_eq(info.base, 0x40000000);
	cr_assert_eq(info.max_leaf, 0x40000005);
	cr_assert_eq(info.version, 0x00040011);
	cr_assert_eq(info.hypercall_pages, 1);
	cr_assert_eq(info.hypercall_msr, 0x40000000);
	cr_assert_eq(cpu.calls, 3);
}

Test(xen_cpuid, xen_behind_viridian)
{
	struct fake_cpu cpu = { .xen_base = 0x40000100, .max_delta = 5, .hyperv_first = true };
	struct xen_cpuid_info info;

	cr_assert(xen_cpuid_find(fake_cpuid, &cpu, &info));
	cr_assert_eq(info.base, 0x40000100);
	cr_assert_eq(info.version, 0x00040011);
	cr_assert_eq(info.hypercall_msr, 0x40000000);
}

Test(xen_cpuid, xen_at_last_base)
{
	struct fake_cpu cpu = { .xen_base = XEN_CPUID_LAST_BASE, .max_delta = 2 };
	struct xen_cpuid_info info;

	cr_assert(xen_cpuid_find(fake_cpuid, &cpu, &info));
	cr_assert_eq(info.base, 0x40010000);
}

Test(xen_cpuid, no_hypervisor_scans_the_whole_range)
{
	struct fake_cpu cpu = { 0 };
	struct xen_cpuid_info info = { .base = 0xdead };

	cr_assert(!xen_cpuid_find(fake_cpuid, &cpu, &info));
	cr_assert_eq(info.base, 0xdead, "out untouched when not found");
	/* 0x40000000..0x40010000 step 0x100: 257 leaves, and nothing past the range. */
	cr_assert_eq(cpu.calls, 257);
	cr_assert_eq(cpu.highest_leaf_asked, 0x40010000);
}

Test(xen_cpuid, too_few_leaves_for_a_hypercall_msr)
{
	/* Leaf base+2 names the MSR: a range ending at base+1 is no usable Xen. */
	struct fake_cpu cpu = { .xen_base = 0x40000000, .max_delta = 1 };
	struct xen_cpuid_info info;

	cr_assert(!xen_cpuid_find(fake_cpuid, &cpu, &info));
}

Test(xen_cpuid, bogus_max_leaf_rejected)
{
	/* eax past this base's 0x100 leaves (or wrapped below it) is not Xen's range. */
	struct fake_cpu cpu = { .xen_base = 0x40000000, .max_delta = 0x100 };
	struct xen_cpuid_info info;

	cr_assert(!xen_cpuid_find(fake_cpuid, &cpu, &info));
	cpu = (struct fake_cpu){ .xen_base = 0x40000000, .max_delta = (uint32_t)-1 };
	cr_assert(!xen_cpuid_find(fake_cpuid, &cpu, &info));
}

Test(xen_cpuid, real_cpu_does_not_crash)
{
	/* The build machine is a KVM/TCG/bare host: whatever it says, the answer is consistent. */
	struct xen_cpuid_info info;

	if (xen_cpuid_find(xen_cpuid_hw, NULL, &info)) {
		cr_assert_geq(info.base, 0x40000000);
		cr_assert_leq(info.base, 0x40010000);
	}
}
