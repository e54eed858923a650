/*
 * fat_private.h - between fat.c (boot sector, FAT entries, file data) and
 * fat_dir.c (directories, names, lookups). Not for callers outside src/fs.
 */
#ifndef PVHBOOT_FS_FAT_PRIVATE_H
#define PVHBOOT_FS_FAT_PRIVATE_H

#include "fs/fat.h"

/* What a FAT entry says about the cluster after this one. */
enum fat_link { FAT_LINK_NEXT, FAT_LINK_END, FAT_LINK_FREE, FAT_LINK_BAD, FAT_LINK_RANGE };

/* A directory holds at most 65536 entries (Microsoft's FAT specification). */
#define FAT_DIR_ENTRIES_MAX 65536u

/* The FAT entry of cluster c (2 .. cluster_count + 1) in *value, classified. */
int fat_entry(struct fat_vol *vol, uint32_t c, uint32_t *value, enum fat_link *link,
	      struct err *err);

/* Follows the chain one step from c for file/dir PATH; *next gets the next
 * cluster, or 0 at the end of the chain. Errors name PATH, c and the value. */
int fat_step(struct fat_vol *vol, const char *path, uint32_t c, uint32_t *next,
	     struct err *err);

/* The first sector of cluster c (2 .. cluster_count + 1). */
static inline uint64_t fat_cluster_lba(const struct fat_vol *vol, uint32_t c)
{
	return (uint64_t)vol->data_start + (uint64_t)(c - 2) * vol->sectors_per_cluster;
}

static inline bool fat_cluster_ok(const struct fat_vol *vol, uint32_t c)
{
	return c >= 2 && c - 2 < vol->cluster_count;
}

#endif
