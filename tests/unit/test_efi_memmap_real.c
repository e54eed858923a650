/*
 * test_efi_memmap_real.c - real OVMF memory maps (dumped by pvhboot.efi's
 * debug mode into tests/unit/data/) through the path the UEFI loader takes:
 * convert, normalise, fit to Linux's 128 entries. The oracle is an
 * independent reading of the same dump: per-type byte totals.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "loader/config/efi_memmap.h"
#include "pvh/memmap.h"
#include "pvh/plan.h"

#define DESC_SIZE 48 /* OVMF's stride */
#define MAX_DESC 512

struct dump {
	unsigned n;
	uint8_t bytes[MAX_DESC * DESC_SIZE];
	uint64_t start[MAX_DESC], pages[MAX_DESC];
	uint32_t type[MAX_DESC];
};

static void load_dump(struct dump *d, const char *name)
{
	char path[256], line[256];

	snprintf(path, sizeof(path), "%s/data/%s", TEST_DIR, name);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	memset(d, 0, sizeof(*d));
	while (fgets(line, sizeof(line), f)) {
		unsigned type;
		unsigned long long start, pages, attr;
		if (line[0] == '#')
			continue;
		cr_assert_eq(sscanf(line, "%u %llx %llx %llx", &type, &start, &pages, &attr), 4,
			     "bad line: %s", line);
		cr_assert_lt(d->n, MAX_DESC);
		uint8_t *p = d->bytes + d->n * DESC_SIZE;
		memcpy(p, &type, 4);
		memcpy(p + 8, &start, 8);
		memcpy(p + 24, &pages, 8);
		memcpy(p + 32, &attr, 8);
		d->type[d->n] = type;
		d->start[d->n] = start;
		d->pages[d->n] = pages;
		d->n++;
	}
	fclose(f);
}

/* The start-info type of an EFI type, written out again for the oracle. */
static uint32_t oracle_type(uint32_t t)
{
	switch (t) {
	case 1: case 2: case 3: case 4: case 7: return 1;
	case 9: return 3;
	case 10: return 4;
	case 8: return 5;
	case 14: return 7;
	default: return 2;
	}
}

static void check_real_map(const char *name, unsigned min_desc)
{
	static struct dump d;
	static struct memmap map;
	static struct memmap_entry raw[MAX_DESC];
	uint64_t want[8] = { 0 }, got[8] = { 0 };
	unsigned n = 0;
	struct err err;

	err_clear(&err);
	load_dump(&d, name);
	cr_assert_geq(d.n, min_desc, "%s: only %u descriptors", name, d.n);
	cr_assert_eq(efi_memmap_convert(d.bytes, d.n * DESC_SIZE, DESC_SIZE, raw, MAX_DESC, &n, &err),
		     0, "%s", err.msg);
	cr_assert_eq(memmap_normalise(&map, raw, n, &err), 0, "%s", err.msg);
	cr_assert_eq(memmap_fit(&map, 128, NULL, 0, &err), 0, "%s", err.msg);
	cr_assert_leq(map.n, 128);
	/* OVMF's descriptors do not overlap, so nothing is lost: totals per type agree. */
	for (unsigned i = 0; i < d.n; i++)
		want[oracle_type(d.type[i])] += d.pages[i] * 4096;
	for (unsigned i = 0; i < map.n; i++) {
		cr_assert_lt(map.e[i].type, 8);
		got[map.e[i].type] += map.e[i].size;
		if (i) {
			cr_assert_geq(map.e[i].addr, map.e[i - 1].addr + map.e[i - 1].size,
				      "%s: entry %u overlaps or is unsorted", name, i);
			if (map.e[i].addr == map.e[i - 1].addr + map.e[i - 1].size)
				cr_assert_neq(map.e[i].type, map.e[i - 1].type,
					      "%s: adjacent entries %u of one type not merged", name, i);
		}
	}
	for (unsigned t = 1; t < 8; t++)
		cr_assert_eq(got[t], want[t], "%s: type %u: %llu bytes, expected %llu", name, t,
			     (unsigned long long)got[t], (unsigned long long)want[t]);
	cr_assert_gt(want[1], 0);
	cr_assert_gt(want[3] + want[4], 0, "%s: no ACPI memory at all?", name);
	cr_log_info("%s: %u EFI descriptors -> %u entries", name, d.n, map.n);
}

Test(efi_memmap_real, ovmf_pc_256m)
{
	check_real_map("ovmf-pc-256m.memmap", 100);
}

Test(efi_memmap_real, ovmf_q35_2g)
{
	check_real_map("ovmf-q35-2g.memmap", 100);
}

/* Every OVMF build Debian 12 ships (tests/boot/uefi-firmware.sh dumps them). */
Test(efi_memmap_real, ovmf_code_q35_256m)
{
	check_real_map("ovmf-code-q35-256m.memmap", 100);
}

Test(efi_memmap_real, ovmf_code4m_pc_256m)
{
	check_real_map("ovmf-code4m-pc-256m.memmap", 100);
}

Test(efi_memmap_real, ovmf_code4m_q35_256m)
{
	check_real_map("ovmf-code4m-q35-256m.memmap", 100);
}

Test(efi_memmap_real, ovmf_secboot_smm_256m)
{
	check_real_map("ovmf-secboot-smm-256m.memmap", 100);
}

/*
 * The SMM build's ACPI NVS covers 0x810000-0x170ffff: Debian's 6.1 kernel
 * (linked at 16 MiB) cannot go there; Debian's 6.12 (PHYS32_RELOC: align
 * 2 MiB, min 16 MiB, max 1 GiB - 1) can, moved into the memory free now.
 */
Test(efi_memmap_real, secboot_smm_nvs_refuses_16m_and_relocation_fits)
{
	static struct dump d;
	static struct memmap free_now;
	static struct memmap_entry raw[MAX_DESC];
	unsigned n = 0;
	struct err err;
	const struct range linked = { 0x1000000, 0x1000000 + 0x3a00000 }; /* 58 MiB image */

	err_clear(&err);
	load_dump(&d, "ovmf-secboot-smm-256m.memmap");
	cr_assert_eq(efi_memmap_check_free(d.bytes, d.n * DESC_SIZE, DESC_SIZE, linked, &err), -1);
	cr_assert(strstr(err.msg, "overlaps ACPINVS 0x810000-0x170ffff"), "%s", err.msg);
	err_clear(&err);
	cr_assert_eq(efi_memmap_free_now(d.bytes, d.n * DESC_SIZE, DESC_SIZE, raw, MAX_DESC, &n, &err),
		     0, "%s", err.msg);
	cr_assert_eq(memmap_normalise(&free_now, raw, n, &err), 0, "%s", err.msg);
	for (unsigned i = 0; i < free_now.n; i++)
		cr_assert_eq(free_now.e[i].type, 1);
	cr_assert(!memmap_is_ram(&free_now, linked));

	struct plan_reloc r = { true, 0x200000, 0x1000000, 0x3fffffff, false, 0 };
	uint64_t delta = 0;
	cr_assert_eq(plan_reloc_choose(&free_now, NULL, NULL, 0, linked, &r, &delta, &err), 0, "%s",
		     err.msg);
	uint64_t base = linked.start + delta;
	struct range moved = { base, base + (linked.end - linked.start) };
	cr_assert_eq(base % 0x200000, 0);
	cr_assert_geq(base, 0x1710000);
	cr_assert(memmap_is_ram(&free_now, moved), "0x%llx", (unsigned long long)base);
	/* Every page of it is Conventional in the raw map, clear of the NVS. */
	cr_assert_eq(efi_memmap_check_free(d.bytes, d.n * DESC_SIZE, DESC_SIZE, moved, &err), 0,
		     "%s", err.msg);
}
