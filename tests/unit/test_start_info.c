/*
 * test_start_info.c - unit tests of the hvm_start_info serialiser
 * (src/pvh/start_info.c). The block is read back byte by byte at the
 * offsets of the Xen ABI (56-byte start info, 32-byte module entries,
 * 24-byte memory-map entries), not through the structs that wrote it.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "pvh/start_info.h"

#define SI_BASE 0x7000ull

/* Resolves a physical address inside the block back to the buffer. */
static const uint8_t *ts_at(const uint8_t *buf, uint64_t size, uint64_t paddr)
{
	cr_assert_geq(paddr, SI_BASE);
	cr_assert_lt(paddr - SI_BASE, size);
	return buf + (paddr - SI_BASE);
}

static struct memmap ts_map;

static void ts_fill_map(unsigned n)
{
	ts_map.n = n;
	for (unsigned i = 0; i < n; i++) {
		ts_map.e[i].addr = (uint64_t)i * 0x100000;
		ts_map.e[i].size = 0x80000 + i;
		ts_map.e[i].type = 1 + i % 7;
	}
}

Test(start_info, full_block_reads_back)
{
	const struct si_module mods[] = {
		{ 0x2000000, 0x123456, "initrd crc=1234" },
		{ 0x3000000, 0x1000, NULL },
		{ 0x3001000, 0x0, "" },
	};
	struct si_request req = {
		.flags = 0,
		.cmdline = "console=ttyS0 root=/dev/vda",
		.rsdp = 0xf5a40,
		.map = &ts_map,
		.nmodules = 3,
		.modules = mods,
	};
	struct err err;

	ts_fill_map(5);
	uint64_t size = si_size(&req);
	/* 56 | 3 x 32 | 5 x 24 | 28 + 16 */
	cr_assert_eq(size, 56 + 96 + 120 + 28 + 16);
	/* One byte off the start: the caller's buffer need not be aligned. */
	uint8_t *raw = calloc(1, size + 1), *buf = raw + 1;
	memset(buf, 0xaa, size);
	err_clear(&err);
	cr_assert_eq(si_build(buf, size, SI_BASE, &req, &err), 0, "%s", err.msg);

	cr_assert_eq(le32(buf + 0), 0x336ec578u, "magic");
	cr_assert_eq(le32(buf + 4), 1, "version");
	cr_assert_eq(le32(buf + 8), 0, "flags");
	cr_assert_eq(le32(buf + 12), 3, "nr_modules");
	cr_assert_eq(le64(buf + 16), SI_BASE + 56, "modlist_paddr");
	uint64_t cmdline = le64(buf + 24);
	cr_assert_str_eq((const char *)ts_at(buf, size, cmdline), "console=ttyS0 root=/dev/vda");
	cr_assert_eq(le64(buf + 32), 0xf5a40, "rsdp_paddr");
	cr_assert_eq(le64(buf + 40), SI_BASE + 56 + 96, "memmap_paddr");
	cr_assert_eq(le32(buf + 48), 5, "memmap_entries");
	cr_assert_eq(le32(buf + 52), 0, "reserved");

	const uint8_t *ml = buf + 56;
	cr_assert_eq(le64(ml + 0), 0x2000000);
	cr_assert_eq(le64(ml + 8), 0x123456);
	cr_assert_str_eq((const char *)ts_at(buf, size, le64(ml + 16)), "initrd crc=1234");
	cr_assert_eq(le64(ml + 24), 0, "module reserved");
	cr_assert_eq(le64(ml + 32), 0x3000000);
	cr_assert_eq(le64(ml + 40), 0x1000);
	cr_assert_eq(le64(ml + 48), 0, "NULL module cmdline is address 0");
	cr_assert_eq(le64(ml + 64 + 8), 0);
	cr_assert_eq(le64(ml + 64 + 16), 0, "empty module cmdline is address 0");

	const uint8_t *mm = buf + 56 + 96;
	for (unsigned i = 0; i < 5; i++) {
		cr_assert_eq(le64(mm + 24 * i), ts_map.e[i].addr, "memmap %u addr", i);
		cr_assert_eq(le64(mm + 24 * i + 8), ts_map.e[i].size, "memmap %u size", i);
		cr_assert_eq(le32(mm + 24 * i + 16), ts_map.e[i].type, "memmap %u type", i);
		cr_assert_eq(le32(mm + 24 * i + 20), 0, "memmap %u reserved", i);
	}
	/* Tables are 8-aligned in physical memory. */
	cr_assert_eq((SI_BASE + 56) % 8, 0);
	cr_assert_eq(le64(buf + 40) % 8, 0);
	free(raw);
}

Test(start_info, nothing_optional)
{
	struct si_request req = { .flags = 3, .map = &ts_map };
	uint8_t buf[128];
	struct err err;

	ts_fill_map(1);
	cr_assert_eq(si_size(&req), 56 + 24);
	err_clear(&err);
	memset(buf, 0xff, sizeof(buf));
	cr_assert_eq(si_build(buf, sizeof(buf), SI_BASE, &req, &err), 0, "%s", err.msg);
	cr_assert_eq(le32(buf + 8), 3, "flags passed through");
	cr_assert_eq(le32(buf + 12), 0);
	cr_assert_eq(le64(buf + 16), 0, "modlist_paddr 0 with no modules");
	cr_assert_eq(le64(buf + 24), 0, "cmdline_paddr 0 for NULL");
	cr_assert_eq(le64(buf + 32), 0);
	cr_assert_eq(le64(buf + 40), SI_BASE + 56);
	cr_assert_eq(le32(buf + 48), 1);

	req.cmdline = "";
	cr_assert_eq(si_size(&req), 56 + 24, "empty cmdline takes no bytes");
	cr_assert_eq(si_build(buf, sizeof(buf), SI_BASE, &req, &err), 0);
	cr_assert_eq(le64(buf + 24), 0, "cmdline_paddr 0 for \"\"");
}

Test(start_info, errors)
{
	struct si_request req = { .cmdline = "1234567", .map = &ts_map };
	static uint8_t buf[8192];
	struct err err;

	ts_fill_map(2);
	err_clear(&err);
	cr_assert_eq(si_build(buf, sizeof(buf), SI_BASE + 4, &req, &err), -1);
	cr_assert_str_eq(err.msg, "start_info: base 0x7004 is not 8-byte aligned");

	err_clear(&err);
	cr_assert_eq(si_build(buf, si_size(&req) - 1, SI_BASE, &req, &err), -1);
	cr_assert_str_eq(err.msg, "start_info: buffer of 0x6f bytes, need 0x70");

	err_clear(&err);
	cr_assert_eq(si_build(buf, sizeof(buf), 0xffffffc0ull, &req, &err), -1);
	cr_assert_str_eq(err.msg, "start_info: block [0xffffffc0, 0x100000030) ends above 4 GiB");
	err_clear(&err);
	cr_assert_eq(si_build(buf, sizeof(buf), 0x100000000ull - 0x70, &req, &err), 0,
		     "ending exactly at 4 GiB is fine: %s", err.msg);

	ts_fill_map(129);
	err_clear(&err);
	cr_assert_eq(si_build(buf, sizeof(buf), SI_BASE, &req, &err), -1);
	cr_assert_str_eq(err.msg, "start_info: memory map has 129 entries, Linux takes at most 128");
	ts_fill_map(128);
	err_clear(&err);
	cr_assert_eq(si_build(buf, sizeof(buf), SI_BASE, &req, &err), 0, "%s", err.msg);
	cr_assert_eq(le32(buf + 48), 128);
}
