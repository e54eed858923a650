/*
 * fuzz_fat.c - fuzz target for the FAT reader (src/fs/fat.c, fat_dir.c),
 * driven by libFuzzer or by replay_main.c over the seed corpus. The input is
 * the start of a volume; the device is as large as its boot sector says (up
 * to FF_MAX_SECTORS, at least FF_MIN_SECTORS), the rest reading as zeros,
 * with the sector size the boot sector names when it is one the readers
 * take. A volume that mounts is walked as the firmware would: directories
 * listed (nested, from inside the listing callbacks), each small file's
 * chain checked and read whole and in parts, paths looked up again.
 * Beyond "does not crash", it checks the promises of fat.h and aborts when
 * one is broken.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fs/blkdev_mem.h"
#include "fs/fat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FF_MIN_SECTORS 2048u
#define FF_MAX_SECTORS (1u << 20)
#define FF_READ_MAX (64u * 1024u)
/* Larger files only cost time: their chain check walks the whole FAT. */
#define FF_FILE_MAX (4u << 20)
#define FF_DEPTH 3
#define FF_ENTRIES 256

static struct fat_vol vol;
static uint8_t readbuf[FF_READ_MAX + 16];
static unsigned entries_seen;

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_err(const struct err *err)
{
	check(err->set);
	check(strncmp(err->msg, "fat: ", 5) == 0 || strncmp(err->msg, "blkdev: ", 8) == 0);
}

static void file_visit(const struct fat_file *f)
{
	struct err err;
	uint32_t len;

	err_clear(&err);
	if (f->size > FF_READ_MAX)
		len = FF_READ_MAX;
	else
		len = f->size;
	memset(readbuf + len, 0x5a, 16);
	if (fat_read(&vol, f, 0, readbuf, len, &err) != 0)
		check_err(&err);
	for (int i = 0; i < 16; i++)
		check(readbuf[len + i] == 0x5a);
	if (f->size > 3 && f->size <= FF_READ_MAX) {
		err_clear(&err);
		if (fat_read(&vol, f, f->size / 3, readbuf, f->size / 3 + 1, &err) != 0)
			check_err(&err);
		err_clear(&err);
		if (fat_check_chain(&vol, f, &err) != 0)
			check_err(&err);
	}
	err_clear(&err);
	check(fat_read(&vol, f, f->size, readbuf, 1, &err) == -1);
}

struct walk {
	int depth;
};

static int list_fn(void *ctx, const struct fat_file *f)
{
	const struct walk *w = ctx;
	struct fat_file again;
	struct err err;
	int r;

	check(memchr(f->name, '\0', sizeof(f->name)) && memchr(f->path, '\0', sizeof(f->path)));
	check(f->name[0] != '\0' && f->path[0] == '/');
	if (++entries_seen > FF_ENTRIES)
		return 1;
	err_clear(&err);
	r = fat_lookup(&vol, f->path, &again, &err);
	check(r == 0 || r == FAT_NOT_FOUND || r == -1);
	if (r == -1)
		check_err(&err);
	if (f->is_dir) {
		struct walk sub = { w->depth + 1 };

		if (sub.depth < FF_DEPTH) {
			err_clear(&err);
			if (fat_list(&vol, f, list_fn, &sub, &err) != 0)
				check_err(&err);
		}
	} else if (f->size <= FF_FILE_MAX) {
		file_visit(f);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blkdev_mem m;
	uint32_t ss = 512, tot = 0;
	uint64_t nsec;
	struct fat_file root;
	struct walk w = { 0 };
	struct err err;
	char conf[4096];
	uint32_t len;
	int r;

	if (size >= 36) {
		uint32_t bps = le16(data + 11);

		if (bps >= BLKDEV_SECTOR_MIN && bps <= BLKDEV_SECTOR_MAX && (bps & (bps - 1)) == 0)
			ss = bps;
		tot = le16(data + 19) ? le16(data + 19) : le32(data + 32);
	}
	nsec = (size + ss - 1) / ss;
	if (nsec < tot)
		nsec = tot;
	if (nsec > FF_MAX_SECTORS)
		nsec = FF_MAX_SECTORS;
	if (nsec < FF_MIN_SECTORS)
		nsec = FF_MIN_SECTORS;
	blkdev_mem_init(&m, data, size, ss, nsec, "fuzz");
	err_clear(&err);
	if (fat_mount(&vol, &m.dev, &err) != 0) {
		check_err(&err);
		return 0;
	}
	check(vol.type == FAT_12 || vol.type == FAT_16 || vol.type == FAT_32);
	check(vol.data_start < vol.total_sectors && vol.total_sectors <= nsec);
	check((uint64_t)vol.data_start + (uint64_t)vol.cluster_count * vol.sectors_per_cluster <=
	      vol.total_sectors);
	entries_seen = 0;
	check(fat_lookup(&vol, "/", &root, &err) == 0);
	if (fat_list(&vol, &root, list_fn, &w, &err) != 0)
		check_err(&err);
	err_clear(&err);
	r = fat_read_file(&vol, "/loader/loader.conf", conf, sizeof(conf), &len, &err);
	check(r == 0 || r == FAT_NOT_FOUND || r == -1);
	if (r == 0)
		check(len <= sizeof(conf));
	else if (r == -1)
		check_err(&err);
	return 0;
}
