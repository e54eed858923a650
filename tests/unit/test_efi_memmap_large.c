/*
 * test_efi_memmap_large.c - unit tests of efi_memmap_convert() on maps with
 * more descriptors than the start info's memory map holds (MEMMAP_MAX):
 * a large server's 2000 descriptors, in firmware order and shuffled, must
 * convert by merging neighbours of one type, to the same RAM and reserved
 * ranges; a map of too many ranges of distinct types fails with a reason.
 * Suite "efi_memmap_large", run by build/unit-tests.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "loader/config/efi_memmap.h"

#define DESC 48
#define NDESC 2000

static uint8_t map[NDESC * DESC];
static size_t nd;
static struct err err;
static struct memmap_entry out[MEMMAP_MAX];
static unsigned nout;
static struct memmap norm;

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void add(uint32_t type, uint64_t start, uint64_t pages)
{
	uint8_t *p = map + nd * DESC;

	cr_assert_lt(nd, NDESC);
	memset(p, 0xee, DESC);
	put64(p, type); /* Type and the pad */
	put64(p + 8, start);
	put64(p + 16, 0);
	put64(p + 24, pages);
	put64(p + 32, 0xf);
	nd++;
}

/*
 * 2000 descriptors: 1990 small RAM-like allocations of every free-after-exit
 * type (a firmware that ran many drivers), ten runtime/ACPI islands among
 * them. RAM bytes and the islands are what the kernel must see.
 */
static uint64_t ram_expected;
static void build_server_map(void)
{
	static const uint32_t ram_types[] = { 7, 4, 3, 2, 1 };
	uint64_t at = 0x100000;

	nd = 0;
	ram_expected = 0;
	for (unsigned i = 0; nd < NDESC; i++) {
		if (i % 199 == 100) {
			add(i % 2 ? 6 : 10, at, 4); /* RuntimeServicesData / ACPINVS */
		} else {
			uint64_t pages = 1 + i % 13;
			add(ram_types[i % 5], at, pages);
			ram_expected += pages * 4096;
			at += pages * 4096;
			continue;
		}
		at += 4 * 4096;
	}
}

static uint64_t ram_bytes(const struct memmap *m)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < m->n; i++)
		if (m->e[i].type == 1)
			sum += m->e[i].size;
	return sum;
}

Test(efi_memmap_large, server_map_of_2000_descriptors_merges)
{
	build_server_map();
	err_clear(&err);
	cr_assert_eq(efi_memmap_convert(map, nd * DESC, DESC, out, MEMMAP_MAX, &nout, &err), 0,
		     "%s", err.msg);
	cr_assert_leq(nout, MEMMAP_MAX);
	cr_assert_eq(memmap_normalise(&norm, out, nout, &err), 0, "%s", err.msg);
	cr_assert_eq(ram_bytes(&norm), ram_expected);
	/* Ten islands split RAM into eleven runs, with the islands in between. */
	cr_assert_eq(norm.n, 21, "%u entries", norm.n);
	for (unsigned i = 1; i < norm.n; i += 2) {
		cr_assert_neq(norm.e[i].type, 1, "entry %u", i);
		cr_assert_eq(norm.e[i].size, 4 * 4096, "entry %u", i);
	}
}

Test(efi_memmap_large, shuffled_map_gives_the_same_result)
{
	static struct memmap sorted_result;

	build_server_map();
	err_clear(&err);
	cr_assert_eq(efi_memmap_convert(map, nd * DESC, DESC, out, MEMMAP_MAX, &nout, &err), 0);
	cr_assert_eq(memmap_normalise(&sorted_result, out, nout, &err), 0);
	/* A fixed permutation: firmware need not sort its map. */
	uint32_t x = 12345;
	for (size_t i = nd - 1; i > 0; i--) {
		uint8_t tmp[DESC];
		x = x * 1103515245u + 12345u;
		size_t j = (x >> 8) % (i + 1);
		memcpy(tmp, map + i * DESC, DESC);
		memcpy(map + i * DESC, map + j * DESC, DESC);
		memcpy(map + j * DESC, tmp, DESC);
	}
	cr_assert_eq(efi_memmap_convert(map, nd * DESC, DESC, out, MEMMAP_MAX, &nout, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(memmap_normalise(&norm, out, nout, &err), 0, "%s", err.msg);
	cr_assert_eq(norm.n, sorted_result.n);
	cr_assert_eq(memcmp(norm.e, sorted_result.e, norm.n * sizeof(norm.e[0])), 0);
}

Test(efi_memmap_large, small_map_keeps_one_entry_per_descriptor)
{
	nd = 0;
	add(7, 0x100000, 1);
	add(7, 0x101000, 1);
	add(4, 0x102000, 1);
	err_clear(&err);
	cr_assert_eq(efi_memmap_convert(map, nd * DESC, DESC, out, MEMMAP_MAX, &nout, &err), 0);
	cr_assert_eq(nout, 3);
}

Test(efi_memmap_large, too_many_distinct_ranges_fail_with_the_bound)
{
	/* Alternating RAM and reserved pages: nothing to merge. */
	nd = 0;
	for (unsigned i = 0; i < 600; i++)
		add(i % 2 ? 0 : 7, 0x100000 + i * 4096ull, 1);
	err_clear(&err);
	cr_assert_eq(efi_memmap_convert(map, nd * DESC, DESC, out, MEMMAP_MAX, &nout, &err), -1);
	cr_assert(strstr(err.msg, "more than 512 ranges"), "%s", err.msg);
}

Test(efi_memmap_large, overlapping_same_type_merge_to_the_union)
{
	/* Fill the output so the compaction runs, then check one overlapping pair. */
	nd = 0;
	add(7, 0x200000, 0x10);
	add(7, 0x205000, 0x20); /* overlaps the first: union 0x200000-0x225000 */
	for (unsigned i = 0; i < 600; i++)
		add(4, 0x1000000 + i * 4096ull, 1);
	err_clear(&err);
	cr_assert_eq(efi_memmap_convert(map, nd * DESC, DESC, out, MEMMAP_MAX, &nout, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(memmap_normalise(&norm, out, nout, &err), 0, "%s", err.msg);
	cr_assert_eq(norm.n, 2);
	cr_assert_eq(norm.e[0].addr, 0x200000);
	cr_assert_eq(norm.e[0].size, 0x25000);
	cr_assert_eq(norm.e[1].size, 600 * 4096ull);
}
