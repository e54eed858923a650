/*
 * fuzz_gpt.c - fuzz target for part_scan() (src/fs/part.c, gpt.c, mbr.c),
 * driven by libFuzzer or by replay_main.c over the seed corpus. The input is
 * the start of a disk of at least FG_MIN_SECTORS sectors (the rest reads as
 * zeros), read once with 512-byte and once with 4096-byte sectors. Beyond
 * "does not crash", it checks the promises of part.h and aborts when one is
 * broken: partitions inside the disk, names terminated, a message on error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fs/blkdev_mem.h"
#include "fs/part.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 48 KiB: the small sgdisk disks of the seeds, backup header included. */
#define FG_MIN_SECTORS 96u

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void scan(const uint8_t *data, size_t size, uint32_t sector_size)
{
	static struct part_table table;
	struct blkdev_mem m;
	uint64_t nsec = (size + sector_size - 1) / sector_size;
	struct err err;
	int r;

	if (nsec < FG_MIN_SECTORS)
		nsec = FG_MIN_SECTORS;
	blkdev_mem_init(&m, data, size, sector_size, nsec, "fuzz");
	err_clear(&err);
	r = part_scan(&m.dev, &table, &err);
	if (r != 0) {
		check(r == -1 && err.set && table.count == 0);
		check(strncmp(err.msg, "gpt: ", 5) == 0 || strncmp(err.msg, "mbr: ", 5) == 0 ||
		      strncmp(err.msg, "blkdev: ", 8) == 0);
		return;
	}
	check(!err.set && table.count <= PART_MAX);
	check(table.scheme == PART_SCHEME_GPT || table.scheme == PART_SCHEME_MBR);
	for (uint32_t i = 0; i < table.count; i++) {
		const struct part *p = &table.parts[i];

		check(p->nsectors >= 1 && p->start_lba >= 1);
		check(p->start_lba <= nsec && p->nsectors <= nsec - p->start_lba);
		check(memchr(p->name, '\0', sizeof(p->name)) != NULL);
		check(p->kind == PART_OTHER || p->kind == PART_ESP || p->kind == PART_XBOOTLDR);
	}
	check(table.gpt_from_backup == (table.backup_reason[0] != '\0'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scan(data, size, 512);
	scan(data, size, 4096);
	return 0;
}
