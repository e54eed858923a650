/*
 * fat_dir.c - FAT directories: walking their 32-byte entries (the fixed
 * FAT12/16 root or a cluster chain), long names (VFAT LFN: ordinals and the
 * checksum of the short name, orphans ignored), 8.3 names, and the path
 * lookups and listings of fat.h on top of them.
 */
#include "fs/fat_private.h"
#include "fs/utf16.h"
#include "lib/fmt.h"

#define ATTR_VOLUME 0x08
#define ATTR_DIR 0x10
#define ATTR_LFN 0x0f
#define LFN_MAX_ENTRIES 20u
#define LFN_UNITS 13u
#define ENTRY_BYTES 32u

/* One entry as the walk reports it. */
struct dir_entry {
	const char *long_name; /* UTF-8, "" when there is none */
	char short_name[13];   /* "NAME.EXT", lowercase flags applied */
	uint8_t attr;
	uint32_t cluster;
	uint32_t size;
};

/* Return 0 to go on, 1 to stop, -1 on error. */
typedef int (*dir_visit_fn)(struct fat_vol *vol, const struct fat_file *dir,
			    const struct dir_entry *e, void *ctx, struct err *err);

struct lfn_state {
	uint8_t units[LFN_MAX_ENTRIES * LFN_UNITS * 2];
	uint32_t count; /* entries in the sequence; 0: none */
	uint32_t next;  /* ordinal expected next; 0 when complete */
	uint8_t sum;
};

static const uint8_t *dir_sector(struct fat_vol *vol, uint64_t lba, struct err *err)
{
	if (vol->dir_lba != lba) {
		vol->dir_lba = UINT64_MAX;
		if (blkdev_read(vol->dev, lba, 1, vol->dir_sector, err) != 0)
			return NULL;
		vol->dir_lba = lba;
	}
	return vol->dir_sector;
}

static uint8_t short_sum(const uint8_t *name)
{
	uint8_t sum = 0;

	for (unsigned i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name[i]);
	return sum;
}

static void lfn_add(struct lfn_state *l, const uint8_t *e)
{
	static const uint8_t offs[LFN_UNITS] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };
	uint32_t ord = e[0] & 0x3fu;

	if (e[0] & 0x40) {
		l->count = 0;
		if (ord == 0 || ord > LFN_MAX_ENTRIES)
			return;
		l->count = ord;
		l->next = ord;
		l->sum = e[13];
	}
	if (l->count == 0 || ord != l->next || e[13] != l->sum || ord == 0) {
		l->count = 0; /* an orphan or broken sequence: ignored, as FAT does */
		return;
	}
	for (unsigned i = 0; i < LFN_UNITS; i++) {
		uint8_t *u = l->units + 2 * ((ord - 1) * LFN_UNITS + i);

		u[0] = e[offs[i]];
		u[1] = e[offs[i] + 1];
	}
	l->next--;
}

static char short_char(uint8_t c, bool lower)
{
	if (c >= 0x80 || c < 0x20)
		return '?';
	if (lower && c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	return (char)c;
}

static void short_name(const uint8_t *e, char *out)
{
	size_t n = 0, base = 8, ext = 3;

	while (base > 0 && e[base - 1] == ' ')
		base--;
	while (ext > 0 && e[8 + ext - 1] == ' ')
		ext--;
	for (size_t i = 0; i < base; i++)
		out[n++] = short_char(i == 0 && e[0] == 0x05 ? 0xe5 : e[i], e[12] & 0x08);
	if (ext > 0) {
		out[n++] = '.';
		for (size_t i = 0; i < ext; i++)
			out[n++] = short_char(e[8 + i], e[12] & 0x10);
	}
	out[n] = '\0';
}

/* Handles one 32-byte entry; 2 at the end-of-directory marker. */
static int entry_visit(struct fat_vol *vol, const struct fat_file *dir, const uint8_t *e,
		       struct lfn_state *lfn, dir_visit_fn fn, void *ctx, struct err *err)
{
	char long_name[FAT_NAME_MAX];
	struct dir_entry de;

	if (e[0] == 0x00)
		return 2;
	if (e[0] == 0xe5) {
		lfn->count = 0;
		return 0;
	}
	if ((e[11] & 0x3f) == ATTR_LFN) {
		lfn_add(lfn, e);
		return 0;
	}
	long_name[0] = '\0';
	if (lfn->count != 0 && lfn->next == 0 && short_sum(e) == lfn->sum &&
	    !utf16le_to_utf8(lfn->units, lfn->count * LFN_UNITS, long_name, sizeof(long_name)))
		return err_fail(err, "fat: %s: %s: a long name longer than %u bytes", vol->dev->name,
				dir->path, FAT_NAME_MAX - 1);
	if (lfn->count == 0 || lfn->next != 0 || short_sum(e) != lfn->sum)
		long_name[0] = '\0';
	lfn->count = 0;
	if (e[11] & ATTR_VOLUME)
		return 0;
	if (e[0] == '.' && (e[1] == ' ' || (e[1] == '.' && e[2] == ' ')))
		return 0;
	de.long_name = long_name;
	short_name(e, de.short_name);
	/* All spaces and no long name: nothing can name it, so it is not listed. */
	if (!de.short_name[0] && !long_name[0])
		return 0;
	de.attr = e[11];
	de.cluster = le16(e + 26) | (vol->type == FAT_32 ? (uint32_t)le16(e + 20) << 16 : 0);
	de.size = le32(e + 28);
	return fn(vol, dir, &de, ctx, err);
}

/* Walks directory dir, calling fn for each live entry with its names. */
static int dir_walk(struct fat_vol *vol, const struct fat_file *dir, dir_visit_fn fn, void *ctx,
		    struct err *err)
{
	uint32_t per_sector = vol->sector_size / ENTRY_BYTES, c = 0, clusters = 0, max_clusters;
	uint64_t lba = 0;
	uint32_t nsec; /* sectors in the current span (root or cluster) */
	struct lfn_state lfn;

	lfn.count = 0;
	if (!dir->is_dir)
		return err_fail(err, "fat: %s: %s: not a directory", vol->dev->name, dir->path);
	if (dir->is_root && vol->type != FAT_32) {
		lba = vol->root_start;
		nsec = vol->root_sectors;
	} else {
		c = dir->is_root ? vol->root_cluster : dir->first_cluster;
		if (!fat_cluster_ok(vol, c))
			return err_fail(err, "fat: %s: %s: directory's first cluster %u not in [2, %u]",
					vol->dev->name, dir->path, c, vol->cluster_count + 1);
		lba = fat_cluster_lba(vol, c);
		nsec = vol->sectors_per_cluster;
	}
	max_clusters = FAT_DIR_ENTRIES_MAX * ENTRY_BYTES / vol->cluster_bytes;
	if (max_clusters == 0)
		max_clusters = 1;
	for (;;) {
		for (uint32_t s = 0; s < nsec; s++) {
			for (uint32_t i = 0; i < per_sector; i++) {
				const uint8_t *sec = dir_sector(vol, lba + s, err);
				int r;

				if (!sec)
					return -1;
				r = entry_visit(vol, dir, sec + i * ENTRY_BYTES, &lfn, fn, ctx, err);
				if (r < 0)
					return -1;
				if (r > 0)
					return 0;
			}
		}
		if (c == 0)
			return 0; /* the fixed root ends with its sectors */
		if (fat_step(vol, dir->path, c, &c, err) != 0)
			return -1;
		if (c == 0)
			return 0;
		if (++clusters >= max_clusters)
			return err_fail(err, "fat: %s: %s: directory chain longer than %u clusters (%u entries; a loop?)",
					vol->dev->name, dir->path, max_clusters, FAT_DIR_ENTRIES_MAX);
		lba = fat_cluster_lba(vol, c);
	}
}

/* Fills *out for entry e of dir, checking its first cluster. */
static int file_from_entry(struct fat_vol *vol, const struct fat_file *dir,
			   const struct dir_entry *e, struct fat_file *out, struct err *err)
{
	const char *name = e->long_name[0] ? e->long_name : e->short_name;

	memset(out, 0, sizeof(*out));
	fmt_snprintf(out->name, sizeof(out->name), "%s", name);
	fmt_snprintf(out->path, sizeof(out->path), "%s/%s", dir->is_root ? "" : dir->path, name);
	out->is_dir = (e->attr & ATTR_DIR) != 0;
	out->first_cluster = e->cluster;
	out->size = out->is_dir ? 0 : e->size;
	if (e->cluster != 0 && !fat_cluster_ok(vol, e->cluster))
		return err_fail(err, "fat: %s: %s: first cluster %u not in [2, %u] (past the partition's clusters)",
				vol->dev->name, out->path, e->cluster, vol->cluster_count + 1);
	if (e->cluster == 0 && (out->is_dir || out->size != 0))
		return err_fail(err, "fat: %s: %s: first cluster 0 for a %s of %u bytes",
				vol->dev->name, out->path, out->is_dir ? "directory" : "file",
				out->size);
	return 0;
}

static void root_file(struct fat_file *f)
{
	memset(f, 0, sizeof(*f));
	f->is_dir = true;
	f->is_root = true;
	f->path[0] = '/';
}

static bool name_eq(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen; i++) {
		char x = a[i], y = b[i];

		if (x == '\0')
			return false;
		if (x >= 'a' && x <= 'z')
			x = (char)(x - 'a' + 'A');
		if (y >= 'a' && y <= 'z')
			y = (char)(y - 'a' + 'A');
		if (x != y)
			return false;
	}
	return a[i] == '\0';
}

struct find_ctx {
	const char *name;
	size_t len;
	struct fat_file *out;
	bool found;
};

static int find_visit(struct fat_vol *vol, const struct fat_file *dir, const struct dir_entry *e,
		      void *ctx, struct err *err)
{
	struct find_ctx *f = ctx;

	if (!name_eq(e->long_name, f->name, f->len) && !name_eq(e->short_name, f->name, f->len))
		return 0;
	if (file_from_entry(vol, dir, e, f->out, err) != 0)
		return -1;
	f->found = true;
	return 1;
}

int fat_lookup(struct fat_vol *vol, const char *path, struct fat_file *out, struct err *err)
{
	struct fat_file cur;
	const char *p = path;

	root_file(&cur);
	if (strlen(path) >= FAT_PATH_MAX)
		return err_fail(err, "fat: %s: path of %u bytes, longer than %u", vol->dev->name,
				(unsigned)strlen(path), FAT_PATH_MAX - 1);
	for (;;) {
		struct find_ctx f;
		size_t n = 0;

		while (*p == '/' || *p == '\\')
			p++;
		if (*p == '\0')
			break;
		while (p[n] && p[n] != '/' && p[n] != '\\')
			n++;
		if (n == 1 && p[0] == '.') {
			p += n;
			continue;
		}
		if (!cur.is_dir)
			return FAT_NOT_FOUND;
		f.name = p;
		f.len = n;
		f.out = out;
		f.found = false;
		if (dir_walk(vol, &cur, find_visit, &f, err) != 0)
			return -1;
		if (!f.found)
			return FAT_NOT_FOUND;
		cur = *out;
		p += n;
	}
	*out = cur;
	return 0;
}

struct list_ctx {
	fat_list_fn fn;
	void *ctx;
	struct fat_file file;
	bool failed;
};

static int list_visit(struct fat_vol *vol, const struct fat_file *dir, const struct dir_entry *e,
		      void *ctx, struct err *err)
{
	struct list_ctx *l = ctx;
	int r;

	if (file_from_entry(vol, dir, e, &l->file, err) != 0)
		return -1;
	r = l->fn(l->ctx, &l->file);
	if (r < 0) {
		l->failed = true;
		return 1;
	}
	return r > 0 ? 1 : 0;
}

int fat_list(struct fat_vol *vol, const struct fat_file *dir, fat_list_fn fn, void *ctx,
	     struct err *err)
{
	struct list_ctx l = { .fn = fn, .ctx = ctx, .failed = false };

	if (dir_walk(vol, dir, list_visit, &l, err) != 0)
		return -1;
	return l.failed ? -1 : 0;
}

int fat_read_file(struct fat_vol *vol, const char *path, void *buf, uint32_t cap,
		  uint32_t *len, struct err *err)
{
	struct fat_file f = { 0 };
	int r = fat_lookup(vol, path, &f, err);

	if (r != 0)
		return r;
	if (f.is_dir)
		return err_fail(err, "fat: %s: %s: is a directory", vol->dev->name, f.path);
	if (f.size > cap)
		return err_fail(err, "fat: %s: %s: %u bytes, more than the %u bytes allowed",
				vol->dev->name, f.path, f.size, cap);
	if (fat_read(vol, &f, 0, buf, f.size, err) != 0)
		return -1;
	*len = f.size;
	return 0;
}
