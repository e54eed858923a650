/*
 * blkdev_mem.h - a struct blkdev over bytes in memory: the unit tests and
 * fuzz targets read disk images through it, and it counts the requests so
 * tests can see that runs of clusters arrive as one read.
 */
#ifndef PVHBOOT_FS_BLKDEV_MEM_H
#define PVHBOOT_FS_BLKDEV_MEM_H

#include "fs/blkdev.h"

struct blkdev_mem {
	struct blkdev dev;
	const uint8_t *data;
	size_t len;           /* bytes backed by data; sectors past it read as zeros */
	uint32_t reads;       /* read requests served */
	uint64_t sectors_read;
	uint32_t largest_read; /* sectors in the largest request */
	int fail_at_read;     /* 1-based request number that fails; 0: none */
};

/* dev gets sector_size and nsectors (which may exceed len: the rest reads as
 * zeros). The struct must stay where it is while in use. */
void blkdev_mem_init(struct blkdev_mem *m, const void *data, size_t len, uint32_t sector_size,
		     uint64_t nsectors, const char *name);

#endif
