/*
 * blkdev.h - a block device as the on-disk readers (src/fs) see it: a read
 * callback over fixed-size sectors. The disk drivers (virtio-blk) fill one
 * in; the tests and fuzzers back one with a buffer or a file.
 *
 * Promises of the readers to the driver: every read has count >= 1, asks
 * only for sectors below nsectors, at most max_sectors at a time when
 * max_sectors is not 0, and buf holds count * sector_size bytes. buf is the
 * caller's destination (a kernel's load address) or a reader's own buffer,
 * with no alignment promised: a driver whose device needs one bounces.
 */
#ifndef PVHBOOT_FS_BLKDEV_H
#define PVHBOOT_FS_BLKDEV_H

#include "lib/env.h"
#include "lib/err.h"

/* Sector sizes the readers accept: 512 and 4096 (and the powers between). */
#define BLKDEV_SECTOR_MIN 512u
#define BLKDEV_SECTOR_MAX 4096u

struct blkdev {
	void *ctx;
	/* Reads sectors [lba, lba + count) into buf; 0 on success, -1 on a
	 * device error or short read (the driver may print why). */
	int (*read)(void *ctx, uint64_t lba, uint32_t count, void *buf);
	uint32_t sector_size; /* bytes: 512 ... 4096, a power of two */
	uint64_t nsectors;    /* sectors on the device */
	uint32_t max_sectors; /* largest request the driver takes; 0: no limit */
	const char *name;     /* for messages: "vda", "virtio0p1" */
};

/* A window [start, start + count) of a parent device, itself a blkdev (a
 * partition). Reads through it are shifted by start and bounded by count. */
struct blkdev_slice {
	struct blkdev dev;
	const struct blkdev *parent;
	uint64_t start;
	char name[48];
};

/* Checks sector_size (power of two in [BLKDEV_SECTOR_MIN, BLKDEV_SECTOR_MAX]),
 * a read callback and nsectors >= 1. Message: "blkdev: NAME: ...". */
int blkdev_check(const struct blkdev *dev, struct err *err);

/* Reads sectors [lba, lba + count), checking the range against nsectors and
 * splitting it into requests of at most max_sectors. count 0 reads nothing.
 * Messages: "blkdev: NAME: read of N sectors at LBA past the end (S)",
 * "blkdev: NAME: read error at LBA L (N sectors)". */
int blkdev_read(const struct blkdev *dev, uint64_t lba, uint64_t count, void *buf,
		struct err *err);

/* Makes slice->dev a view of parent's sectors [start, start + count), named
 * "PARENTNAME" + suffix (e.g. "p1"). Fails when the window is not inside the
 * parent. The slice must stay where it is while in use (dev.ctx points to it). */
int blkdev_slice_init(struct blkdev_slice *slice, const struct blkdev *parent, uint64_t start,
		      uint64_t count, const char *suffix, struct err *err);

#endif
