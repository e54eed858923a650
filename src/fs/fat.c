/*
 * fat.c - FAT12/16/32 volumes: the boot sector checks of Microsoft's FAT
 * specification (fat_mount), FAT entries through a window cache, cluster
 * chains with their loop and range checks, and file reads that send each
 * run of consecutive clusters to the device as one request. Directories and
 * names are in fat_dir.c. Caller: the firmware's disk front end (fat.h).
 */
#include "fs/fat_private.h"

#define FAT12_MAX_CLUSTERS 4084u
#define FAT16_MAX_CLUSTERS 65524u
/* FAT32 cluster numbers are 28 bits; 0x0ffffff7 is "bad". */
#define FAT32_MAX_CLUSTERS 0x0ffffff5u

static const char *type_name(enum fat_type t)
{
	return t == FAT_12 ? "FAT12" : t == FAT_16 ? "FAT16" : "FAT32";
}

static bool pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

int fat_mount(struct fat_vol *vol, const struct blkdev *dev, struct err *err)
{
	const uint8_t *b = vol->sector;
	uint32_t bps, spc, rsvd, nfats, root_ents, tot, fatsz, root_secs, meta, count, active = 0;
	uint64_t fat_bytes_needed, fat_bytes;

	memset(vol, 0, offsetof(struct fat_vol, cache)); /* the buffers need no clearing */
	vol->dev = dev;
	vol->cache_first = UINT32_MAX;
	vol->dir_lba = UINT64_MAX;
	if (blkdev_check(dev, err) != 0)
		return -1;
	if (blkdev_read(dev, 0, 1, vol->sector, err) != 0)
		return -1;
	if (b[510] != 0x55 || b[511] != 0xaa)
		return err_fail(err, "fat: %s: boot sector: signature 0x%02x%02x at byte 510, not 0x55aa",
				dev->name, b[510], b[511]);
	bps = le16(b + 11);
	spc = b[13];
	rsvd = le16(b + 14);
	nfats = b[16];
	root_ents = le16(b + 17);
	tot = le16(b + 19) ? le16(b + 19) : le32(b + 32);
	fatsz = le16(b + 22) ? le16(b + 22) : le32(b + 36);
	if (bps != dev->sector_size)
		return err_fail(err, "fat: %s: BPB_BytsPerSec %u, the device's sectors are %u bytes",
				dev->name, bps, dev->sector_size);
	if (!pow2(spc))
		return err_fail(err, "fat: %s: BPB_SecPerClus %u is not a power of two in [1, 128]",
				dev->name, spc);
	if (rsvd == 0)
		return err_fail(err, "fat: %s: BPB_RsvdSecCnt 0 (the boot sector is reserved)",
				dev->name);
	if (nfats < 1 || nfats > 2)
		return err_fail(err, "fat: %s: BPB_NumFATs %u, not 1 or 2", dev->name, nfats);
	if ((root_ents * 32u) % bps != 0)
		return err_fail(err, "fat: %s: BPB_RootEntCnt %u does not fill whole %u-byte sectors",
				dev->name, root_ents, bps);
	if (tot == 0 || tot > dev->nsectors)
		return err_fail(err, "fat: %s: total sectors %u not in [1, %llu] (the partition)",
				dev->name, tot, (unsigned long long)dev->nsectors);
	if (fatsz == 0)
		return err_fail(err, "fat: %s: FAT size 0 sectors", dev->name);
	root_secs = root_ents * 32u / bps;
	/* rsvd < 2^16, nfats <= 2, fatsz < 2^32, root_secs < 2^16: fits 64 bits. */
	if ((uint64_t)rsvd + (uint64_t)nfats * fatsz + root_secs >= tot)
		return err_fail(err, "fat: %s: reserved %u + %u FATs of %u + root %u sectors leave no data in %u",
				dev->name, rsvd, nfats, fatsz, root_secs, tot);
	meta = rsvd + nfats * fatsz + root_secs;
	count = (tot - meta) / spc;
	if (count == 0)
		return err_fail(err, "fat: %s: no whole cluster in %u data sectors", dev->name,
				tot - meta);
	vol->type = count <= FAT12_MAX_CLUSTERS ? FAT_12 : count <= FAT16_MAX_CLUSTERS ? FAT_16 : FAT_32;
	if (vol->type == FAT_32) {
		if (count > FAT32_MAX_CLUSTERS)
			return err_fail(err, "fat: %s: %u clusters, more than FAT32's %u", dev->name,
					count, FAT32_MAX_CLUSTERS);
		if (root_ents != 0)
			return err_fail(err, "fat: %s: FAT32 (%u clusters) with BPB_RootEntCnt %u, not 0",
					dev->name, count, root_ents);
		vol->root_cluster = le32(b + 44);
		/* BPB_ExtFlags bit 7: mirroring off, bits 0-3 name the active FAT. */
		if (b[40] & 0x80) {
			active = b[40] & 0x0fu;
			if (active >= nfats)
				return err_fail(err, "fat: %s: BPB_ExtFlags names FAT %u of %u",
						dev->name, active, nfats);
		}
	} else if (root_ents == 0) {
		return err_fail(err, "fat: %s: %s (%u clusters) with BPB_RootEntCnt 0", dev->name,
				type_name(vol->type), count);
	}
	/* Entries 0 .. count + 1; FAT12's are 1.5 bytes, the last one ending
	 * in the byte after (count + 2) * 3 / 2 rounded down when count is odd. */
	fat_bytes_needed = ((uint64_t)(count + 2) * (vol->type == FAT_12 ? 3 : vol->type == FAT_16 ? 4 : 8) + 1) / 2;
	fat_bytes = (uint64_t)fatsz * bps;
	if (fat_bytes < fat_bytes_needed)
		return err_fail(err, "fat: %s: FAT of %u sectors (%llu bytes) too small for %u clusters (%llu bytes)",
				dev->name, fatsz, (unsigned long long)fat_bytes, count,
				(unsigned long long)fat_bytes_needed);
	vol->sector_size = bps;
	vol->sectors_per_cluster = spc;
	vol->cluster_bytes = bps * spc;
	vol->fat_start = rsvd + active * fatsz;
	vol->fat_sectors = fatsz;
	vol->root_start = rsvd + nfats * fatsz;
	vol->root_sectors = root_secs;
	vol->data_start = meta;
	vol->cluster_count = count;
	vol->total_sectors = tot;
	if (vol->type == FAT_32 && !fat_cluster_ok(vol, vol->root_cluster))
		return err_fail(err, "fat: %s: BPB_RootClus %u not in [2, %u]", dev->name,
				vol->root_cluster, count + 1);
	return 0;
}

/* Makes the FAT bytes [off, off + width) present in the cache window. */
static int cache_bytes(struct fat_vol *vol, uint32_t off, uint32_t width, const uint8_t **p,
		       struct err *err)
{
	uint32_t bps = vol->sector_size, first = off / bps, last = (off + width - 1) / bps;
	uint32_t n = FAT_CACHE_BYTES / bps;

	if (vol->cache_first == UINT32_MAX || first < vol->cache_first ||
	    last >= vol->cache_first + vol->cache_count) {
		if (n > vol->fat_sectors - first)
			n = vol->fat_sectors - first;
		vol->cache_first = UINT32_MAX;
		if (blkdev_read(vol->dev, (uint64_t)vol->fat_start + first, n, vol->cache, err) != 0)
			return -1;
		vol->cache_first = first;
		vol->cache_count = n;
	}
	*p = vol->cache + (off - vol->cache_first * bps);
	return 0;
}

int fat_entry(struct fat_vol *vol, uint32_t c, uint32_t *value, enum fat_link *link,
	      struct err *err)
{
	const uint8_t *p;
	uint32_t v, bad;

	/* fat_mount checked that the FAT holds entries up to cluster_count + 1. */
	if (vol->type == FAT_12) {
		if (cache_bytes(vol, c + c / 2, 2, &p, err) != 0)
			return -1;
		v = le16(p);
		v = (c & 1) ? v >> 4 : v & 0xfff;
		bad = 0xff7;
	} else if (vol->type == FAT_16) {
		if (cache_bytes(vol, c * 2, 2, &p, err) != 0)
			return -1;
		v = le16(p);
		bad = 0xfff7;
	} else {
		if (cache_bytes(vol, c * 4, 4, &p, err) != 0)
			return -1;
		v = le32(p) & 0x0fffffff;
		bad = 0x0ffffff7;
	}
	*value = v;
	if (v == bad)
		*link = FAT_LINK_BAD;
	else if (v > bad)
		*link = FAT_LINK_END;
	else if (v < 2)
		*link = FAT_LINK_FREE;
	else if (!fat_cluster_ok(vol, v))
		*link = FAT_LINK_RANGE;
	else
		*link = FAT_LINK_NEXT;
	return 0;
}

int fat_step(struct fat_vol *vol, const char *path, uint32_t c, uint32_t *next,
	     struct err *err)
{
	const char *dev = vol->dev->name;
	enum fat_link link;
	uint32_t v;

	if (fat_entry(vol, c, &v, &link, err) != 0)
		return -1;
	switch (link) {
	case FAT_LINK_NEXT:
		if (v == c)
			return err_fail(err, "fat: %s: %s: cluster %u -> %u: loop (points to itself)",
					dev, path, c, v);
		*next = v;
		return 0;
	case FAT_LINK_END:
		*next = 0;
		return 0;
	case FAT_LINK_BAD:
		return err_fail(err, "fat: %s: %s: cluster %u -> 0x%x: a bad cluster in the chain",
				dev, path, c, v);
	case FAT_LINK_FREE:
		return err_fail(err, "fat: %s: %s: cluster %u -> %u: a free or reserved value in the chain",
				dev, path, c, v);
	default:
		return err_fail(err, "fat: %s: %s: cluster %u -> %u: past the last cluster %u", dev,
				path, c, v, vol->cluster_count + 1);
	}
}

/* Clusters a file of size bytes needs. */
static uint32_t clusters_for(const struct fat_vol *vol, uint32_t size)
{
	return (uint32_t)(((uint64_t)size + vol->cluster_bytes - 1) / vol->cluster_bytes);
}

static int first_cluster_check(struct fat_vol *vol, const struct fat_file *f, struct err *err)
{
	if (f->is_dir)
		return err_fail(err, "fat: %s: %s: is a directory", vol->dev->name, f->path);
	if (f->size != 0 && !fat_cluster_ok(vol, f->first_cluster))
		return err_fail(err, "fat: %s: %s: first cluster %u not in [2, %u] (size %u)",
				vol->dev->name, f->path, f->first_cluster, vol->cluster_count + 1,
				f->size);
	return 0;
}

int fat_check_chain(struct fat_vol *vol, const struct fat_file *f, struct err *err)
{
	uint32_t need, c, n = 0;

	if (first_cluster_check(vol, f, err) != 0)
		return -1;
	need = clusters_for(vol, f->size);
	for (c = need ? f->first_cluster : 0; c != 0;) {
		uint32_t next = 0;

		if (++n > need)
			return err_fail(err, "fat: %s: %s: cluster chain longer than the %u clusters of its %u bytes (a loop?)",
					vol->dev->name, f->path, need, f->size);
		if (fat_step(vol, f->path, c, &next, err) != 0)
			return -1;
		c = next;
	}
	if (n < need)
		return err_fail(err, "fat: %s: %s: cluster chain of %u clusters ends before the %u of its %u bytes",
				vol->dev->name, f->path, n, need, f->size);
	return 0;
}

/* Reads bytes [off, off + len) of the run of nclus clusters from c into dst:
 * whole sectors straight to dst in one request, partial ones bounced. */
static int run_read(struct fat_vol *vol, uint32_t c, uint32_t off, uint8_t *dst, uint32_t len,
		    struct err *err)
{
	uint32_t bps = vol->sector_size;
	uint64_t lba = fat_cluster_lba(vol, c) + off / bps;
	uint32_t head = off % bps;

	if (head != 0) {
		uint32_t n = bps - head < len ? bps - head : len;

		if (blkdev_read(vol->dev, lba, 1, vol->sector, err) != 0)
			return -1;
		memcpy(dst, vol->sector + head, n);
		dst += n;
		len -= n;
		lba++;
	}
	if (len >= bps) {
		uint32_t whole = len / bps;

		if (blkdev_read(vol->dev, lba, whole, dst, err) != 0)
			return -1;
		dst += (size_t)whole * bps;
		len -= whole * bps;
		lba += whole;
	}
	if (len != 0) {
		if (blkdev_read(vol->dev, lba, 1, vol->sector, err) != 0)
			return -1;
		memcpy(dst, vol->sector, len);
	}
	return 0;
}

int fat_read(struct fat_vol *vol, const struct fat_file *f, uint32_t offset, void *dst,
	     uint32_t len, struct err *err)
{
	uint32_t cb = vol->cluster_bytes, need, idx, c, walked;
	uint8_t *out = dst;
	uint64_t end;

	if (first_cluster_check(vol, f, err) != 0)
		return -1;
	end = (uint64_t)offset + len;
	if (end > f->size)
		return err_fail(err, "fat: %s: %s: read of bytes [%u, %llu) past the file size %u",
				vol->dev->name, f->path, offset, (unsigned long long)end, f->size);
	if (len == 0)
		return 0;
	/* The whole chain once per file (a loop would otherwise feed the
	 * same clusters twice into a read that stops before the end). */
	if (vol->checked_first != f->first_cluster || vol->checked_size != f->size) {
		if (fat_check_chain(vol, f, err) != 0)
			return -1;
		vol->checked_first = f->first_cluster;
		vol->checked_size = f->size;
	}
	need = clusters_for(vol, f->size);
	/* Walk to the cluster holding offset, counting so a loop ends. */
	c = f->first_cluster;
	walked = 1;
	for (idx = offset / cb; idx > 0; idx--) {
		uint32_t next = 0;

		if (fat_step(vol, f->path, c, &next, err) != 0)
			return -1;
		if (next == 0)
			goto short_chain;
		walked++;
		c = next;
	}
	offset %= cb;
	while (len > 0) {
		uint32_t run_start = c, run_len = 1, bytes, next = 0;

		/* Extend the run while the next cluster follows on disk and
		 * the bytes wanted go on. */
		for (;;) {
			uint64_t have = (uint64_t)run_len * cb - offset;

			if (have >= len)
				break;
			if (fat_step(vol, f->path, c, &next, err) != 0)
				return -1;
			if (next == 0)
				goto short_chain;
			walked++;
			if (next != c + 1)
				break;
			c = next;
			run_len++;
			next = 0;
		}
		bytes = (uint64_t)run_len * cb - offset >= len ? len : run_len * cb - offset;
		if (run_read(vol, run_start, offset, out, bytes, err) != 0)
			return -1;
		out += bytes;
		len -= bytes;
		offset = 0;
		c = next;
	}
	return 0;

short_chain:
	return err_fail(err, "fat: %s: %s: cluster chain ends after %u clusters, its %u bytes need %u",
			vol->dev->name, f->path, walked, f->size, need);
}
