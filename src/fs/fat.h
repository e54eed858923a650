/*
 * fat.h - a read-only FAT12/16/32 reader over a blkdev (normally a
 * blkdev_slice of the ESP or XBOOTLDR partition). Called by the firmware's
 * disk front end for /loader/loader.conf, /loader/entries/ *.conf, kernels
 * and initrds.
 *
 * Names: long names (VFAT LFN, checksummed, converted to UTF-8) and 8.3
 * names; lookups compare case-insensitively (ASCII letters, as FAT does).
 * Paths use '/' or '\' as separator; a leading one is optional.
 * Large reads coalesce runs of consecutive clusters into one device read
 * (split only by blkdev.max_sectors), straight into the destination.
 *
 * Messages start with "fat: NAME: " (NAME = dev->name) and name the path,
 * the field and the value: "fat: vda1: /EFI/x.efi: cluster 1234 -> 0xffffff7
 * (bad cluster) at byte 8192 of 40000".
 */
#ifndef PVHBOOT_FS_FAT_H
#define PVHBOOT_FS_FAT_H

#include "fs/blkdev.h"

/* Longest name kept, in UTF-8 bytes plus NUL (255 UCS-2 units can take
 * up to 765 bytes; longer ones are refused with a message). */
#define FAT_NAME_MAX 256
/* Longest path accepted by fat_lookup, in bytes. */
#define FAT_PATH_MAX 512
/* Bytes of FAT kept in memory at once (a window, reread as needed). */
#define FAT_CACHE_BYTES 16384u

enum fat_type { FAT_12 = 12, FAT_16 = 16, FAT_32 = 32 };

/* A file or directory found by fat_lookup / fat_list. */
struct fat_file {
	uint32_t first_cluster; /* 0: empty file, or the FAT12/16 root directory */
	uint32_t size;          /* bytes; 0 for directories */
	bool is_dir;
	bool is_root;
	char name[FAT_NAME_MAX]; /* long name if any, else the 8.3 name ("A.TXT") */
	char path[FAT_PATH_MAX]; /* full path from the root, for messages */
};

struct fat_vol {
	const struct blkdev *dev;
	enum fat_type type;
	uint32_t sector_size;      /* = dev->sector_size = BPB bytes per sector */
	uint32_t sectors_per_cluster;
	uint32_t cluster_bytes;
	uint32_t fat_start;        /* first sector of the FAT in use (the first,
				    * or FAT32's active one when not mirrored) */
	uint32_t fat_sectors;      /* sectors per FAT */
	uint32_t root_start;       /* FAT12/16: first sector of the root directory */
	uint32_t root_sectors;     /* FAT12/16: its length; 0 on FAT32 */
	uint32_t root_cluster;     /* FAT32: first cluster of the root; else 0 */
	uint32_t data_start;       /* first sector of cluster 2 */
	uint32_t cluster_count;    /* data clusters: valid numbers 2 .. count + 1 */
	uint64_t total_sectors;
	/* Reader's working storage; not output. */
	uint32_t cache_first;      /* first FAT sector in cache, or UINT32_MAX */
	uint32_t cache_count;
	uint64_t dir_lba;          /* sector in dir_sector, or UINT64_MAX */
	uint32_t checked_first;    /* chain last found good by fat_check_chain: */
	uint32_t checked_size;     /* its first cluster and file size (0, 0: none) */
	uint8_t cache[FAT_CACHE_BYTES];
	uint8_t sector[BLKDEV_SECTOR_MAX];     /* file reads: partial sectors */
	uint8_t dir_sector[BLKDEV_SECTOR_MAX]; /* directory walks */
};

/*
 * Reads and checks the boot sector (BPB): bytes per sector equal to the
 * device's, sectors per cluster a power of two, reserved sectors, 1 or 2
 * FATs, root entries filling whole sectors, total sectors within the device,
 * FAT size large enough for the clusters, and the FAT type by cluster count
 * (Microsoft's rule: < 4085 FAT12, < 65525 FAT16, else FAT32). vol must stay
 * in place while used; dev must outlive it.
 */
int fat_mount(struct fat_vol *vol, const struct blkdev *dev, struct err *err);

/* Result of fat_lookup when the path does not exist (err is not set). */
#define FAT_NOT_FOUND 1

/*
 * Finds PATH ("/loader/entries/x.conf", "" or "/" for the root). 0 and *out
 * filled; FAT_NOT_FOUND when a component is missing (or a non-final one is
 * a file); -1 with err set on a malformed directory or device error.
 */
int fat_lookup(struct fat_vol *vol, const char *path, struct fat_file *out, struct err *err);

/* Called per entry by fat_list ("." and "..", volume labels and deleted
 * entries skipped). Return 0 to go on, 1 to stop the listing (fat_list then
 * returns 0), -1 to stop it with an error (fat_list returns -1). */
typedef int (*fat_list_fn)(void *ctx, const struct fat_file *entry);

/* Calls fn for each entry of directory dir, in on-disk order. fn may call
 * fat_read, fat_lookup and fat_read_file on the same volume. */
int fat_list(struct fat_vol *vol, const struct fat_file *dir, fat_list_fn fn, void *ctx,
	     struct err *err);

/*
 * Reads bytes [offset, offset + len) of file f into dst. Fails when the
 * range is past f->size, or when the cluster chain (checked whole on the
 * first read of a file) is shorter or longer than the file, loops, or holds
 * a free/reserved/bad/out-of-range value. Runs of consecutive clusters go
 * to the device as one request each (split by blkdev.max_sectors).
 */
int fat_read(struct fat_vol *vol, const struct fat_file *f, uint32_t offset, void *dst,
	     uint32_t len, struct err *err);

/* Looks up PATH and reads the whole file into buf (at most cap bytes;
 * a larger file is an error naming both sizes). *len gets the size.
 * Returns 0, FAT_NOT_FOUND, or -1 with err set. */
int fat_read_file(struct fat_vol *vol, const char *path, void *buf, uint32_t cap,
		  uint32_t *len, struct err *err);

/* Checks the whole cluster chain of f against its size (loops, bad values,
 * short or long chains) without reading data: fat_read does it as it goes,
 * this lets a caller refuse a file before touching its destination. */
int fat_check_chain(struct fat_vol *vol, const struct fat_file *f, struct err *err);

#endif
