/*
 * test_memmap.c - unit tests of memory-map normalisation, shrinking, RAM
 * queries and the dump format (src/pvh/memmap.c). Each expected map is
 * written out by hand; a byte-by-byte oracle checks random inputs.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "pvh/memmap.h"

#define RAM 1
#define RES 2
#define ACPI 3
#define NVS 4
#define UNUSABLE 5
#define DISABLED 6
#define PMEM 7

static struct memmap tm_out;

static void tm_normalise_ok(const struct memmap_entry *in, unsigned n)
{
	struct err err;

	err_clear(&err);
	cr_assert_eq(memmap_normalise(&tm_out, in, n, &err), 0, "normalise failed: %s", err.msg);
	cr_assert(!err.set);
}

static void tm_expect(const struct memmap_entry *want, unsigned n)
{
	cr_assert_eq(tm_out.n, n, "got %u entries, want %u", tm_out.n, n);
	for (unsigned i = 0; i < n; i++) {
		cr_expect_eq(tm_out.e[i].addr, want[i].addr, "entry %u addr 0x%llx want 0x%llx", i,
			     (unsigned long long)tm_out.e[i].addr,
			     (unsigned long long)want[i].addr);
		cr_expect_eq(tm_out.e[i].size, want[i].size, "entry %u size 0x%llx want 0x%llx", i,
			     (unsigned long long)tm_out.e[i].size,
			     (unsigned long long)want[i].size);
		cr_expect_eq(tm_out.e[i].type, want[i].type, "entry %u type %u want %u", i,
			     tm_out.e[i].type, want[i].type);
	}
}

Test(memmap, unsorted_input_is_sorted)
{
	const struct memmap_entry in[] = {
		{ 0x100000, 0x7f00000, RAM },
		{ 0xf0000, 0x10000, RES },
		{ 0x0, 0x9fc00, RAM },
	};
	const struct memmap_entry want[] = {
		{ 0x0, 0x9fc00, RAM },
		{ 0xf0000, 0x10000, RES },
		{ 0x100000, 0x7f00000, RAM },
	};
	tm_normalise_ok(in, 3);
	tm_expect(want, 3);
}

Test(memmap, adjacent_same_type_merges)
{
	const struct memmap_entry in[] = {
		{ 0x200000, 0x100000, RAM },
		{ 0x100000, 0x100000, RAM },
		{ 0x300000, 0x1000, ACPI },
		{ 0x301000, 0x1000, ACPI },
	};
	const struct memmap_entry want[] = {
		{ 0x100000, 0x200000, RAM },
		{ 0x300000, 0x2000, ACPI },
	};
	tm_normalise_ok(in, 4);
	tm_expect(want, 2);
}

Test(memmap, adjacent_different_type_stays_apart)
{
	const struct memmap_entry in[] = {
		{ 0x100000, 0x100000, RAM },
		{ 0x200000, 0x100000, NVS },
	};
	tm_normalise_ok(in, 2);
	tm_expect(in, 2);
}

Test(memmap, overlap_stronger_type_wins)
{
	/* A reserved hole punched into RAM, as firmware often reports it. */
	const struct memmap_entry in[] = {
		{ 0x0, 0x10000000, RAM },
		{ 0x8000000, 0x100000, RES },
	};
	const struct memmap_entry want[] = {
		{ 0x0, 0x8000000, RAM },
		{ 0x8000000, 0x100000, RES },
		{ 0x8100000, 0x7f00000, RAM },
	};
	tm_normalise_ok(in, 2);
	tm_expect(want, 3);
}

Test(memmap, nested_and_partial_overlaps)
{
	const struct memmap_entry in[] = {
		{ 0x1000, 0x9000, ACPI },  /* [0x1000, 0xa000) */
		{ 0x0, 0x10000, RAM },     /* around everything */
		{ 0x8000, 0x4000, NVS },   /* [0x8000, 0xc000): beats ACPI and RAM */
		{ 0x3000, 0x1000, PMEM },  /* inside ACPI: loses */
	};
	const struct memmap_entry want[] = {
		{ 0x0, 0x1000, RAM },
		{ 0x1000, 0x7000, ACPI },
		{ 0x8000, 0x4000, NVS },
		{ 0xc000, 0x4000, RAM },
	};
	tm_normalise_ok(in, 4);
	tm_expect(want, 4);
}

Test(memmap, precedence_order)
{
	/* Each pair: the first type overlapping the second at one address. */
	static const uint32_t order[] = { RES, DISABLED, UNUSABLE, NVS, ACPI, PMEM, RAM };

	for (unsigned i = 0; i < 7; i++) {
		for (unsigned j = 0; j < 7; j++) {
			const struct memmap_entry in[] = {
				{ 0x1000, 0x1000, order[i] },
				{ 0x1000, 0x1000, order[j] },
			};
			uint32_t want = order[i < j ? i : j];

			tm_normalise_ok(in, 2);
			cr_assert_eq(tm_out.n, 1);
			cr_expect_eq(tm_out.e[0].type, want, "%u vs %u gave %u, want %u", order[i],
				     order[j], tm_out.e[0].type, want);
		}
	}
}

Test(memmap, unknown_type_is_reserved_and_beats_ram)
{
	const struct memmap_entry in[] = {
		{ 0x0, 0x4000, RAM },
		{ 0x1000, 0x1000, 99 },
		{ 0x2000, 0x1000, 0 },
		{ 0x3000, 0x1000, RES },
	};
	const struct memmap_entry want[] = {
		{ 0x0, 0x1000, RAM },
		{ 0x1000, 0x3000, RES },
	};
	tm_normalise_ok(in, 4);
	tm_expect(want, 2);
}

Test(memmap, zero_size_dropped)
{
	const struct memmap_entry in[] = {
		{ 0x5000, 0, RES },
		{ 0x1000, 0x1000, RAM },
		{ 0x1800, 0, RES },
	};
	const struct memmap_entry want[] = { { 0x1000, 0x1000, RAM } };
	tm_normalise_ok(in, 3);
	tm_expect(want, 1);

	tm_normalise_ok(in, 1);
	cr_assert_eq(tm_out.n, 0);
	tm_normalise_ok(in, 0);
	cr_assert_eq(tm_out.n, 0);
}

Test(memmap, wrapping_entry_cut_at_top)
{
	const struct memmap_entry in[] = {
		{ 0xfffffffffffff000ull, 0x2000, RAM },
		{ 0x0, 0x1000, RAM },
		{ 0xffffffffffff0000ull, 0x1000, RES },
	};
	const struct memmap_entry want[] = {
		{ 0x0, 0x1000, RAM },
		{ 0xffffffffffff0000ull, 0x1000, RES },
		{ 0xfffffffffffff000ull, 0xfff, RAM },
	};
	tm_normalise_ok(in, 3);
	tm_expect(want, 3);
}

Test(memmap, starts_at_zero)
{
	const struct memmap_entry in[] = { { 0x0, 0x1000, RES }, { 0x0, 0x2000, RAM } };
	const struct memmap_entry want[] = { { 0x0, 0x1000, RES }, { 0x1000, 0x1000, RAM } };
	tm_normalise_ok(in, 2);
	tm_expect(want, 2);
}

Test(memmap, too_many_entries_fails_with_count)
{
	static struct memmap_entry in[2 * MEMMAP_MAX];
	struct err err;

	/* Alternating types, one page each, separated: cannot merge. */
	for (unsigned i = 0; i < 2 * MEMMAP_MAX; i++) {
		in[i].addr = (uint64_t)i * 0x2000;
		in[i].size = 0x1000;
		in[i].type = RAM;
	}
	err_clear(&err);
	cr_assert_eq(memmap_normalise(&tm_out, in, MEMMAP_MAX, &err), 0);
	cr_assert_eq(tm_out.n, MEMMAP_MAX);
	cr_assert_eq(memmap_normalise(&tm_out, in, 2 * MEMMAP_MAX, &err), -1);
	cr_assert_str_eq(err.msg, "memmap: more than 512 entries after normalising 1024 input "
				  "entries");
}

Test(memmap, aliasing_input_is_refused)
{
	static struct memmap m;
	struct err err;

	m.n = 1;
	m.e[0] = (struct memmap_entry){ 0, 0x1000, RAM };
	err_clear(&err);
	cr_assert_eq(memmap_normalise(&m, m.e, m.n, &err), -1);
	cr_assert(strstr(err.msg, "memmap: input entries overlap the output"), "%s", err.msg);
}

/* The type at addr in a normalised map, 0 in a hole. */
static uint32_t tm_type_at(const struct memmap *m, uint64_t addr)
{
	for (unsigned i = 0; i < m->n; i++)
		if (addr >= m->e[i].addr && addr - m->e[i].addr < m->e[i].size)
			return m->e[i].type;
	return 0;
}

/* Every non-RAM byte of before is still non-RAM; nothing became RAM. */
static void tm_expect_no_non_ram_lost(const struct memmap *before, const struct memmap *after)
{
	for (unsigned i = 0; i < before->n; i++) {
		const struct memmap_entry *e = &before->e[i];
		uint64_t probes[3] = { e->addr, e->addr + e->size / 2, e->addr + e->size - 1 };

		for (unsigned p = 0; p < 3; p++) {
			uint32_t t = tm_type_at(after, probes[p]);

			/* Dropped RAM may read as a hole or as its merged neighbours' type. */
			if (e->type != RAM)
				cr_expect(t != RAM && t != 0, "type %u at 0x%llx vanished (now %u)",
					  e->type, (unsigned long long)probes[p], t);
		}
	}
	for (unsigned i = 0; i < after->n; i++)
		if (after->e[i].type == RAM)
			cr_expect_eq(tm_type_at(before, after->e[i].addr), RAM);
}

Test(memmap, fit_keeps_small_non_ram_pages)
{
	/* q35-like: RAM, then LAPIC/IOAPIC/HPET/TPM pages and NVS among 140 entries. */
	static struct memmap_entry in[160];
	static struct memmap before, m;
	unsigned n = 0;
	struct err err;

	for (unsigned i = 0; i < 70; i++) { /* RAM islands with reserved gaps */
		in[n++] = (struct memmap_entry){ (uint64_t)i * 0x200000, 0x100000, RAM };
		in[n++] = (struct memmap_entry){ (uint64_t)i * 0x200000 + 0x100000, 0x1000 + i,
						 i % 4 ? RES : NVS };
	}
	in[n++] = (struct memmap_entry){ 0xfec00000, 0x1000, RES };  /* IOAPIC */
	in[n++] = (struct memmap_entry){ 0xfed00000, 0x400, RES };   /* HPET */
	in[n++] = (struct memmap_entry){ 0xfed40000, 0x5000, RES };  /* TPM */
	in[n++] = (struct memmap_entry){ 0xfee00000, 0x1000, RES };  /* LAPIC */
	in[n++] = (struct memmap_entry){ 0xfee01000, 0x1000, NVS };
	err_clear(&err);
	cr_assert_eq(memmap_normalise(&before, in, n, &err), 0);
	m = before;
	cr_assert_eq(memmap_fit(&m, 126, NULL, 0, &err), 0, "%s", err.msg);
	cr_assert_leq(m.n, 126);
	tm_expect_no_non_ram_lost(&before, &m);
	cr_expect_eq(tm_type_at(&m, 0xfee01000), RES, "stronger type kept when merged");
	for (unsigned i = 1; i < m.n; i++)
		cr_assert_gt(m.e[i].addr, m.e[i - 1].addr, "still sorted");
}

Test(memmap, fit_then_drops_smallest_ram_not_kept)
{
	static struct memmap m;
	struct err err;
	struct range keep_ram[2] = { { 0, 0x1000 }, { 0x20000, 0x20001 } };

	m.n = 5;
	for (unsigned i = 0; i < 5; i++)
		m.e[i] = (struct memmap_entry){ (uint64_t)i * 0x10000, 0x1000 + i, RAM };
	err_clear(&err);
	cr_assert_eq(memmap_fit(&m, 2, keep_ram, 2, &err), 0, "%s", err.msg);
	cr_assert_eq(m.n, 2);
	cr_expect_eq(m.e[0].addr, 0, "kept RAM entry 0 stays");
	cr_expect_eq(m.e[1].addr, 0x20000, "kept RAM entry 2 stays");

	/* Nothing left that may go. */
	cr_assert_eq(memmap_fit(&m, 1, keep_ram, 2, &err), -1);
	cr_assert_str_eq(err.msg, "memmap: cannot shrink 2 entries to 1: every RAM entry left "
				  "holds the kernel, a module or boot data");
}

Test(memmap, fit_over_128_real_shape)
{
	/* 300 raw firmware-like entries: RAM with many small reserved islands. */
	static struct memmap_entry in[300];
	static struct memmap m, before;
	struct err err;
	uint64_t ram_before = 0, ram_after = 0;

	for (unsigned i = 0; i < 300; i++) {
		in[i].addr = (uint64_t)i * 0x100000;
		in[i].size = i % 3 == 2 ? 0x1000 : 0x100000;
		in[i].type = i % 3 == 2 ? ACPI : RAM;
		if (i % 3 == 1)
			in[i].type = NVS;
	}
	err_clear(&err);
	cr_assert_eq(memmap_normalise(&m, in, 300, &err), 0);
	for (unsigned i = 0; i < m.n; i++)
		if (m.e[i].type == RAM)
			ram_before += m.e[i].size;
	cr_assert_gt(m.n, 128);
	before = m;
	cr_assert_eq(memmap_fit(&m, 126, NULL, 0, &err), 0, "%s", err.msg);
	cr_assert_leq(m.n, 126);
	tm_expect_no_non_ram_lost(&before, &m);
	for (unsigned i = 0; i < m.n; i++)
		if (m.e[i].type == RAM)
			ram_after += m.e[i].size;
	/*
	 * NVS and ACPI neighbours merged (100 entries saved); then each RAM entry
	 * dropped lets its two non-RAM neighbours merge, but the first (at 0, the
	 * lowest of equal sizes) has none on its left: 1 + 36 * 2 + 2 = 74 saved
	 * by 38 MiB of the 100.
	 */
	cr_expect_eq(ram_after, ram_before - 38 * 0x100000, "lost 0x%llx", (unsigned long long)(ram_before - ram_after));
}

Test(memmap, is_ram)
{
	const struct memmap_entry in[] = {
		{ 0x0, 0x9f000, RAM },
		{ 0x100000, 0x100000, RAM },
		{ 0x200000, 0x1000, ACPI },
		{ 0x201000, 0x1000, RAM },
	};
	tm_normalise_ok(in, 4);
	cr_assert(memmap_is_ram(&tm_out, (struct range){ 0x0, 0x9f000 }));
	cr_assert(memmap_is_ram(&tm_out, (struct range){ 0x100000, 0x200000 }));
	cr_assert(!memmap_is_ram(&tm_out, (struct range){ 0x100000, 0x200001 }));
	cr_assert(!memmap_is_ram(&tm_out, (struct range){ 0x9e000, 0x9f001 }));
	cr_assert(!memmap_is_ram(&tm_out, (struct range){ 0xa0000, 0xa0001 }));
	cr_assert(memmap_is_ram(&tm_out, (struct range){ 0x201000, 0x202000 }));
	cr_assert(memmap_is_ram(&tm_out, (struct range){ 0x5000, 0x5000 }), "empty range");

	/* Adjacent RAM entries (an unmerged map) count as one. */
	struct memmap split = { .n = 2 };
	split.e[0] = (struct memmap_entry){ 0x1000, 0x1000, RAM };
	split.e[1] = (struct memmap_entry){ 0x2000, 0x1000, RAM };
	cr_assert(memmap_is_ram(&split, (struct range){ 0x1800, 0x2800 }));
}

Test(memmap, type_names)
{
	cr_assert_str_eq(memmap_type_name(1), "RAM");
	cr_assert_str_eq(memmap_type_name(2), "reserved");
	cr_assert_str_eq(memmap_type_name(3), "ACPI");
	cr_assert_str_eq(memmap_type_name(4), "NVS");
	cr_assert_str_eq(memmap_type_name(5), "unusable");
	cr_assert_str_eq(memmap_type_name(6), "disabled");
	cr_assert_str_eq(memmap_type_name(7), "PMEM");
	cr_assert_str_eq(memmap_type_name(0), "type N");
	cr_assert_str_eq(memmap_type_name(12), "type N");
}

Test(memmap, format_entry)
{
	char buf[96];
	struct memmap_entry e = { 0x100000, 0x7ee0000, RAM };

	cr_assert_eq(memmap_format_entry(buf, sizeof(buf), &e), 47);
	cr_assert_str_eq(buf, "0x0000000000100000 - 0x0000000007fdffff = 1 RAM");
	e = (struct memmap_entry){ 0xfeffc000, 0x4000, RES };
	memmap_format_entry(buf, sizeof(buf), &e);
	cr_assert_str_eq(buf, "0x00000000feffc000 - 0x00000000feffffff = 2 reserved");
	e = (struct memmap_entry){ 0x1000, 0x1000, 12 };
	memmap_format_entry(buf, sizeof(buf), &e);
	cr_assert_str_eq(buf, "0x0000000000001000 - 0x0000000000001fff = 12 type 12");
}

/* Oracle: the strongest input type at an address, 0 for a hole. */
static unsigned tm_rank(uint32_t t)
{
	static const unsigned rank[8] = { 7, 1, 7, 3, 4, 5, 6, 2 };

	return t < 8 ? rank[t] : 7;
}

Test(memmap, random_against_oracle)
{
	static struct memmap_entry in[40];
	unsigned seed = 12345;

	srand(seed);
	for (unsigned round = 0; round < 500; round++) {
		unsigned n = (unsigned)rand() % 40;

		for (unsigned i = 0; i < n; i++) {
			in[i].addr = (uint64_t)(rand() % 64) * 0x100;
			in[i].size = (uint64_t)(rand() % 16) * 0x100;
			in[i].type = (uint32_t)(rand() % 9);
		}
		tm_normalise_ok(in, n);
		for (unsigned i = 0; i < tm_out.n; i++) {
			cr_assert_gt(tm_out.e[i].size, 0, "seed %u round %u", seed, round);
			cr_assert(tm_out.e[i].type >= 1 && tm_out.e[i].type <= 7);
			if (i) {
				const struct memmap_entry *p = &tm_out.e[i - 1];
				cr_assert_geq(tm_out.e[i].addr, p->addr + p->size,
					      "sorted, disjoint: seed %u round %u", seed, round);
				cr_assert(tm_out.e[i].addr != p->addr + p->size ||
						  tm_out.e[i].type != p->type,
					  "merged: seed %u round %u", seed, round);
			}
		}
		for (uint64_t a = 0; a < 80 * 0x100; a += 0x80) {
			uint32_t want = 0, got = 0;
			unsigned best = 0;

			for (unsigned i = 0; i < n; i++) {
				if (a >= in[i].addr && a < in[i].addr + in[i].size &&
				    tm_rank(in[i].type) > best) {
					best = tm_rank(in[i].type);
					want = in[i].type >= 1 && in[i].type <= 7 ? in[i].type : RES;
				}
			}
			for (unsigned i = 0; i < tm_out.n; i++)
				if (a >= tm_out.e[i].addr && a < tm_out.e[i].addr + tm_out.e[i].size)
					got = tm_out.e[i].type;
			cr_assert_eq(got, want, "seed %u round %u addr 0x%llx: type %u want %u",
				     seed, round, (unsigned long long)a, got, want);
		}
	}
}
