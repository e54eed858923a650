/*
 * test_gpt.c - the partition readers (src/fs/part.c, gpt.c, mbr.c) on a disk
 * sgdisk partitioned (scripts/mkfs-images.sh), compared with sgdisk's own
 * report of it (gpt.layout); the FAT reader through a partition window on
 * the same disk; then that disk broken one field at a time (CRCs recomputed
 * where the test wants the reader to get past them) and MBR disks written
 * here, each with its message.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/blkdev_mem.h"
#include "fs/fat.h"
#include "fs/part.h"
#include "fs_images.h"
#include "lib/crc32.h"

static struct part_table table;
static struct blkdev_mem mem;
static struct err err;
static uint8_t *img;
static size_t img_len;
static uint64_t nsec;

static void open_gpt(void)
{
	free(img);
	img = fs_image_load("gpt.img", &img_len);
	nsec = img_len / 512;
	blkdev_mem_init(&mem, img, img_len, 512, nsec, "gpt.img");
	err_clear(&err);
}

static void teardown(void)
{
	free(img);
	img = NULL;
}

static void expect_err(const char *what)
{
	cr_assert(err.set, "no error; expected \"%s\"", what);
	cr_assert_not_null(strstr(err.msg, what), "message \"%s\" lacks \"%s\"", err.msg, what);
}

static void scan_fails(const char *what)
{
	err_clear(&err);
	cr_assert_eq(part_scan(&mem.dev, &table, &err), -1, "scanned; expected \"%s\"", what);
	expect_err(what);
	cr_assert_eq(table.count, 0u);
}

static uint8_t *hdr(uint64_t lba)
{
	return img + lba * 512;
}

/* Recomputes the entry array CRC and the header CRC of the header at lba. */
static void gpt_fix(uint64_t lba)
{
	uint8_t *h = hdr(lba);
	uint64_t arr = le64(h + 72);
	uint32_t n = le32(h + 80), size = le32(h + 84);

	if ((uint64_t)n * size <= 1024 * 1024 && arr * 512 + (uint64_t)n * size <= img_len)
		put_le32(h + 88, crc32_update(0, img + arr * 512, (size_t)n * size));
	put_le32(h + 16, 0);
	put_le32(h + 16, crc32_update(0, h, le32(h + 12)));
}

/* Sets a 32-bit header field in both copies and fixes their CRCs. */
static void both_set32(unsigned off, uint32_t v)
{
	put_le32(hdr(1) + off, v);
	put_le32(hdr(nsec - 1) + off, v);
	gpt_fix(1);
	gpt_fix(nsec - 1);
}


Test(gpt, sgdisk_layout, .fini = teardown)
{
	static const enum part_kind kinds[3] = { PART_ESP, PART_XBOOTLDR, PART_OTHER };
	FILE *f = fopen(fs_image_path("gpt.layout"), "r");
	char line[256];
	unsigned lines = 0;

	open_gpt();
	cr_assert_eq(part_scan(&mem.dev, &table, &err), 0, "%s", err.msg);
	cr_assert_eq(table.scheme, PART_SCHEME_GPT);
	cr_assert(!table.gpt_from_backup);
	cr_assert_eq(table.count, 3u);
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned n;
		unsigned long long v;
		char name[200];

		if (sscanf(line, "%u first %llu", &n, &v) == 2) {
			cr_assert_eq(table.parts[n - 1].start_lba, v);
		} else if (sscanf(line, "%u last %llu", &n, &v) == 2) {
			cr_assert_eq(table.parts[n - 1].start_lba + table.parts[n - 1].nsectors - 1, v);
		} else {
			cr_assert_eq(sscanf(line, "%u name %199[^\n]", &n, name), 2, "%s", line);
			cr_assert_str_eq(table.parts[n - 1].name, name);
		}
		cr_assert(n >= 1 && n <= 3);
		cr_assert_eq(table.parts[n - 1].number, n);
		cr_assert_eq(table.parts[n - 1].kind, kinds[n - 1]);
		lines++;
	}
	fclose(f);
	cr_assert_eq(lines, 9u);
	cr_assert_eq(part_find(&table, PART_ESP), &table.parts[0]);
	cr_assert_eq(part_find(&table, PART_XBOOTLDR), &table.parts[1]);
	cr_assert_str_eq(part_kind_name(PART_XBOOTLDR), "XBOOTLDR");
}

/* The ESP holds fat16.img, XBOOTLDR fat12.img: read them through windows. */
Test(gpt, fat_through_partition_windows, .fini = teardown)
{
	static struct fat_vol vol;
	struct blkdev_slice esp, xbl;
	const struct part *p;
	char buf[128];
	size_t want_len;
	uint8_t *want = fs_image_load("files/loader/loader.conf", &want_len);
	uint32_t len;

	open_gpt();
	cr_assert_eq(part_scan(&mem.dev, &table, &err), 0, "%s", err.msg);
	p = part_find(&table, PART_ESP);
	cr_assert_eq(blkdev_slice_init(&esp, &mem.dev, p->start_lba, p->nsectors, "p1", &err), 0);
	cr_assert_str_eq(esp.dev.name, "gpt.imgp1");
	cr_assert_eq(fat_mount(&vol, &esp.dev, &err), 0, "%s", err.msg);
	cr_assert_eq(vol.type, FAT_16);
	cr_assert_eq(fat_read_file(&vol, "/loader/loader.conf", buf, sizeof(buf), &len, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(len, want_len);
	cr_assert_eq(memcmp(buf, want, len), 0);

	p = part_find(&table, PART_XBOOTLDR);
	cr_assert_eq(blkdev_slice_init(&xbl, &mem.dev, p->start_lba, p->nsectors, "p2", &err), 0);
	cr_assert_eq(fat_mount(&vol, &xbl.dev, &err), 0, "%s", err.msg);
	cr_assert_eq(vol.type, FAT_12);
	cr_assert_eq(fat_read_file(&vol, "/LOADER/LOADER.CONF", buf, sizeof(buf), &len, &err), 0);
	cr_assert_eq(memcmp(buf, want, len), 0);

	/* A window past the disk, and a FAT whose size exceeds its window. */
	cr_assert_eq(blkdev_slice_init(&xbl, &mem.dev, nsec - 10, 11, "p9", &err), -1);
	expect_err("blkdev: gpt.img: window of 11 sectors at LBA 24566 is not inside the disk");
	err_clear(&err);
	p = part_find(&table, PART_ESP);
	cr_assert_eq(blkdev_slice_init(&esp, &mem.dev, p->start_lba, p->nsectors - 8, "p1", &err), 0);
	cr_assert_eq(fat_mount(&vol, &esp.dev, &err), -1);
	expect_err("fat: gpt.imgp1: total sectors 16384 not in [1, 16376]");
	free(want);
}

Test(gpt, primary_header_crc_bad_uses_backup, .fini = teardown)
{
	open_gpt();
	hdr(1)[40] ^= 1; /* FirstUsableLBA, CRC left stale */
	cr_assert_eq(part_scan(&mem.dev, &table, &err), 0, "%s", err.msg);
	cr_assert(table.gpt_from_backup);
	cr_assert_not_null(strstr(table.backup_reason, "gpt: gpt.img: primary header: header CRC32 0x"),
			   "%s", table.backup_reason);
	cr_assert_eq(table.count, 3u);
	cr_assert_eq(table.parts[0].kind, PART_ESP);
}

Test(gpt, primary_array_crc_bad_uses_backup, .fini = teardown)
{
	open_gpt();
	img[2 * 512 + 128 * 2 + 60] ^= 1; /* a name byte of entry 3 */
	cr_assert_eq(part_scan(&mem.dev, &table, &err), 0, "%s", err.msg);
	cr_assert(table.gpt_from_backup);
	cr_assert_not_null(strstr(table.backup_reason, "primary table: entry array CRC32"), "%s",
			   table.backup_reason);
	cr_assert_str_eq(table.parts[2].name, "root");
}

Test(gpt, both_headers_bad, .fini = teardown)
{
	open_gpt();
	hdr(1)[40] ^= 1;
	hdr(nsec - 1)[0] = 'X';
	scan_fails("gpt: gpt.img: primary header: header CRC32");
	expect_err("(and gpt: gpt.img: backup header (LBA 24575): no \"EFI PART\" signature)");
}

Test(gpt, absurd_entry_count, .fini = teardown)
{
	open_gpt();
	both_set32(80, 0x10000000);
	scan_fails("gpt: gpt.img: primary header: 268435456 entries, more than 1024");
	expect_err("backup header: 268435456 entries");
}

Test(gpt, absurd_entry_size, .fini = teardown)
{
	open_gpt();
	both_set32(84, 100);
	scan_fails("primary header: entry size 100 not a multiple of 128 in [128, 4096]");
	open_gpt();
	both_set32(84, 0);
	scan_fails("entry size 0 not");
	open_gpt();
	both_set32(84, 1u << 31);
	scan_fails("entry size 2147483648 not");
	open_gpt();
	both_set32(84, 4096);
	both_set32(80, 1024);
	scan_fails("primary header: entry array of 4194304 bytes, more than 1048576");
}

Test(gpt, header_size_and_usable_range, .fini = teardown)
{
	open_gpt();
	both_set32(12, 8);
	scan_fails("primary header: header size 8 not in [92, 512]");
	open_gpt();
	put_le64(hdr(1) + 48, nsec); /* LastUsableLBA past the disk */
	put_le64(hdr(nsec - 1) + 48, nsec);
	gpt_fix(1);
	gpt_fix(nsec - 1);
	scan_fails("primary header: usable LBAs [34, 24576] not inside [2, 24575]");
	open_gpt();
	put_le64(hdr(1) + 72, 40); /* the array inside the usable range */
	gpt_fix(1);
	cr_assert_eq(part_scan(&mem.dev, &table, &err), 0, "%s", err.msg);
	cr_assert_not_null(strstr(table.backup_reason, "primary header: entry array at LBA 40 (32 sectors) overlaps"),
			   "%s", table.backup_reason);
}

/* Entry 3's last LBA moved past the disk end, in both tables, CRCs right. */
Test(gpt, partition_past_disk_end, .fini = teardown)
{
	uint64_t arr_b;

	open_gpt();
	arr_b = le64(hdr(nsec - 1) + 72);
	put_le64(img + 2 * 512 + 2 * 128 + 40, nsec + 10);
	put_le64(img + arr_b * 512 + 2 * 128 + 40, nsec + 10);
	gpt_fix(1);
	gpt_fix(nsec - 1);
	scan_fails("gpt: gpt.img: primary table: partition 3: LBAs [22528, 24586] not inside the usable range [34, 24542]");
	/* and one that starts before the usable range */
	open_gpt();
	arr_b = le64(hdr(nsec - 1) + 72);
	put_le64(img + 2 * 512 + 0 * 128 + 32, 3);
	put_le64(img + arr_b * 512 + 0 * 128 + 32, 3);
	gpt_fix(1);
	gpt_fix(nsec - 1);
	scan_fails("partition 1: LBAs [3, 18431] not inside");
}

/* The image cut to 8 MiB: the primary's ranges pass the end, no backup. */
Test(gpt, truncated_disk, .fini = teardown)
{
	open_gpt();
	mem.dev.nsectors = 16384;
	scan_fails("gpt: gpt.img: primary header: usable LBAs [34, 24542] not inside [2, 16383]");
	expect_err("backup header (LBA 16383): no \"EFI PART\" signature");
}

Test(gpt, protective_mbr_without_gpt, .fini = teardown)
{
	open_gpt();
	memset(hdr(1), 0, 512);
	memset(hdr(nsec - 1), 0, 512);
	scan_fails("gpt: gpt.img: primary header (LBA 1): no \"EFI PART\" signature");
}

Test(gpt, device_error, .fini = teardown)
{
	open_gpt();
	mem.fail_at_read = 2;
	cr_assert_eq(part_scan(&mem.dev, &table, &err), 0, "%s", err.msg);
	cr_assert(table.gpt_from_backup, "a failed read of the primary header falls back");
	cr_assert_not_null(strstr(table.backup_reason, "blkdev: gpt.img: read error at LBA 1"));
	open_gpt();
	mem.fail_at_read = 1;
	scan_fails("blkdev: gpt.img: read error at LBA 0 (1 sectors)");
}

/* --- MBR ------------------------------------------------------------------ */

static uint8_t mbr_disk[128 * 512];

static void mbr_entry(unsigned i, uint8_t flag, uint8_t type, uint32_t start, uint32_t count)
{
	uint8_t *e = mbr_disk + 446 + 16 * i;

	e[0] = flag;
	e[4] = type;
	put_le32(e + 8, start);
	put_le32(e + 12, count);
}

static void open_mbr(void)
{
	memset(mbr_disk, 0, sizeof(mbr_disk));
	mbr_disk[510] = 0x55;
	mbr_disk[511] = 0xaa;
	blkdev_mem_init(&mem, mbr_disk, sizeof(mbr_disk), 512, 128, "mbr.img");
	err_clear(&err);
}

Test(gpt, mbr_partitions, .fini = teardown)
{
	open_mbr();
	mbr_entry(0, 0x80, 0xef, 8, 40);
	mbr_entry(2, 0, 0xea, 48, 20);
	mbr_entry(3, 0, 0x83, 68, 60);
	cr_assert_eq(part_scan(&mem.dev, &table, &err), 0, "%s", err.msg);
	cr_assert_eq(table.scheme, PART_SCHEME_MBR);
	cr_assert_eq(table.count, 3u);
	cr_assert_eq(table.parts[0].kind, PART_ESP);
	cr_assert_eq(table.parts[0].start_lba, 8u);
	cr_assert_eq(table.parts[0].nsectors, 40u);
	cr_assert_eq(table.parts[1].number, 3u);
	cr_assert_eq(table.parts[1].kind, PART_XBOOTLDR);
	cr_assert_eq(table.parts[2].kind, PART_OTHER);
	cr_assert_eq(table.parts[2].mbr_type, 0x83);
}

Test(gpt, mbr_hostile, .fini = teardown)
{
	open_mbr();
	mbr_entry(0, 0, 0x83, 8, 40); /* good, but the table as a whole is not */
	mbr_entry(1, 0, 0xef, 48, 200);
	scan_fails("mbr: mbr.img: entry 2: sectors [48, 248) not inside the disk [1, 128)");
	open_mbr();
	mbr_entry(0, 0, 0xef, 0, 10);
	scan_fails("entry 1: sectors [0, 10) not inside");
	open_mbr();
	mbr_entry(0, 0x12, 0xef, 1, 10);
	scan_fails("entry 1: boot flag 0x12 is neither 0 nor 0x80");
	open_mbr();
	mbr_entry(0, 0, 0xef, 0xffffffff, 0xffffffff);
	scan_fails("entry 1: sectors [4294967295, 8589934590)");
	open_mbr();
	mbr_disk[510] = 0;
	scan_fails("mbr: mbr.img: no partition table: no 0x55aa signature at byte 510 of LBA 0, and gpt: mbr.img: primary header (LBA 1): no \"EFI PART\"");
}

/* --- 4096-byte sectors --------------------------------------------------------- */

/* sgdisk writes 512-byte-sector tables only: the same table rewritten for
 * 4 KiB sectors (header at byte 4096, array at LBA 2, LBAs divided by 8). */
static uint8_t *gpt_4k(size_t *len)
{
	const uint64_t n4 = nsec / 8, arr_secs = 128 * 128 / 4096;
	uint8_t *d = calloc(1, img_len);
	uint64_t at[2][3] = { { 1, 2, n4 - 1 }, { n4 - 1, n4 - 1 - arr_secs, 1 } };

	cr_assert_not_null(d);
	memcpy(d, img, 512);
	for (int c = 0; c < 2; c++) {
		uint8_t *h = d + at[c][0] * 4096, *a = d + at[c][1] * 4096;

		memcpy(h, hdr(1), 92);
		memcpy(a, img + 2 * 512, 128 * 128);
		for (int i = 0; i < 128; i++) {
			uint8_t *e = a + 128 * i;

			if (le64(e + 40) == 0)
				continue;
			put_le64(e + 32, le64(e + 32) / 8);
			put_le64(e + 40, (le64(e + 40) + 1) / 8 - 1);
		}
		put_le64(h + 24, at[c][0]);
		put_le64(h + 32, at[c][2]);
		put_le64(h + 40, 2 + arr_secs);
		put_le64(h + 48, n4 - 2 - arr_secs);
		put_le64(h + 72, at[c][1]);
		put_le32(h + 88, crc32_update(0, a, 128 * 128));
		put_le32(h + 16, 0);
		put_le32(h + 16, crc32_update(0, h, 92));
	}
	*len = img_len;
	return d;
}

Test(gpt, sectors_4k, .fini = teardown)
{
	size_t len;
	uint8_t *d;

	open_gpt();
	cr_assert_eq(part_scan(&mem.dev, &table, &err), 0, "%s", err.msg);
	uint64_t start512[3], n512[3];
	for (int i = 0; i < 3; i++) {
		start512[i] = table.parts[i].start_lba;
		n512[i] = table.parts[i].nsectors;
	}
	d = gpt_4k(&len);
	blkdev_mem_init(&mem, d, len, 4096, len / 4096, "gpt4k.img");
	cr_assert_eq(part_scan(&mem.dev, &table, &err), 0, "%s", err.msg);
	cr_assert(!table.gpt_from_backup);
	cr_assert_eq(table.count, 3u);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(table.parts[i].start_lba, start512[i] / 8);
		cr_assert_eq(table.parts[i].nsectors, (start512[i] + n512[i]) / 8 - start512[i] / 8);
	}
	cr_assert_eq(table.parts[0].kind, PART_ESP);
	cr_assert_str_eq(table.parts[1].name, "Linux extended boot");
	d[4096 + 40] ^= 1; /* the primary header: its CRC no longer matches */
	cr_assert_eq(part_scan(&mem.dev, &table, &err), 0, "%s", err.msg);
	cr_assert(table.gpt_from_backup);
	cr_assert_not_null(strstr(table.backup_reason, "gpt: gpt4k.img: primary header: header CRC32"));
	cr_assert_eq(table.count, 3u);
	d[(len / 4096 - 1) * 4096 + 12] = 200; /* backup header size 200 */
	scan_fails("backup header: header CRC32");
	free(d);
}
