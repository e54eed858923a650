/*
 * test_fat.c - the FAT12/16/32 reader (src/fs/fat.c, fat_dir.c) on images
 * that mkfs.vfat and mtools made (scripts/mkfs-images.sh): every file read
 * back is compared with the file that was copied in, listings with the
 * directory that was copied, and the device requests counted to see runs of
 * clusters coalesced. Then hostile variants of the same images (FAT chains
 * cut, looped, pointing at bad or free clusters, a broken BPB, entries
 * pointing past the partition), each with its message.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/blkdev_mem.h"
#include "fs/fat.h"
#include "fs_images.h"

static struct fat_vol vol;
static struct blkdev_mem mem;
static struct err err;

static uint8_t *img;
static size_t img_len;

static void open_image(const char *name, uint32_t sector_size)
{
	free(img);
	img = fs_image_load(name, &img_len);
	blkdev_mem_init(&mem, img, img_len, sector_size, img_len / sector_size, name);
	err_clear(&err);
}

static void mount_image(const char *name, uint32_t sector_size)
{
	open_image(name, sector_size);
	cr_assert_eq(fat_mount(&vol, &mem.dev, &err), 0, "%s: %s", name, err.msg);
}

static void teardown(void)
{
	free(img);
	img = NULL;
}

/* The host file build/fs-images/files/REL (malloc'd). */
static uint8_t *host_file(const char *rel, size_t *len)
{
	char name[600];

	snprintf(name, sizeof(name), "files/%s", rel);
	return fs_image_load(name, len);
}

static void expect_err(const char *what)
{
	cr_assert(err.set, "no error; expected \"%s\"", what);
	cr_assert_not_null(strstr(err.msg, what), "message \"%s\" lacks \"%s\"", err.msg, what);
}

/* Reads PATH from the volume and compares it with the host's copy REL. */
static void check_file(const char *path, const char *rel)
{
	static uint8_t buf[4 << 20];
	size_t want_len;
	uint8_t *want = host_file(rel, &want_len);
	uint32_t len = 0;
	int r = fat_read_file(&vol, path, buf, sizeof(buf), &len, &err);

	cr_assert_eq(r, 0, "%s: %d %s", path, r, err.msg);
	cr_assert_eq(len, want_len, "%s: %u bytes, the file has %zu", path, len, want_len);
	cr_assert_eq(memcmp(buf, want, want_len), 0, "%s: bytes differ from %s", path, rel);
	free(want);
}

struct names {
	char name[128][FAT_NAME_MAX];
	unsigned n;
};

static int collect(void *ctx, const struct fat_file *f)
{
	struct names *ns = ctx;

	cr_assert_lt(ns->n, 128);
	snprintf(ns->name[ns->n++], FAT_NAME_MAX, "%s", f->name);
	return 0;
}

/* The volume's listing of DIR holds exactly the host directory REL's names. */
static void check_listing(const char *dir, const char *rel)
{
	static struct names ns;
	struct fat_file d;
	char path[600];
	unsigned host_n = 0;
	struct dirent *de;
	DIR *h;

	ns.n = 0;
	cr_assert_eq(fat_lookup(&vol, dir, &d, &err), 0, "%s: %s", dir, err.msg);
	cr_assert(d.is_dir);
	cr_assert_eq(fat_list(&vol, &d, collect, &ns, &err), 0, "%s: %s", dir, err.msg);
	snprintf(path, sizeof(path), "files/%s", rel);
	h = opendir(fs_image_path(path));
	cr_assert_not_null(h);
	while ((de = readdir(h))) {
		bool found = false;

		if (de->d_name[0] == '.')
			continue;
		host_n++;
		for (unsigned i = 0; i < ns.n; i++)
			found |= strcmp(ns.name[i], de->d_name) == 0;
		cr_assert(found, "%s: \"%s\" not listed", dir, de->d_name);
	}
	closedir(h);
	cr_assert_eq(ns.n, host_n, "%s: %u entries listed, the host directory has %u", dir,
		     ns.n, host_n);
}

/* Every file the image script copied in, through long names. */
static void check_tree(const char *big)
{
	char path[80];

	check_file("/small.txt", "small.txt");
	check_file("/odd.bin", "odd.bin");
	check_file("/loader/loader.conf", "loader/loader.conf");
	check_file("/loader/entries/debian-6.1.conf", "loader/entries/debian-6.1.conf");
	check_file("/loader/entries/Debian GNU Linux 6.12 – a long name.conf",
		   "loader/entries/Debian GNU Linux 6.12 – a long name.conf");
	check_file("/loader/entries/Grüße.conf", "loader/entries/Grüße.conf");
	check_file("/a/b/c/d/e/f/g/h/deep.txt", "a/b/c/d/e/f/g/h/deep.txt");
	check_file("\\a\\b\\c\\d\\e\\f\\g\\h\\deep.txt", "a/b/c/d/e/f/g/h/deep.txt");
	check_file("/pad2.bin", "pad2.bin");
	check_file("/frag.bin", "frag.bin");
	snprintf(path, sizeof(path), "/%s", big);
	check_file(path, big);
	for (int i = 0; i < 100; i += 7) {
		char rel[64];

		snprintf(rel, sizeof(rel), "many/file number %d.txt", i);
		snprintf(path, sizeof(path), "/%s", rel);
		check_file(path, rel);
	}
	check_listing("/loader/entries", "loader/entries");
	check_listing("/many", "many");
}


Test(fat, fat12_tree, .fini = teardown)
{
	mount_image("fat12.img", 512);
	cr_assert_eq(vol.type, FAT_12);
	check_tree("big12.bin");
}

Test(fat, fat16_tree, .fini = teardown)
{
	mount_image("fat16.img", 512);
	cr_assert_eq(vol.type, FAT_16);
	check_tree("big.bin");
}

Test(fat, fat32_tree, .fini = teardown)
{
	mount_image("fat32.img", 512);
	cr_assert_eq(vol.type, FAT_32);
	cr_assert_eq(vol.root_sectors, 0u);
	check_tree("big.bin");
}

Test(fat, fat16_4k_sectors_tree, .fini = teardown)
{
	mount_image("fat16-4k.img", 4096);
	cr_assert_eq(vol.type, FAT_16);
	cr_assert_eq(vol.sector_size, 4096u);
	check_tree("big.bin");
}

Test(fat, names_case_insensitive_and_8_3, .fini = teardown)
{
	struct fat_file f;

	mount_image("fat16.img", 512);
	cr_assert_eq(fat_lookup(&vol, "/SMALL.TXT", &f, &err), 0, "%s", err.msg);
	cr_assert_eq(fat_lookup(&vol, "LoAdEr/EnTrIeS/DEBIAN-6.1.CONF", &f, &err), 0, "%s", err.msg);
	cr_assert_str_eq(f.name, "debian-6.1.conf");
	cr_assert_str_eq(f.path, "/loader/entries/debian-6.1.conf");
	cr_assert_eq(fat_lookup(&vol, "/", &f, &err), 0);
	cr_assert(f.is_dir && f.is_root);
	cr_assert_eq(fat_lookup(&vol, "/nope.txt", &f, &err), FAT_NOT_FOUND);
	cr_assert_eq(fat_lookup(&vol, "/small.txt/x", &f, &err), FAT_NOT_FOUND);
	cr_assert_eq(fat_lookup(&vol, "/loader/entries/debian-6.1.conf.x", &f, &err), FAT_NOT_FOUND);
	cr_assert(!err.set, "%s", err.msg);
}

/* The short name mtools gave the long one works too ("DEBIAN~1.CON"). */
Test(fat, short_alias_of_a_long_name, .fini = teardown)
{
	struct fat_file f;
	const uint8_t *p;

	mount_image("fat32.img", 512);
	p = memmem(img, img_len, "DEBIAN~1CON", 11);
	cr_assert_not_null(p, "mtools' alias not found in the image");
	cr_assert_eq(fat_lookup(&vol, "/loader/entries/debian~1.con", &f, &err), 0, "%s", err.msg);
	cr_assert_eq(f.size, 38u);
}

/* A contiguous 3 MiB file is one data request; the FAT costs a few more. */
Test(fat, contiguous_file_is_one_request, .fini = teardown)
{
	static uint8_t buf[4 << 20];
	struct fat_file f;
	size_t want_len;
	uint8_t *want = host_file("big.bin", &want_len);

	mount_image("fat32.img", 512);
	cr_assert_eq(fat_lookup(&vol, "/big.bin", &f, &err), 0);
	mem.reads = 0;
	mem.largest_read = 0;
	cr_assert_eq(fat_read(&vol, &f, 0, buf, f.size, &err), 0, "%s", err.msg);
	cr_assert_eq(memcmp(buf, want, want_len), 0);
	cr_assert_eq(mem.largest_read, f.size / 512, "largest request %u sectors", mem.largest_read);
	/* 6144 FAT32 entries = 24 KiB of FAT: two cache windows for the chain
	 * check, two again for the read's walk, one data read. */
	cr_assert_leq(mem.reads, 5u, "%u requests", mem.reads);
	free(want);
}

/* frag.bin fills the hole pad1.bin left, then goes on after pad2.bin. */
Test(fat, fragmented_file_one_request_per_run, .fini = teardown)
{
	static uint8_t buf[1 << 20];
	struct fat_file f;
	size_t want_len;
	uint8_t *want = host_file("frag.bin", &want_len);

	mount_image("fat16.img", 512);
	cr_assert_eq(fat_lookup(&vol, "/frag.bin", &f, &err), 0);
	mem.reads = 0;
	mem.largest_read = 0;
	mem.sectors_read = 0;
	cr_assert_eq(fat_read(&vol, &f, 0, buf, f.size, &err), 0, "%s", err.msg);
	cr_assert_eq(memcmp(buf, want, want_len), 0);
	cr_assert_lt(mem.largest_read, f.size / 512, "not fragmented? largest %u", mem.largest_read);
	cr_assert_geq(mem.largest_read, 102400u / 512, "runs not coalesced: largest %u",
		      mem.largest_read);
	/* Two runs, and the FAT (8 KiB of FAT16 per cache window) in few reads. */
	cr_assert_leq(mem.reads, 5u, "%u requests", mem.reads);
	free(want);
}

Test(fat, max_sectors_splits_requests, .fini = teardown)
{
	static uint8_t buf[4 << 20];
	struct fat_file f;
	size_t want_len;
	uint8_t *want = host_file("big.bin", &want_len);

	mount_image("fat16.img", 512);
	mem.dev.max_sectors = 64;
	cr_assert_eq(fat_lookup(&vol, "/big.bin", &f, &err), 0);
	mem.largest_read = 0;
	cr_assert_eq(fat_read(&vol, &f, 0, buf, f.size, &err), 0, "%s", err.msg);
	cr_assert_eq(memcmp(buf, want, want_len), 0);
	cr_assert_eq(mem.largest_read, 64u);
	free(want);
}

static void check_range(struct fat_file *f, const uint8_t *want, uint32_t off, uint32_t len)
{
	static uint8_t buf[1 << 20];

	memset(buf, 0xa5, len + 16);
	cr_assert_eq(fat_read(&vol, f, off, buf, len, &err), 0, "[%u, +%u): %s", off, len, err.msg);
	cr_assert_eq(memcmp(buf, want + off, len), 0, "[%u, +%u) differs", off, len);
	for (int i = 0; i < 16; i++)
		cr_assert_eq(buf[len + i], 0xa5, "write past the end of [%u, +%u)", off, len);
}

Test(fat, offset_reads, .fini = teardown)
{
	struct fat_file f;
	size_t want_len;
	uint8_t *want = host_file("frag.bin", &want_len);
	uint32_t cb;

	mount_image("fat12.img", 512);
	cb = vol.cluster_bytes;
	cr_assert_eq(fat_lookup(&vol, "/frag.bin", &f, &err), 0);
	check_range(&f, want, 0, 64);
	check_range(&f, want, 1, 1);
	check_range(&f, want, 511, 2);
	check_range(&f, want, cb - 1, cb + 2);
	check_range(&f, want, 12345, 200000);
	check_range(&f, want, 102400 - 7, 1000); /* across the gap between runs */
	check_range(&f, want, f.size - 1, 1);
	check_range(&f, want, 0, f.size);
	cr_assert_eq(fat_read(&vol, &f, f.size, NULL, 0, &err), 0);
	cr_assert_eq(fat_read(&vol, &f, f.size - 10, want, 11, &err), -1);
	expect_err("fat: fat12.img: /frag.bin: read of bytes [307190, 307201) past the file size 307200");
	free(want);
}

Test(fat, read_file_cap, .fini = teardown)
{
	uint8_t buf[16];
	uint32_t len;

	mount_image("fat16.img", 512);
	cr_assert_eq(fat_read_file(&vol, "/odd.bin", buf, sizeof(buf), &len, &err), -1);
	expect_err("/odd.bin: 10000 bytes, more than the 16 bytes allowed");
	err_clear(&err);
	cr_assert_eq(fat_read_file(&vol, "/loader", buf, sizeof(buf), &len, &err), -1);
	expect_err("/loader: is a directory");
	err_clear(&err);
	cr_assert_eq(fat_read_file(&vol, "/none", buf, sizeof(buf), &len, &err), FAT_NOT_FOUND);
}

/* --- hostile images ------------------------------------------------------------ */

static uint32_t bpb_rsvd(void)
{
	return (uint32_t)img[14] | (uint32_t)img[15] << 8;
}

/* Sets the FAT16 entry of cluster c in the first FAT. */
static void fat16_set(uint32_t c, uint16_t v)
{
	uint8_t *p = img + bpb_rsvd() * 512 + 2 * c;

	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	vol.cache_first = UINT32_MAX; /* the reader's cache saw the old bytes */
}

static uint16_t fat16_get(uint32_t c)
{
	const uint8_t *p = img + bpb_rsvd() * 512 + 2 * c;

	return (uint16_t)(p[0] | p[1] << 8);
}

static void mount_fails(const char *what)
{
	err_clear(&err);
	cr_assert_eq(fat_mount(&vol, &mem.dev, &err), -1, "mounted; expected \"%s\"", what);
	expect_err(what);
}

Test(fat, hostile_bpb, .fini = teardown)
{
	open_image("fat16.img", 512);
	img[13] = 0;
	mount_fails("fat: fat16.img: BPB_SecPerClus 0 is not a power of two");
	img[13] = 3;
	mount_fails("BPB_SecPerClus 3");
	img[13] = 2;
	img[16] = 0;
	mount_fails("BPB_NumFATs 0");
	img[16] = 2;
	img[14] = img[15] = 0;
	mount_fails("BPB_RsvdSecCnt 0");
	img[14] = 4;
	img[11] = 0;
	img[12] = 4; /* 1024-byte sectors on a 512-byte device */
	mount_fails("BPB_BytsPerSec 1024, the device's sectors are 512 bytes");
	img[12] = 2;
	img[510] = 0;
	mount_fails("signature 0x00aa at byte 510");
	img[510] = 0x55;
	img[17] = 1;
	img[18] = 0;
	mount_fails("BPB_RootEntCnt 1 does not fill whole 512-byte sectors");
	img[17] = 0;
	mount_fails("FAT16 (");
	img[18] = 2;
	img[22] = 1;
	img[23] = 0;
	mount_fails("FAT of 1 sectors (512 bytes) too small for");
}

Test(fat, hostile_total_sectors_past_partition, .fini = teardown)
{
	open_image("fat16.img", 512);
	mem.dev.nsectors = img_len / 512 - 1;
	mount_fails("fat: fat16.img: total sectors 16384 not in [1, 16383] (the partition)");
	open_image("fat16-4k.img", 512);
	mount_fails("BPB_BytsPerSec 4096, the device's sectors are 512 bytes");
}

static uint32_t big_first(struct fat_file *f)
{
	cr_assert_eq(fat_lookup(&vol, "/big.bin", f, &err), 0, "%s", err.msg);
	cr_assert_gt(f->size, 8 * vol.cluster_bytes);
	return f->first_cluster;
}

static void read_fails(struct fat_file *f, uint32_t len, const char *what)
{
	static uint8_t buf[4 << 20];

	err_clear(&err);
	vol.checked_first = vol.checked_size = 0;
	cr_assert_eq(fat_read(&vol, f, 0, buf, len, &err), -1, "read; expected \"%s\"", what);
	expect_err(what);
}

Test(fat, hostile_chains, .fini = teardown)
{
	struct fat_file f;
	uint32_t c, last;
	char msg[200];

	mount_image("fat16.img", 512);
	c = big_first(&f);
	cr_assert_eq(fat16_get(c), c + 1, "big.bin not contiguous");

	fat16_set(c + 2, 0xffff); /* truncated: 3 clusters of many */
	snprintf(msg, sizeof(msg), "fat: fat16.img: /big.bin: cluster chain of 3 clusters ends before the %u of its %u bytes",
		 f.size / vol.cluster_bytes, f.size);
	read_fails(&f, f.size, msg);
	read_fails(&f, 16, msg); /* a small read checks the whole chain too */
	cr_assert_eq(fat_check_chain(&vol, &f, &err), -1);

	fat16_set(c + 2, (uint16_t)c); /* loop back to the start */
	read_fails(&f, f.size, "/big.bin: cluster chain longer than the");
	fat16_set(c + 2, (uint16_t)(c + 2));
	snprintf(msg, sizeof(msg), "/big.bin: cluster %u -> %u: loop (points to itself)", c + 2, c + 2);
	read_fails(&f, 16, msg);
	fat16_set(c + 2, 0xfff7);
	snprintf(msg, sizeof(msg), "/big.bin: cluster %u -> 0xfff7: a bad cluster", c + 2);
	read_fails(&f, 16, msg);
	fat16_set(c + 2, 0);
	snprintf(msg, sizeof(msg), "/big.bin: cluster %u -> 0: a free or reserved value", c + 2);
	read_fails(&f, 16, msg);
	fat16_set(c + 2, 1);
	read_fails(&f, 16, "-> 1: a free or reserved value");
	fat16_set(c + 2, (uint16_t)(vol.cluster_count + 2));
	snprintf(msg, sizeof(msg), "cluster %u -> %u: past the last cluster %u", c + 2,
		 vol.cluster_count + 2, vol.cluster_count + 1);
	read_fails(&f, 16, msg);
	fat16_set(c + 2, (uint16_t)(c + 3));

	/* A chain longer than the file. */
	last = c + f.size / vol.cluster_bytes - 1;
	cr_assert_geq(fat16_get(last), 0xfff8);
	fat16_set(last, (uint16_t)(last + 1));
	fat16_set(last + 1, 0xffff);
	err_clear(&err);
	cr_assert_eq(fat_check_chain(&vol, &f, &err), -1);
	expect_err("cluster chain longer than the");
	fat16_set(last + 1, 0);
	fat16_set(last, 0xffff);
	err_clear(&err);
	cr_assert_eq(fat_check_chain(&vol, &f, &err), 0, "%s", err.msg);
}

/* Finds the 8.3 directory entry NAME11 in the image. */
static uint8_t *find_entry(const char *name11)
{
	uint8_t *p = memmem(img, img_len, name11, 11);

	cr_assert_not_null(p, "entry %s not in the image", name11);
	return p;
}

Test(fat, hostile_entries, .fini = teardown)
{
	struct fat_file f;
	char msg[200];
	uint8_t *e;

	mount_image("fat16.img", 512);
	e = find_entry("SMALL   TXT");
	e[26] = 0xf0;
	e[27] = 0xff;
	vol.dir_lba = UINT64_MAX; /* the reader's copy of the sector is stale */
	cr_assert_eq(fat_lookup(&vol, "/small.txt", &f, &err), -1);
	expect_err("fat: fat16.img: /small.txt: first cluster 65520 not in [2, ");
	e[26] = e[27] = 0;
	vol.dir_lba = UINT64_MAX;
	err_clear(&err);
	cr_assert_eq(fat_lookup(&vol, "/small.txt", &f, &err), -1);
	expect_err("/small.txt: first cluster 0 for a file of 24 bytes");
	/* A size past what the chain holds. */
	e = find_entry("ODD     BIN");
	e[30] = 1; /* + 64 KiB */
	vol.dir_lba = UINT64_MAX;
	err_clear(&err);
	cr_assert_eq(fat_lookup(&vol, "/odd.bin", &f, &err), 0);
	snprintf(msg, sizeof(msg), "/odd.bin: cluster chain of %u clusters ends before the %u of its 75536 bytes",
		 (10000 + vol.cluster_bytes - 1) / vol.cluster_bytes,
		 (75536 + vol.cluster_bytes - 1) / vol.cluster_bytes);
	read_fails(&f, 16, msg);
}

Test(fat, hostile_directory_loop, .fini = teardown)
{
	struct fat_file d;
	uint32_t c;

	mount_image("fat16.img", 512);
	cr_assert_eq(fat_lookup(&vol, "/many", &d, &err), 0);
	c = d.first_cluster;
	cr_assert_lt(fat16_get(c), 0xfff8, "/many is one cluster");
	/* The next-to-last cluster back to the first: every cluster in the
	 * loop is full, so only the reader's bound ends the walk. */
	while (fat16_get(fat16_get(c)) < 0xfff8)
		c = fat16_get(c);
	fat16_set(c, (uint16_t)d.first_cluster);
	cr_assert_eq(fat_lookup(&vol, "/many/no such file", &d, &err), -1);
	expect_err("fat: fat16.img: /many: directory chain longer than 2048 clusters");
}

Test(fat, hostile_lfn_checksum, .fini = teardown)
{
	struct fat_file f;
	uint8_t *p;
	static const uint8_t debia[10] = { 'D', 0, 'e', 0, 'b', 0, 'i', 0, 'a', 0 };

	mount_image("fat16.img", 512);
	cr_assert_eq(fat_lookup(&vol, "/loader/entries/Debian GNU Linux 6.12 – a long name.conf", &f,
				&err), 0, "%s", err.msg);
	p = memmem(img, img_len, debia, sizeof(debia));
	cr_assert_not_null(p);
	p -= 1; /* the entry starts one byte before its first name unit */
	cr_assert_eq(p[11], 0x0f);
	p[13] ^= 0x5a;
	vol.dir_lba = UINT64_MAX;
	cr_assert_eq(fat_lookup(&vol, "/loader/entries/Debian GNU Linux 6.12 – a long name.conf", &f,
				&err), FAT_NOT_FOUND, "a long name with a wrong checksum matched");
	cr_assert_eq(fat_lookup(&vol, "/loader/entries/DEBIAN~1.CON", &f, &err), 0, "%s", err.msg);
	cr_assert_str_eq(f.name, "DEBIAN~1.CON");
}

Test(fat, device_error, .fini = teardown)
{
	struct fat_file f;

	mount_image("fat16.img", 512);
	mem.fail_at_read = (int)mem.reads + 1;
	vol.dir_lba = UINT64_MAX;
	cr_assert_eq(fat_lookup(&vol, "/small.txt", &f, &err), -1);
	expect_err("blkdev: fat16.img: read error at LBA");
}

/* FAT32 with mirroring off reads the FAT that BPB_ExtFlags names. */
Test(fat, fat32_active_fat, .fini = teardown)
{
	open_image("fat32.img", 512);
	img[40] = 0x81;
	err_clear(&err);
	cr_assert_eq(fat_mount(&vol, &mem.dev, &err), 0, "%s", err.msg);
	cr_assert_eq(vol.fat_start, bpb_rsvd() + vol.fat_sectors);
	check_file("/frag.bin", "frag.bin");
	img[40] = 0x82;
	mount_fails("fat: fat32.img: BPB_ExtFlags names FAT 2 of 2");
}

/* Microsoft's rule: the type follows the cluster count alone, FAT12 below
 * 4085 clusters, FAT16 below 65525. The total sector count of real images
 * is moved across each bound. */
static void set_total(uint32_t tot)
{
	img[19] = img[20] = 0;
	put_le32(img + 32, tot);
}

Test(fat, type_by_cluster_count, .fini = teardown)
{
	uint32_t meta;

	open_image("fat16.img", 512);
	cr_assert_eq(fat_mount(&vol, &mem.dev, &err), 0, "%s", err.msg);
	meta = vol.data_start;
	set_total(meta + 4084 * vol.sectors_per_cluster + 1);
	cr_assert_eq(fat_mount(&vol, &mem.dev, &err), 0, "%s", err.msg);
	cr_assert_eq(vol.type, FAT_12);
	cr_assert_eq(vol.cluster_count, 4084u);
	set_total(meta + 4085 * vol.sectors_per_cluster);
	cr_assert_eq(fat_mount(&vol, &mem.dev, &err), 0, "%s", err.msg);
	cr_assert_eq(vol.type, FAT_16);

	open_image("fat32.img", 512);
	cr_assert_eq(fat_mount(&vol, &mem.dev, &err), 0, "%s", err.msg);
	meta = vol.data_start;
	set_total(meta + 65525 * vol.sectors_per_cluster);
	cr_assert_eq(fat_mount(&vol, &mem.dev, &err), 0, "%s", err.msg);
	cr_assert_eq(vol.type, FAT_32);
	set_total(meta + 65524 * vol.sectors_per_cluster);
	mount_fails("fat: fat32.img: FAT16 (65524 clusters) with BPB_RootEntCnt 0");
}
