/*
 * test_efi_memmap.c - unit tests of the UEFI memory map reader
 * (src/loader/config/efi_memmap.c): type conversion and names, descriptor
 * stride, overflow checks, and the "free after ExitBootServices" test of a
 * kernel destination, over an OVMF-like map of 100+ descriptors of 48 bytes
 * built here byte by byte. Suite "efi_memmap", run by build/unit-tests.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "loader/config/efi_memmap.h"

#define DESC 48
#define MAXD 256

static uint8_t map[MAXD * DESC];
static size_t nd;
static struct err err;
static struct memmap_entry out[MAXD];
static unsigned nout;

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Appends a descriptor at the UEFI offsets; the pad and the tail are junk. */
static void add(uint32_t type, uint64_t start, uint64_t pages)
{
	uint8_t *p = map + nd * DESC;

	cr_assert_lt(nd, MAXD);
	memset(p, 0xee, DESC);
	put32(p, type);
	put64(p + 8, start);
	put64(p + 16, 0);         /* VirtualStart */
	put64(p + 24, pages);
	put64(p + 32, 0xfull | (type == 5 || type == 6 ? 1ull << 63 : 0)); /* Attribute */
	nd++;
}

static uint64_t ram_bytes_expected;

/*
 * An OVMF (q35, 2 GiB) style map: low memory, the firmware volumes, many
 * small boot-services allocations interleaved with runtime pages, ACPI
 * tables, the PCIe window and flash as MMIO, and memory above 4 GiB.
 */
static void build_ovmf_map(void)
{
	uint64_t at;

	nd = 0;
	ram_bytes_expected = 0;
	add(3, 0x0, 1);                       /* BootServicesCode */
	add(7, 0x1000, 0x9f);                 /* Conventional to 0xa0000 */
	/* 0xa0000-0x100000: a hole (legacy VGA and ROMs) */
	add(7, 0x100000, 0x700);              /* to 0x800000 */
	add(10, 0x800000, 8);                 /* ACPINVS */
	add(7, 0x808000, 3);
	add(10, 0x80b000, 1);
	add(7, 0x80c000, 4);
	add(10, 0x810000, 0xf0);
	add(4, 0x900000, 0x700);              /* BootServicesData: to 0x1000000 */
	add(7, 0x1000000, 0x3e000);           /* 0x1000000-0x3f000000 Conventional */
	ram_bytes_expected += 0x1000 + 0x9f000 + 0x700000 + 0x3000 + 0x4000 + 0x700000 +
			      0x3e000000ull;
	/* 0x3f000000-0x7e000000: 120 small allocations, as a booted shell leaves them. */
	at = 0x3f000000;
	for (unsigned i = 0; i < 120; i++) {
		static const uint32_t cycle[] = { 4, 3, 7, 2, 1, 4, 6, 4, 5, 7 };
		uint32_t t = cycle[i % 10];
		uint64_t pages = 0x10 + (i * 7) % 0x40;

		add(t, at, pages);
		if (t == 1 || t == 2 || t == 3 || t == 4 || t == 7)
			ram_bytes_expected += pages * 4096;
		at += pages * 4096;
	}
	add(7, at, (0x7e000000 - at) / 4096);
	ram_bytes_expected += 0x7e000000 - at;
	add(9, 0x7e000000, 0x10);             /* ACPIReclaim */
	add(10, 0x7e010000, 0x80);            /* ACPINVS */
	add(6, 0x7e090000, 0x100);            /* RuntimeServicesData */
	add(5, 0x7e190000, 0x50);             /* RuntimeServicesCode */
	add(0, 0x7e1e0000, 0x20);             /* Reserved */
	add(4, 0x7e200000, 0x1e00);           /* BootServicesData: to 0x80000000 */
	ram_bytes_expected += 0x1e00000;
	add(0, 0xb0000000, 0x10000);          /* PCIe MMCONFIG, reserved */
	add(11, 0xffc00000, 0x400);           /* flash, MMIO */
	add(7, 0x100000000ull, 0x40000);      /* 1 GiB above 4 GiB */
	ram_bytes_expected += 0x40000000ull;
	add(0, 0xfd00000000ull, 0x300000);    /* HyperTransport hole, reserved */
}

static int convert(size_t desc_size)
{
	err_clear(&err);
	return efi_memmap_convert(map, nd * desc_size, desc_size, out, MAXD, &nout, &err);
}

static int check_free(uint64_t start, uint64_t end)
{
	struct range r = { start, end };

	err_clear(&err);
	return efi_memmap_check_free(map, nd * DESC, DESC, r, &err);
}

Test(efi_memmap, types_and_names)
{
	static const struct {
		uint32_t efi;
		uint32_t e820;
		bool free;
		const char *name;
	} t[] = {
		{ 0, 2, false, "Reserved" },           { 1, 1, true, "LoaderCode" },
		{ 2, 1, true, "LoaderData" },          { 3, 1, true, "BootServicesCode" },
		{ 4, 1, true, "BootServicesData" },    { 5, 2, false, "RuntimeServicesCode" },
		{ 6, 2, false, "RuntimeServicesData" }, { 7, 1, true, "Conventional" },
		{ 8, 5, false, "Unusable" },           { 9, 3, false, "ACPIReclaim" },
		{ 10, 4, false, "ACPINVS" },           { 11, 2, false, "MMIO" },
		{ 12, 2, false, "MMIOPortSpace" },     { 13, 2, false, "PalCode" },
		{ 14, 7, false, "Persistent" },        { 15, 2, false, "Unaccepted" },
		{ 16, 2, false, "Unknown" },           { 0x70000000, 2, false, "Unknown" },
		{ 0x80000001, 2, false, "Unknown" },   { 0xffffffff, 2, false, "Unknown" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cr_assert_eq(efi_memtype_to_e820(t[i].efi), t[i].e820, "type %u", t[i].efi);
		cr_assert_eq(efi_memtype_free_after_exit(t[i].efi), t[i].free, "type %u", t[i].efi);
		cr_assert_str_eq(efi_memtype_name(t[i].efi), t[i].name);
	}
}

Test(efi_memmap, converts_ovmf_like_map)
{
	uint64_t ram = 0;

	build_ovmf_map();
	cr_assert_gt(nd, 100);
	cr_assert_eq(convert(DESC), 0, "%s", err.msg);
	cr_assert_eq(nout, nd);
	for (unsigned i = 0; i < nout; i++) {
		const uint8_t *p = map + i * DESC;

		/* Each entry is its descriptor, read at the stride, not at 40 bytes. */
		cr_assert_eq(out[i].addr, le64(p + 8), "entry %u", i);
		cr_assert_eq(out[i].size, le64(p + 24) * 4096, "entry %u", i);
		cr_assert_eq(out[i].type, efi_memtype_to_e820(le32(p)), "entry %u", i);
		if (out[i].type == 1)
			ram += out[i].size;
	}
	cr_assert_eq(ram, ram_bytes_expected);
	/* Spot checks against the layout above. */
	cr_assert_eq(out[1].addr, 0x1000);
	cr_assert_eq(out[1].size, 0x9f000);
	cr_assert_eq(out[1].type, 1);
	cr_assert_eq(out[3].type, 4); /* ACPINVS -> NVS */
	cr_assert_eq(out[nout - 1].addr, 0xfd00000000ull);
	cr_assert_eq(out[nout - 1].type, 2);
	cr_assert_eq(out[nout - 3].type, 2); /* MMIO -> reserved */

	/* The normaliser takes it as it comes. */
	static struct memmap norm;
	cr_assert_eq(memmap_normalise(&norm, out, nout, &err), 0, "%s", err.msg);
	cr_assert(memmap_is_ram(&norm, (struct range){ 0x1000000, 0x4a00000 }));
	cr_assert(!memmap_is_ram(&norm, (struct range){ 0x7e090000, 0x7e091000 }));
}

Test(efi_memmap, stride_must_be_honoured)
{
	int rc;

	/* Read at 40 instead of 48 bytes, the same bytes are junk or other numbers. */
	build_ovmf_map();
	err_clear(&err);
	rc = efi_memmap_convert(map, 240, 40, out, MAXD, &nout, &err);
	cr_assert(rc == -1 || out[1].addr != le64(map + DESC + 8));
	err_clear(&err);
	cr_assert_eq(efi_memmap_convert(map, 6 * DESC, DESC, out, MAXD, &nout, &err), 0);
	cr_assert_eq(nout, 6);
	cr_assert_eq(out[5].addr, 0x80b000);
}

Test(efi_memmap, zero_page_descriptors_skipped)
{
	nd = 0;
	add(7, 0x100000, 0);
	add(7, 0x200000, 1);
	cr_assert_eq(convert(DESC), 0);
	cr_assert_eq(nout, 1);
	cr_assert_eq(out[0].addr, 0x200000);
	cr_assert_eq(out[0].size, 4096);
	nd = 0;
	cr_assert_eq(convert(DESC), 0); /* an empty map is no error here */
	cr_assert_eq(nout, 0);
}

Test(efi_memmap, shape_errors)
{
	build_ovmf_map();
	err_clear(&err);
	cr_assert_eq(efi_memmap_convert(map, 48 * 4, 32, out, MAXD, &nout, &err), -1);
	cr_assert_str_eq(err.msg, "efi memmap: descriptor size 32 not a multiple of 8 of at least 40");
	err_clear(&err);
	cr_assert_eq(efi_memmap_convert(map, 44 * 4, 44, out, MAXD, &nout, &err), -1);
	cr_assert_str_eq(err.msg, "efi memmap: descriptor size 44 not a multiple of 8 of at least 40");
	err_clear(&err);
	cr_assert_eq(efi_memmap_convert(map, 0, 0, out, MAXD, &nout, &err), -1);
	cr_assert_str_eq(err.msg, "efi memmap: descriptor size 0 not a multiple of 8 of at least 40");
	err_clear(&err);
	cr_assert_eq(efi_memmap_convert(map, 48 * 3 + 8, 48, out, MAXD, &nout, &err), -1);
	cr_assert_str_eq(err.msg, "efi memmap: map size 152 not a multiple of descriptor size 48");
	err_clear(&err);
	/* The first 10 descriptors are 8 ranges once neighbours of one type merge. */
	cr_assert_eq(efi_memmap_convert(map, 48 * 10, 48, out, 8, &nout, &err), 0, "%s", err.msg);
	cr_assert_eq(nout, 8);
	cr_assert_eq(efi_memmap_convert(map, 48 * 10, 48, out, 7, &nout, &err), -1);
	cr_assert(strstr(err.msg, "efi memmap: more than 7 ranges even with neighbours of one type "
				  "merged (descriptor "), "%s", err.msg);
	cr_assert_eq(efi_memmap_check_free(map, 100, 48, (struct range){ 0, 1 }, &err), -1);
}

Test(efi_memmap, overflow_errors)
{
	nd = 0;
	add(7, 0x1000, 1);
	add(4, 0x2000, 0x0010000000000000ull); /* 2^52 pages = 2^64 bytes */
	cr_assert_eq(convert(DESC), -1);
	cr_assert_str_eq(err.msg, "efi memmap: descriptor 1 (BootServicesData): NumberOfPages "
				  "0x10000000000000 overflows 64 bits as bytes");
	nd = 0;
	add(6, 0xfffffffffffff000ull, 1); /* ends exactly at 2^64: does not fit */
	cr_assert_eq(convert(DESC), -1);
	cr_assert_str_eq(err.msg, "efi memmap: descriptor 0 (RuntimeServicesData): PhysicalStart "
				  "0xfffffffffffff000 + 0x1 pages runs past 2^64");
	cr_assert_eq(check_free(0, 1), -1);
	cr_assert(strstr(err.msg, "runs past 2^64"));
	nd = 0;
	add(7, 0xffffffffffffe000ull, 1); /* the last page but one: fine */
	cr_assert_eq(convert(DESC), 0, "%s", err.msg);
}

/* A fuzzer's find: an unaligned PhysicalStart made merged entries of odd sizes. */
Test(efi_memmap, unaligned_start_refused)
{
	nd = 0;
	add(7, 0x1000, 1);
	add(7, 0xeeeeeeeeeeeeee00ull, 1);
	cr_assert_eq(convert(DESC), -1);
	cr_assert_str_eq(err.msg, "efi memmap: descriptor 1 (Conventional): PhysicalStart "
				  "0xeeeeeeeeeeeeee00 not 4 KiB aligned");
}

Test(efi_memmap, kernel_destination_checks)
{
	build_ovmf_map();
	/* Debian's vmlinux: 0x1000000-0x4a00000 in Conventional. */
	cr_assert_eq(check_free(0x1000000, 0x4a00000), 0, "%s", err.msg);
	/* Across BootServicesData then Conventional: free, both. */
	cr_assert_eq(check_free(0x900000, 0x3f000000), 0, "%s", err.msg);
	/* Through the allocations region, which holds runtime pages. */
	cr_assert_eq(check_free(0x3f000000, 0x40000000), -1);
	cr_assert(strstr(err.msg, "efi memmap: 0x3f000000-0x3fffffff overlaps RuntimeServicesData 0x"),
		  "%s", err.msg);
	cr_assert(strstr(err.msg, ", in use after ExitBootServices"), "%s", err.msg);
	/* Exact message for a simple case: ACPI NVS in low memory. */
	cr_assert_eq(check_free(0x700000, 0x900000), -1);
	cr_assert_str_eq(err.msg, "efi memmap: 0x700000-0x8fffff overlaps ACPINVS "
				  "0x800000-0x807fff, in use after ExitBootServices");
	cr_assert_eq(check_free(0xffc00000, 0xffc01000), -1);
	cr_assert_str_eq(err.msg, "efi memmap: 0xffc00000-0xffc00fff overlaps MMIO "
				  "0xffc00000-0xffffffff, in use after ExitBootServices");
	/* The legacy hole at 0xa0000 is in no descriptor. */
	cr_assert_eq(check_free(0x9f000, 0x101000), -1);
	cr_assert_str_eq(err.msg, "efi memmap: 0x9f000-0x100fff not in the memory map at 0xa0000 "
				  "(a hole)");
	/* Past the end of every descriptor. */
	cr_assert_eq(check_free(0x13ffff000ull, 0x140001000ull), -1);
	cr_assert_str_eq(err.msg, "efi memmap: 0x13ffff000-0x140000fff not in the memory map at "
				  "0x140000000 (a hole)");
	cr_assert_eq(check_free(0x100000000ull, 0x140000000ull), 0, "%s", err.msg);
	cr_assert_eq(check_free(0x5000, 0x5000), 0); /* empty */
}

Test(efi_memmap, unsorted_and_overlapping_descriptors)
{
	nd = 0;
	add(4, 0x300000, 0x100); /* 0x300000-0x3fffff */
	add(7, 0x100000, 0x100); /* 0x100000-0x1fffff */
	add(2, 0x200000, 0x100); /* 0x200000-0x2fffff */
	cr_assert_eq(check_free(0x180000, 0x380000), 0, "%s", err.msg);
	/* A runtime page inside a free descriptor: in use wins. */
	add(5, 0x250000, 1);
	cr_assert_eq(check_free(0x180000, 0x380000), -1);
	cr_assert_str_eq(err.msg, "efi memmap: 0x180000-0x37ffff overlaps RuntimeServicesCode "
				  "0x250000-0x250fff, in use after ExitBootServices");
	cr_assert_eq(check_free(0x251000, 0x380000), 0, "%s", err.msg);
	/* An in-use descriptor of 0 pages covers nothing. */
	add(6, 0x260000, 0);
	cr_assert_eq(check_free(0x251000, 0x380000), 0, "%s", err.msg);
	/* An unknown type is never free. */
	add(0x80000000, 0x390000, 1);
	cr_assert_eq(check_free(0x251000, 0x3a0000), -1);
	cr_assert_str_eq(err.msg, "efi memmap: 0x251000-0x39ffff overlaps Unknown "
				  "0x390000-0x390fff, in use after ExitBootServices");
}

Test(efi_memmap, first_error_wins)
{
	err_clear(&err);
	err_fail(&err, "earlier");
	cr_assert_eq(efi_memmap_convert(map, 1, 48, out, MAXD, &nout, &err), -1);
	cr_assert_str_eq(err.msg, "earlier");
}
