/*
 * test_plan.c - unit tests of the placement plan (src/pvh/plan.c,
 * plan_order.c, freemem.c): the layouts that matter in practice, each error,
 * and a seeded property test over thousands of random inputs, every plan
 * judged by running it on the memory model of plan_model.h.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "plan_model.h"
#include "pvh/plan.h"

#define MiB 0x100000ull

static struct memmap tp_map;
static struct plan_input tp_in;
static struct plan tp_plan;
static struct err tp_err;
static char tp_why[256];

/* A PC-like map: low RAM, BIOS hole, RAM from 1 MiB to top, PCI hole below 4 GiB. */
static void tp_pc_map(uint64_t top)
{
	const struct memmap_entry raw[] = {
		{ 0x0, 0x9fc00, 1 },
		{ 0x9fc00, 0x400, 2 },
		{ 0xf0000, 0x10000, 2 },
		{ MiB, top - MiB, 1 },
		{ 0xfeffc000, 0x4000, 2 },
		{ 0xfffc0000, 0x40000, 2 },
	};
	struct err err;

	err_clear(&err);
	cr_assert_eq(memmap_normalise(&tp_map, raw, 6, &err), 0);
	memset(&tp_in, 0, sizeof(tp_in));
	tp_in.map = &tp_map;
}

static void tp_segment(uint64_t dst, uint64_t src, uint64_t filesz, uint64_t memsz)
{
	struct plan_segment *s = &tp_in.segments[tp_in.nsegments++];

	s->dst = dst;
	s->src = src;
	s->filesz = filesz;
	s->memsz = memsz;
}

static void tp_module(uint64_t addr, uint64_t size)
{
	tp_in.modules[tp_in.nmodules].addr = addr;
	tp_in.modules[tp_in.nmodules].size = size;
	tp_in.nmodules++;
}

static void tp_busy(uint64_t start, uint64_t end)
{
	tp_in.busy[tp_in.nbusy].start = start;
	tp_in.busy[tp_in.nbusy].end = end;
	tp_in.nbusy++;
}

static void tp_build_ok(void)
{
	err_clear(&tp_err);
	cr_assert_eq(plan_build(&tp_plan, &tp_in, &tp_err), 0, "plan failed: %s", tp_err.msg);
	cr_assert_eq(pm_check_plan(&tp_in, &tp_plan, tp_why, sizeof(tp_why)), 0, "%s", tp_why);
}

static void tp_build_fails(const char *msg)
{
	err_clear(&tp_err);
	cr_assert_eq(plan_build(&tp_plan, &tp_in, &tp_err), -1, "plan should fail: %s", msg);
	cr_assert_str_eq(tp_err.msg, msg);
}

static void tp_expect_op(unsigned i, uint32_t kind, uint64_t dst, uint64_t src, uint64_t len)
{
	const struct plan_op *op = &tp_plan.ops[i];

	cr_assert_lt(i, tp_plan.nops);
	cr_expect(op->kind == kind && op->dst == dst && op->src == src && op->len == len,
		  "op %u: kind %u dst 0x%llx src 0x%llx len 0x%llx; want %u 0x%llx 0x%llx 0x%llx",
		  i, op->kind, (unsigned long long)op->dst, (unsigned long long)op->src,
		  (unsigned long long)op->len, kind, (unsigned long long)dst,
		  (unsigned long long)src, (unsigned long long)len);
}

/*
 * Debian 12's vmlinux as QEMU's multiboot loader hands it over: the loader
 * at 0x100000-0x121000, the 66 MB vmlinux module right after it, the initrd
 * after that, while the segments go to 0x1000000-0x4a00000.
 */
Test(plan, qemu_multiboot_vmlinux_and_initrd)
{
	const uint64_t vmlinux = 0x121000, initrd = 0x3ffc000, initrd_size = 0x1000000;

	tp_pc_map(0x1ffe0000);
	tp_busy(0x100000, 0x121000);
	tp_segment(0x1000000, vmlinux + 0x200000, 0x18ea9f0, 0x18ea9f0);
	tp_segment(0x2a00000, vmlinux + 0x1c00000, 0x644000, 0x644000);
	tp_segment(0x3044000, vmlinux + 0x2400000, 0x35000, 0x35000);
	tp_segment(0x3079000, vmlinux + 0x2479000, 0x1987000, 0x1987000);
	tp_module(initrd, initrd_size);
	tp_in.bootdata_size = 0x1234;
	tp_in.handoff_size = 0x800;
	tp_build_ok();

	/* The initrd sits on segment 3's destination: it moves to the top of RAM. */
	cr_assert_eq(tp_plan.module_addr[0], 0x1ffe0000 - initrd_size);
	cr_assert_eq(tp_plan.bootdata_addr, 0x1ffe0000 - initrd_size - 0x2000);
	cr_assert_eq(tp_plan.handoff_addr, 0x1ffe0000 - initrd_size - 0x3000);
	/* The initrd leaves first, then the segments, last one first. */
	cr_assert_eq(tp_plan.nops, 5);
	tp_expect_op(0, PLAN_COPY, tp_plan.module_addr[0], initrd, initrd_size);
	tp_expect_op(1, PLAN_COPY, 0x3079000, vmlinux + 0x2479000, 0x1987000);
	tp_expect_op(2, PLAN_COPY, 0x2a00000, vmlinux + 0x1c00000, 0x644000);
	tp_expect_op(3, PLAN_COPY, 0x3044000, vmlinux + 0x2400000, 0x35000);
	tp_expect_op(4, PLAN_COPY, 0x1000000, vmlinux + 0x200000, 0x18ea9f0);
	cr_assert_eq(tp_plan.bytes_staged, 0);
	cr_assert_eq(tp_plan.bytes_zeroed, 0);
	cr_assert_eq(tp_plan.bytes_copied,
		     initrd_size + 0x18ea9f0 + 0x644000 + 0x35000 + 0x1987000);
}

Test(plan, module_over_kernel_destination_moves_first)
{
	tp_pc_map(0x8000000);
	tp_segment(0x1000000, 0x400000, 0x200000, 0x300000);
	tp_module(0x1100000, 0x5000); /* page-aligned RAM, but under the BSS */
	tp_module(0x2000000, 0x3000); /* clear of everything: stays */
	tp_build_ok();
	cr_assert_neq(tp_plan.module_addr[0], 0x1100000);
	cr_assert_eq(tp_plan.module_addr[1], 0x2000000, "a clear module needs no copy");
	cr_assert_eq(tp_plan.nops, 3);
	/* The BSS is read by nobody; the module must leave before segment 0 lands. */
	tp_expect_op(0, PLAN_ZERO, 0x1200000, 0, 0x100000);
	tp_expect_op(1, PLAN_COPY, tp_plan.module_addr[0], 0x1100000, 0x5000);
	tp_expect_op(2, PLAN_COPY, 0x1000000, 0x400000, 0x200000);
	cr_assert_eq(tp_plan.bytes_zeroed, 0x100000);
}

Test(plan, modules_that_cannot_stay)
{
	tp_pc_map(0x8000000);
	tp_segment(0x1000000, 0x1000000, 0x1000, 0x1000);
	tp_busy(0x3000000, 0x3001000);
	tp_module(0x2000800, 0x1000);   /* not page-aligned */
	tp_module(0x80000, 0x1000);     /* below 1 MiB */
	tp_module(0x7fff000, 0x2000);   /* runs past the end of RAM */
	tp_module(0x3000000, 0x1000);   /* busy */
	tp_module(0x4000000, 0x2000);   /* stays */
	tp_module(0x4001000, 0x1000);   /* overlaps the one that stays */
	tp_module(0x123, 0);            /* empty: kept as is, whatever its address */
	tp_build_ok();
	for (unsigned i = 0; i < 6; i++)
		if (i != 4)
			cr_expect_neq(tp_plan.module_addr[i], tp_in.modules[i].addr, "module %u", i);
	cr_assert_eq(tp_plan.module_addr[4], 0x4000000);
	cr_assert_eq(tp_plan.module_addr[6], 0x123);
	cr_assert_eq(tp_plan.nops, 5, "one copy per moved module, none for the segment in place");
}

Test(plan, segment_in_place_only_zeroes_bss)
{
	tp_pc_map(0x8000000);
	tp_segment(0x1000000, 0x1000000, 0x1800, 0x5000);
	tp_build_ok();
	cr_assert_eq(tp_plan.nops, 1);
	tp_expect_op(0, PLAN_ZERO, 0x1001800, 0, 0x3800);
	cr_assert_eq(tp_plan.bytes_copied, 0);
}

Test(plan, swapped_segments_are_staged)
{
	/* Segment 0 reads what segment 1 writes and the other way round. */
	tp_pc_map(0x8000000);
	tp_segment(0x1000000, 0x1200000, 0x200000, 0x200000);
	tp_segment(0x1200000, 0x1000000, 0x100000, 0x180000);
	tp_build_ok();
	cr_assert_eq(tp_plan.bytes_staged, 0x100000, "the shorter copy is staged");
	cr_assert_eq(tp_plan.nops, 4);
	uint64_t stage = tp_plan.ops[0].dst;
	tp_expect_op(0, PLAN_COPY, stage, 0x1000000, 0x100000);
	tp_expect_op(1, PLAN_COPY, 0x1000000, 0x1200000, 0x200000);
	tp_expect_op(2, PLAN_COPY, 0x1200000, stage, 0x100000);
	tp_expect_op(3, PLAN_ZERO, 0x1300000, 0, 0x80000);
	cr_assert_eq(stage, 0x8000000 - 0x100000, "staged at the top of RAM");
	cr_assert_eq(tp_plan.bytes_copied, 0x400000);
}

Test(plan, three_way_cycle_from_an_elf_image)
{
	/*
	 * A file loaded at 0x1000000 whose segments were laid out in reverse:
	 * each destination covers the next segment's file bytes.
	 */
	const uint64_t file = 0x1000000;

	tp_pc_map(0x8000000);
	tp_segment(file + 0x000000, file + 0x200000, 0x100000, 0x100000);
	tp_segment(file + 0x100000, file + 0x000000, 0x80000, 0x100000);
	tp_segment(file + 0x200000, file + 0x100000, 0x100000, 0x100000);
	tp_build_ok();
	cr_assert_eq(tp_plan.bytes_staged, 0x80000);
	cr_assert_eq(tp_plan.bytes_zeroed, 0x80000);
}

Test(plan, deterministic)
{
	struct plan again;

	tp_pc_map(0x8000000);
	tp_segment(0x1000000, 0x1200000, 0x200000, 0x200000);
	tp_segment(0x1200000, 0x1000000, 0x100000, 0x180000);
	tp_module(0x1300000, 0x4000);
	tp_in.bootdata_size = 100;
	tp_build_ok();
	cr_assert_eq(plan_build(&again, &tp_in, &tp_err), 0);
	cr_assert(memcmp(&again, &tp_plan, sizeof(again)) == 0);
}

Test(plan, not_enough_memory)
{
	tp_pc_map(0x4000000);
	tp_segment(0x1000000, 0x200000, 0x100000, 0x100000);
	tp_module(0x1000000, 0x3000000);
	tp_build_fails("plan: not enough memory for module 0 (0x3000000 bytes) in free RAM below "
		       "4 GiB");

	tp_pc_map(0x4000000);
	tp_in.bootdata_size = 0x4000000;
	tp_build_fails("plan: not enough memory for boot data (0x4000000 bytes) in free RAM "
		       "below 1 GiB");

	/* Above 1 GiB there is room, below it there is not. */
	tp_pc_map(0x80000000);
	tp_busy(MiB, 0x40000000);
	tp_in.handoff_size = 0x1000;
	tp_build_fails("plan: not enough memory for the hand-off area (0x1000 bytes) in free RAM "
		       "below 1 GiB");

	/* A cycle with no room to stage. */
	tp_pc_map(0x1400000);
	tp_segment(0x1000000, 0x1200000, 0x200000, 0x200000);
	tp_segment(0x1200000, 0x1000000, 0x100000, 0x100000);
	tp_busy(MiB, 0x1000000);
	tp_build_fails("plan: not enough memory below 4 GiB to stage the copy [0x1000000, "
		       "0x1100000) -> 0x1200000 (0x100000 bytes) that breaks a cycle");
}

Test(plan, destination_not_ram)
{
	tp_pc_map(0x4000000);
	tp_segment(0x1000000, 0x200000, 0x1000, 0x1000);
	tp_segment(0x3fff000, 0x300000, 0x1000, 0x2000);
	tp_build_fails("plan: segment 1 [0x3fff000, 0x4001000) is not RAM");

	tp_pc_map(0x4000000);
	tp_segment(0xf0000, 0x200000, 0x1000, 0x1000);
	tp_build_fails("plan: segment 0 [0xf0000, 0xf1000) lies below 1 MiB, which stays off "
		       "limits (real-mode IVT, BIOS data, EBDA)");
}

Test(plan, overlap_with_busy)
{
	tp_pc_map(0x4000000);
	tp_busy(0x100000, 0x121000);
	tp_busy(0x1100000, 0x1101000);
	tp_segment(0x1000000, 0x200000, 0x100000, 0x200000);
	tp_build_fails("plan: segment 0 [0x1000000, 0x1200000) overlaps busy range [0x1100000, "
		       "0x1101000)");
}

Test(plan, bad_segments)
{
	tp_pc_map(0x4000000);
	tp_segment(0x1000000, 0x200000, 0x100000, 0x200000);
	tp_segment(0x1100000, 0x300000, 0x1000, 0x1000);
	tp_build_fails("plan: segment 1 [0x1100000, 0x1101000) overlaps segment 0 [0x1000000, "
		       "0x1200000)");

	tp_pc_map(0x4000000);
	tp_segment(0x1000000, 0x200000, 0x2000, 0x1000);
	tp_build_fails("plan: segment 0: filesz 0x2000 exceeds memsz 0x1000");

	tp_pc_map(0x4000000);
	tp_segment(0xfffff000, 0x200000, 0x1000, 0x2000);
	tp_build_fails("plan: segment 0: dst 0xfffff000 + memsz 0x2000 ends above 4 GiB");

	tp_pc_map(0x4000000);
	tp_segment(0x1000000, 0x100000000ull, 0x1000, 0x2000);
	tp_build_fails("plan: segment 0: source 0x100000000 + filesz 0x1000 ends above 4 GiB, "
		       "where the hand-off cannot read it");

	tp_pc_map(0x4000000);
	tp_module(0x140000000ull, 0x1000);
	tp_build_fails("plan: module 0 [0x140000000, 0x140001000) must move but ends above 4 GiB, "
		       "where the hand-off cannot read it");

	tp_pc_map(0x4000000);
	tp_module(UINT64_MAX - 10, 0x1000);
	tp_build_fails("plan: module 0: addr 0xfffffffffffffff5 + size 0x1000 wraps");

	tp_pc_map(0x4000000);
	tp_in.nsegments = PLAN_MAX_SEGMENTS + 1;
	tp_build_fails("plan: 33 segments, at most 32");
}

/* --- relocation, low memory, live ranges, empty segments -------------------- */

static void tp_reloc(uint64_t align, uint64_t min, uint64_t max)
{
	tp_in.reloc.relocatable = true;
	tp_in.reloc.align = align;
	tp_in.reloc.min = min;
	tp_in.reloc.max = max;
}

/* Debian's 6.12 note on a map whose 16-32 MiB are reserved (SMM OVMF's NVS, say). */
static void tp_debian_taken(void)
{
	const struct memmap_entry raw[] = {
		{ 0x0, 0x9fc00, 1 },
		{ MiB, 0x40000000 - MiB, 1 },
		{ 16 * MiB, 16 * MiB, 4 },
	};
	struct err err;

	err_clear(&err);
	cr_assert_eq(memmap_normalise(&tp_map, raw, 3, &err), 0);
	memset(&tp_in, 0, sizeof(tp_in));
	tp_in.map = &tp_map;
	tp_segment(16 * MiB, 2 * MiB, 0x800000, 0xc00000);
	tp_segment(28 * MiB, 10 * MiB, 0x100000, 0x400000);
	tp_module(40 * MiB, 0x200000);
}

Test(plan, relocates_highest_when_linked_range_taken)
{
	tp_debian_taken();
	tp_reloc(2 * MiB, 16 * MiB, 0x3fffffff);
	tp_in.bootdata_size = 0x1000;
	tp_in.handoff_size = 0x2000;
	tp_build_ok();
	/* Span 16..32 MiB (16 MiB) ends at 1 GiB: base 1 GiB - 16 MiB. */
	cr_assert_eq(tp_plan.delta, 0x3f000000ull - 16 * MiB);
	cr_assert(tp_plan.relocated);
	tp_expect_op(0, PLAN_COPY, 0x3f000000, 2 * MiB, 0x800000);
	cr_assert_lt(tp_plan.bootdata_addr, 0x3f000000);
}

Test(plan, relocation_respects_max_and_busy)
{
	tp_debian_taken();
	tp_reloc(2 * MiB, 16 * MiB, 0x07ffffff); /* 128 MiB - 1 */
	tp_busy(100 * MiB, 120 * MiB);
	tp_build_ok();
	/* 112..128 MiB overlaps the busy range; the next 2 MiB-aligned fit below it: 84 MiB. */
	cr_assert_eq(tp_plan.delta, 84 * MiB - 16 * MiB);
}

Test(plan, linked_range_taken_without_note)
{
	tp_debian_taken();
	tp_build_fails("plan: segment 0 [0x1000000, 0x1c00000) is not RAM");
}

Test(plan, relocation_note_refusals)
{
	tp_debian_taken();
	tp_reloc(0x3000, 16 * MiB, 0x3fffffff);
	tp_build_fails("plan: segment 0 [0x1000000, 0x1c00000) is not RAM; relocating: PHYS32_RELOC "
		       "align 0x3000 is not a power of two");
	tp_debian_taken();
	tp_reloc(0, 16 * MiB, 0x3fffffff);
	tp_build_fails("plan: segment 0 [0x1000000, 0x1c00000) is not RAM; relocating: PHYS32_RELOC "
		       "align 0x0 is not a power of two");
	tp_debian_taken();
	tp_reloc(2 * MiB, 16 * MiB, 24 * MiB);
	tp_build_fails("plan: segment 0 [0x1000000, 0x1c00000) is not RAM; relocating: PHYS32_RELOC "
		       "max 0x1800000 is below min 0x1000000 + image size 0x1000000 - 1");
	tp_debian_taken();
	tp_reloc(2 * MiB, 16 * MiB, 40 * MiB);
	tp_build_fails("plan: segment 0 [0x1000000, 0x1c00000) is not RAM; relocating: no room for "
		       "the kernel's 0x1000000 bytes in free RAM (PHYS32_RELOC align 0x200000, min "
		       "0x1000000, max 0x2800000)");
}

Test(plan, forced_base)
{
	tp_debian_taken();
	tp_reloc(2 * MiB, 16 * MiB, 0x3fffffff);
	tp_in.reloc.forced = true;
	tp_in.reloc.base = 64 * MiB;
	tp_build_ok();
	cr_assert_eq(tp_plan.delta, 48 * MiB);

	/* Forced at the linked address of a kernel whose linked range is free: no move. */
	tp_pc_map(0x10000000);
	tp_segment(16 * MiB, 2 * MiB, 0x1000, 0x1000);
	tp_reloc(2 * MiB, 16 * MiB, 0x3fffffff);
	tp_in.reloc.forced = true;
	tp_in.reloc.base = 16 * MiB;
	tp_build_ok();
	cr_assert_eq(tp_plan.delta, 0);

	static const struct {
		uint64_t base;
		const char *msg;
	} bad[] = {
		{ 65 * MiB, "plan: reloc=0x4100000 is not a multiple of PHYS32_RELOC align 0x200000" },
		{ 0, "plan: reloc=0x0 lies below 1 MiB, which stays off limits (real-mode IVT, BIOS "
		     "data, EBDA)" },
		{ 8 * MiB, "plan: reloc=0x800000 is below PHYS32_RELOC min 0x1000000" },
		{ 0x3f200000, "plan: reloc=0x3f200000 + image size 0x1000000 - 1 exceeds PHYS32_RELOC "
			      "max 0x3fffffff" },
		{ 10 * MiB, NULL },
		{ 20 * MiB, "plan: reloc=0x1400000: [0x1400000, 0x2400000) is not all RAM" },
		{ 34 * MiB, "plan: reloc=0x2200000: [0x2200000, 0x3200000) overlaps a module "
			    "[0x2800000, 0x2a00000)" },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!bad[i].msg)
			continue;
		tp_debian_taken();
		tp_reloc(2 * MiB, 16 * MiB, 0x3fffffff);
		tp_in.reloc.forced = true;
		tp_in.reloc.base = bad[i].base;
		tp_build_fails(bad[i].msg);
	}

	tp_debian_taken();
	tp_in.reloc.forced = true;
	tp_in.reloc.base = 64 * MiB;
	tp_build_fails("plan: the kernel has no PHYS32_RELOC note: it loads only at its linked "
		       "range [0x1000000, 0x2000000)");
}

Test(plan, delta_given)
{
	tp_debian_taken();
	tp_in.delta_given = true;
	tp_in.delta = 80 * MiB;
	tp_build_ok();
	cr_assert_eq(tp_plan.delta, 80 * MiB);
	tp_expect_op(0, PLAN_COPY, 96 * MiB, 2 * MiB, 0x800000);

	/* A given delta is checked like a linked address. */
	tp_debian_taken();
	tp_in.delta_given = true;
	tp_in.delta = 2 * MiB;
	tp_build_fails("plan: segment 0 [0x1200000, 0x1e00000) is not RAM");
}

Test(plan, reloc_choose_alone)
{
	struct range avoid[2] = { { 900 * MiB, 1024 * MiB }, { 0, 0 } };
	const char *names[2] = { "firmware", NULL };
	struct plan_reloc rl = { true, 2 * MiB, 16 * MiB, 0x3fffffff, false, 0 };
	struct range span = { 16 * MiB, 16 * MiB + 0x3000001 };
	uint64_t delta = 0;
	struct err err;

	tp_pc_map(0x80000000ull);
	err_clear(&err);
	cr_assert_eq(plan_reloc_choose(&tp_map, avoid, names, 2, span, &rl, &delta, &err), 0, "%s",
		     err.msg);
	/* 0x3000001 bytes below 900 MiB, on a 2 MiB boundary: 850 MiB. */
	cr_assert_eq(delta + span.start, 850 * MiB);

	rl.forced = true;
	rl.base = 880 * MiB;
	err_clear(&err);
	cr_assert_eq(plan_reloc_choose(&tp_map, avoid, names, 2, span, &rl, &delta, &err), -1);
	cr_assert_str_eq(err.msg, "plan: reloc=0x37000000: [0x37000000, 0x3a000001) overlaps "
				  "firmware [0x38400000, 0x40000000)");
}

Test(plan, segment_with_file_bytes_but_no_memory)
{
	/* Once skipped by the checks and copied anyway: now refused, whatever dst says. */
	tp_pc_map(0x4000000);
	tp_segment(0x1000000, 0x200000, 0x1000, 0x1000);
	tp_segment(0x0, 0x300000, 0x1000, 0);
	tp_build_fails("plan: segment 1: filesz 0x1000 exceeds memsz 0x0");

	/* Empty segments emit no operation. */
	tp_pc_map(0x4000000);
	tp_segment(0x1000000, 0x200000, 0x1000, 0x1000);
	tp_segment(0x5000000, 0x300000, 0, 0);
	tp_build_ok();
	cr_assert_eq(tp_plan.nops, 1);
}

Test(plan, low_memory_stays_off_limits)
{
	tp_pc_map(0x4000000);
	tp_segment(0x8000, 0x200000, 0x1000, 0x1000);
	tp_build_fails("plan: segment 0 [0x8000, 0x9000) lies below 1 MiB, which stays off limits "
		       "(real-mode IVT, BIOS data, EBDA)");
}

Test(plan, kernel_over_the_loader_image)
{
	/* Linked at 1 MiB over the loader (live), modules right after the loader (QEMU mb1). */
	tp_pc_map(0x8000000);
	tp_in.live[0].start = MiB;
	tp_in.live[0].end = MiB + 0x40000;
	tp_in.live_name[0] = "pvhboot itself";
	tp_in.nlive = 1;
	tp_module(MiB + 0x40000, 0x30000); /* the kernel file */
	tp_module(MiB + 0x70000, 0x2000);
	tp_segment(MiB, MiB + 0x40000 + 0x1000, 0x20000, 0x80000);
	tp_in.segments[0].src = MiB + 0x41000;
	tp_in.nmodules = 1;
	tp_in.modules[0] = tp_in.modules[1];
	tp_in.bootdata_size = 0x1000;
	tp_in.handoff_size = 0x3000;
	tp_build_ok();
	cr_assert_eq(tp_plan.delta, 0);
	cr_assert_neq(tp_plan.module_addr[0], MiB + 0x70000);
	cr_assert(tp_plan.bootdata_addr >= MiB + 0x80000);
}

/* --- property test ---------------------------------------------------------- */

struct tp_rng {
	uint64_t s;
};

static uint64_t tp_next(struct tp_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t tp_below(struct tp_rng *r, uint64_t n)
{
	return n ? tp_next(r) % n : 0;
}

/* A size: mostly whole pages, sometimes odd. */
static uint64_t tp_size(struct tp_rng *r, uint64_t max_pages)
{
	uint64_t pages = 1 + tp_below(r, max_pages);

	return tp_below(r, 4) ? pages * PLAN_PAGE : pages * PLAN_PAGE - tp_below(r, PLAN_PAGE);
}

/* Random map with holes, segments, modules and busy ranges in a 64 MiB space. */
static void tp_random_case(struct tp_rng *r)
{
	static struct memmap_entry raw[32];
	unsigned n = 0;
	uint64_t top = (16 + tp_below(r, 48)) * MiB;
	struct err err;

	raw[n++] = (struct memmap_entry){ 0, 0x9f000, 1 };
	raw[n++] = (struct memmap_entry){ MiB, top - MiB, 1 };
	for (unsigned h = (unsigned)tp_below(r, 6); h; h--)
		raw[n++] = (struct memmap_entry){ tp_below(r, top / PLAN_PAGE) * PLAN_PAGE,
						  tp_size(r, 512), 2 + (uint32_t)tp_below(r, 3) };
	if (tp_below(r, 4) == 0) /* RAM above 4 GiB: never used */
		raw[n++] = (struct memmap_entry){ PLAN_LIMIT_4G, 64 * MiB, 1 };
	err_clear(&err);
	cr_assert_eq(memmap_normalise(&tp_map, raw, n, &err), 0);
	memset(&tp_in, 0, sizeof(tp_in));
	tp_in.map = &tp_map;

	/* Segments: consecutive destinations from a kernel base, then their sources. */
	unsigned nseg = 1 + (unsigned)tp_below(r, tp_below(r, 8) ? 4 : 12);
	uint64_t dst = MiB + tp_below(r, (top - MiB) / 2 / PLAN_PAGE) * PLAN_PAGE;
	for (unsigned i = 0; i < nseg; i++) {
		struct plan_segment *s = &tp_in.segments[tp_in.nsegments++];

		s->memsz = tp_size(r, 256);
		s->filesz = tp_below(r, 3) ? s->memsz : tp_below(r, s->memsz + 1);
		s->dst = dst;
		dst += s->memsz + tp_below(r, 3) * tp_size(r, 16);
	}
	uint64_t file = tp_below(r, top / PLAN_PAGE) * PLAN_PAGE + tp_below(r, 2) * 0x10;
	uint64_t off = tp_below(r, 4) * PLAN_PAGE;
	unsigned mode = (unsigned)tp_below(r, 5);
	if (mode == 4) /* the file image on top of its own destinations, in reverse */
		file = tp_in.segments[0].dst + tp_below(r, 3) * PLAN_PAGE;
	for (unsigned k = 0; k < nseg; k++) {
		unsigned i = mode == 4 ? nseg - 1 - k : k;
		struct plan_segment *s = &tp_in.segments[i];

		if (mode == 0 || mode == 4) /* a file image, as a loader reads it */
			s->src = file + off;
		else if (mode == 1) /* each reads the next one's destination: a cycle */
			s->src = tp_in.segments[(i + 1) % nseg].dst + tp_below(r, 3) * 0x800;
		else if (mode == 2 && tp_below(r, 2)) /* already in place */
			s->src = s->dst;
		else
			s->src = tp_below(r, top);
		off += s->filesz + tp_below(r, 3) * PLAN_PAGE;
	}
	/* Modules: after the file image (QEMU), on top of things, or anywhere. */
	unsigned nmod = (unsigned)tp_below(r, 5);
	uint64_t next = (file + off + PLAN_PAGE - 1) & ~(PLAN_PAGE - 1);
	for (unsigned i = 0; i < nmod; i++) {
		struct plan_module *m = &tp_in.modules[tp_in.nmodules++];

		m->size = tp_below(r, 8) ? tp_size(r, 512) : 0;
		switch (tp_below(r, 4)) {
		case 0:
			m->addr = next;
			next += (m->size + PLAN_PAGE - 1) & ~(PLAN_PAGE - 1);
			break;
		case 1:
			m->addr = tp_in.segments[0].dst + tp_below(r, 4) * PLAN_PAGE;
			break;
		case 2:
			m->addr = tp_below(r, top / PLAN_PAGE) * PLAN_PAGE;
			break;
		default:
			m->addr = tp_below(r, top + 8 * MiB);
			break;
		}
	}
	for (unsigned b = (unsigned)tp_below(r, 3); b; b--) {
		uint64_t start = tp_below(r, top / PLAN_PAGE) * PLAN_PAGE;

		tp_busy(start, start + tp_size(r, 64));
	}
	tp_in.bootdata_size = tp_below(r, 4) ? 1 + tp_below(r, 0x3000) : 0;
	tp_in.handoff_size = tp_below(r, 4) ? 1 + tp_below(r, 0x1000) : 0;

	/* Relocation: a note (sometimes odd), sometimes a forced base, sometimes a taken range. */
	if (tp_below(r, 2)) {
		static const uint64_t aligns[] = { 0x1000, 0x200000, 0x100000, 0x10, 0x3000, 0 };
		struct plan_reloc *rl = &tp_in.reloc;

		rl->relocatable = true;
		rl->align = aligns[tp_below(r, 8) < 3 ? tp_below(r, 3) : tp_below(r, 6)];
		rl->min = tp_below(r, 2) ? MiB * tp_below(r, 20) : 0;
		rl->max = tp_below(r, 4) ? top - 1 - tp_below(r, 8 * MiB) : rl->min + tp_size(r, 64);
		if (tp_below(r, 6) == 0) {
			rl->forced = true;
			rl->base = tp_below(r, 2) ? tp_below(r, top / MiB) * MiB
						  : tp_below(r, top / PLAN_PAGE) * PLAN_PAGE;
		}
		if (tp_below(r, 3) == 0) /* the linked range taken by firmware */
			tp_busy(tp_in.segments[0].dst, tp_in.segments[0].dst + PLAN_PAGE);
	}
	if (tp_below(r, 4) == 0) { /* a loader image the copies may cover */
		tp_in.live[0].start = MiB;
		tp_in.live[0].end = MiB + tp_size(r, 64);
		tp_in.nlive = 1;
	}
}

/* What a failing case was, for the log. */
static void tp_dump(void)
{
	char line[96];

	for (unsigned i = 0; i < tp_map.n; i++) {
		memmap_format_entry(line, sizeof(line), &tp_map.e[i]);
		cr_log_info("map %s", line);
	}
	for (unsigned i = 0; i < tp_in.nsegments; i++)
		cr_log_info("segment %u: dst 0x%llx src 0x%llx filesz 0x%llx memsz 0x%llx", i,
			    (unsigned long long)tp_in.segments[i].dst,
			    (unsigned long long)tp_in.segments[i].src,
			    (unsigned long long)tp_in.segments[i].filesz,
			    (unsigned long long)tp_in.segments[i].memsz);
	for (unsigned i = 0; i < tp_in.nmodules; i++)
		cr_log_info("module %u: 0x%llx size 0x%llx -> 0x%llx", i,
			    (unsigned long long)tp_in.modules[i].addr,
			    (unsigned long long)tp_in.modules[i].size,
			    (unsigned long long)tp_plan.module_addr[i]);
	for (unsigned i = 0; i < tp_in.nbusy; i++)
		cr_log_info("busy [0x%llx, 0x%llx)", (unsigned long long)tp_in.busy[i].start,
			    (unsigned long long)tp_in.busy[i].end);
	cr_log_info("boot data 0x%llx (0x%llx), hand-off 0x%llx (0x%llx)",
		    (unsigned long long)tp_plan.bootdata_addr,
		    (unsigned long long)tp_in.bootdata_size,
		    (unsigned long long)tp_plan.handoff_addr,
		    (unsigned long long)tp_in.handoff_size);
	for (unsigned i = 0; i < tp_plan.nops; i++)
		cr_log_info("op %u: %s dst 0x%llx src 0x%llx len 0x%llx", i,
			    tp_plan.ops[i].kind == PLAN_COPY ? "copy" : "zero",
			    (unsigned long long)tp_plan.ops[i].dst,
			    (unsigned long long)tp_plan.ops[i].src,
			    (unsigned long long)tp_plan.ops[i].len);
}

Test(plan, property_random_layouts, .timeout = 120)
{
	/* Fixed for reproducibility; PVH_PLAN_SEED=N explores other cases. */
	const char *env = getenv("PVH_PLAN_SEED");
	const uint64_t seed = env ? strtoull(env, NULL, 0) : 0x5eed0001;
	struct tp_rng rng = { seed };
	unsigned ok = 0, staged = 0, failed = 0, with_min = 0, relocated = 0, forced = 0;
	const unsigned cases = 4000;
	double ratio_min = 0, ratio_sum = 0, ratio_max = 0;

	for (unsigned c = 0; c < cases; c++) {
		tp_random_case(&rng);
		err_clear(&tp_err);
		if (plan_build(&tp_plan, &tp_in, &tp_err) != 0) {
			cr_assert(strncmp(tp_err.msg, "plan: ", 6) == 0,
				  "seed 0x%llx case %u: message '%s'", (unsigned long long)seed, c,
				  tp_err.msg);
			failed++;
			continue;
		}
		if (pm_check_plan(&tp_in, &tp_plan, tp_why, sizeof(tp_why)))
			tp_dump();
		cr_assert_eq(pm_check_plan(&tp_in, &tp_plan, tp_why, sizeof(tp_why)), 0,
			     "seed 0x%llx case %u: %s", (unsigned long long)seed, c, tp_why);
		ok++;
		staged += tp_plan.bytes_staged != 0;
		relocated += tp_plan.relocated && !tp_in.reloc.forced;
		forced += tp_plan.relocated && tp_in.reloc.forced;

		/*
		 * Copy cost: the bytes that must move are the file bytes of
		 * segments not already at their destination and the modules
		 * the plan moved; anything beyond that must be staging.
		 */
		uint64_t minimum = 0;

		for (unsigned i = 0; i < tp_in.nsegments; i++)
			if (tp_in.segments[i].src != tp_in.segments[i].dst + tp_plan.delta)
				minimum += tp_in.segments[i].filesz;
		for (unsigned i = 0; i < tp_in.nmodules; i++)
			if (tp_plan.module_addr[i] != tp_in.modules[i].addr)
				minimum += tp_in.modules[i].size;
		if (tp_plan.bytes_copied != minimum + tp_plan.bytes_staged)
			tp_dump();
		cr_assert_eq(tp_plan.bytes_copied, minimum + tp_plan.bytes_staged,
			     "seed 0x%llx case %u: copied 0x%llx, minimum 0x%llx + staged 0x%llx",
			     (unsigned long long)seed, c, (unsigned long long)tp_plan.bytes_copied,
			     (unsigned long long)minimum, (unsigned long long)tp_plan.bytes_staged);
		if (minimum) {
			double r = (double)tp_plan.bytes_copied / (double)minimum;

			ratio_min = with_min == 0 || r < ratio_min ? r : ratio_min;
			ratio_max = r > ratio_max ? r : ratio_max;
			ratio_sum += r;
			with_min++;
		}
	}
	cr_log_info("plan property: %u ok (%u staged, %u relocated, %u forced), %u refused", ok,
		    staged, relocated, forced, failed);
	/* One line on stdout, so `make unit` shows the cost of staging. */
	printf("plan property: bytes copied / minimum over %u plans: min %.3f avg %.3f max %.3f\n",
	       with_min, ratio_min, with_min ? ratio_sum / with_min : 0.0, ratio_max);
	/* The generator must reach the interesting cases, or the test proves little. */
	cr_assert_geq(ok, cases / 3, "only %u of %u cases planned", ok, cases);
	cr_assert_geq(staged, 50, "only %u plans needed staging", staged);
	cr_assert_geq(relocated, 100, "only %u plans relocated the kernel", relocated);
	cr_assert_geq(forced, 20, "only %u plans took a forced base", forced);
}
