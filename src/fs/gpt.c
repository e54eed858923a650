/*
 * gpt.c - the GUID Partition Table (UEFI 2.10, chapter 5): header at LBA 1,
 * checked by its CRC32 and the CRC32 of its entry array, each field against
 * the disk, and the backup header at the last LBA when the primary is bad.
 * Called by part_scan() (part.c).
 */
#include "fs/part_private.h"
#include "fs/utf16.h"
#include "lib/crc32.h"
#include "lib/fmt.h"

#define GPT_HEADER_MIN 92u
#define GPT_ENTRY_MIN 128u
#define GPT_NAME_UNITS 36u

struct gpt_header {
	uint64_t my_lba, alternate_lba, first_usable, last_usable, entries_lba;
	uint32_t num_entries, entry_size, entries_crc;
};

/* Checks the header in sector (read from LBA lba) and fills *h. */
static int header_parse(const struct blkdev *dev, const uint8_t *s, uint64_t lba,
			const char *which, struct gpt_header *h, struct err *err)
{
	static const uint8_t zero[4];
	uint32_t size, crc;
	uint64_t bytes, sectors, end;

	if (memcmp(s, "EFI PART", 8) != 0)
		return err_fail(err, "gpt: %s: %s header (LBA %llu): no \"EFI PART\" signature",
				dev->name, which, (unsigned long long)lba);
	size = le32(s + 12);
	if (size < GPT_HEADER_MIN || size > dev->sector_size)
		return err_fail(err, "gpt: %s: %s header: header size %u not in [%u, %u]", dev->name,
				which, size, GPT_HEADER_MIN, dev->sector_size);
	/* The CRC covers the header with its own CRC field taken as zero. */
	crc = crc32_update(0, s, 16);
	crc = crc32_update(crc, zero, 4);
	crc = crc32_update(crc, s + 20, size - 20);
	if (crc != le32(s + 16))
		return err_fail(err, "gpt: %s: %s header: header CRC32 0x%08x, computed 0x%08x",
				dev->name, which, le32(s + 16), crc);
	h->my_lba = le64(s + 24);
	h->alternate_lba = le64(s + 32);
	h->first_usable = le64(s + 40);
	h->last_usable = le64(s + 48);
	h->entries_lba = le64(s + 72);
	h->num_entries = le32(s + 80);
	h->entry_size = le32(s + 84);
	h->entries_crc = le32(s + 88);
	if (h->my_lba != lba)
		return err_fail(err, "gpt: %s: %s header: MyLBA %llu, read at LBA %llu", dev->name,
				which, (unsigned long long)h->my_lba, (unsigned long long)lba);
	if (h->first_usable > h->last_usable || h->last_usable >= dev->nsectors ||
	    h->first_usable < 2)
		return err_fail(err, "gpt: %s: %s header: usable LBAs [%llu, %llu] not inside [2, %llu]",
				dev->name, which, (unsigned long long)h->first_usable,
				(unsigned long long)h->last_usable,
				(unsigned long long)(dev->nsectors - 1));
	if (h->entry_size < GPT_ENTRY_MIN || h->entry_size > GPT_ENTRY_SIZE_MAX ||
	    h->entry_size % GPT_ENTRY_MIN != 0)
		return err_fail(err, "gpt: %s: %s header: entry size %u not a multiple of %u in [%u, %u]",
				dev->name, which, h->entry_size, GPT_ENTRY_MIN, GPT_ENTRY_MIN,
				GPT_ENTRY_SIZE_MAX);
	if (h->num_entries > GPT_ENTRIES_MAX)
		return err_fail(err, "gpt: %s: %s header: %u entries, more than %u", dev->name,
				which, h->num_entries, GPT_ENTRIES_MAX);
	bytes = (uint64_t)h->num_entries * h->entry_size;
	if (bytes > GPT_ARRAY_BYTES_MAX)
		return err_fail(err, "gpt: %s: %s header: entry array of %llu bytes, more than %u",
				dev->name, which, (unsigned long long)bytes, GPT_ARRAY_BYTES_MAX);
	sectors = (bytes + dev->sector_size - 1) / dev->sector_size;
	/* The array must lie inside the disk, outside the usable range and
	 * away from this header. */
	if (add_overflows(h->entries_lba, sectors, &end) || h->entries_lba < 1 ||
	    end > dev->nsectors ||
	    (h->entries_lba <= h->last_usable && end > h->first_usable) ||
	    (lba >= h->entries_lba && lba < end))
		return err_fail(err, "gpt: %s: %s header: entry array at LBA %llu (%llu sectors) overlaps the header, the usable range [%llu, %llu] or the disk end (%llu)",
				dev->name, which, (unsigned long long)h->entries_lba,
				(unsigned long long)sectors, (unsigned long long)h->first_usable,
				(unsigned long long)h->last_usable,
				(unsigned long long)dev->nsectors);
	return 0;
}

static bool guid_is_zero(const uint8_t *g)
{
	for (unsigned i = 0; i < 16; i++)
		if (g[i])
			return false;
	return true;
}

/* One entry (its first 128 bytes), index i, into the table. */
static int entry_add(const struct blkdev *dev, const struct gpt_header *h, const uint8_t *e,
		     uint32_t i, const char *which, struct part_table *table, struct err *err)
{
	uint64_t first = le64(e + 32), last = le64(e + 40);
	struct part *p;

	if (guid_is_zero(e))
		return 0;
	if (first > last || first < h->first_usable || last > h->last_usable)
		return err_fail(err, "gpt: %s: %s table: partition %u: LBAs [%llu, %llu] not inside the usable range [%llu, %llu]",
				dev->name, which, i + 1, (unsigned long long)first,
				(unsigned long long)last, (unsigned long long)h->first_usable,
				(unsigned long long)h->last_usable);
	if (table->count >= PART_MAX)
		return err_fail(err, "gpt: %s: %s table: more than %u partitions in use", dev->name,
				which, PART_MAX);
	p = &table->parts[table->count++];
	memset(p, 0, sizeof(*p));
	p->number = i + 1;
	p->start_lba = first;
	p->nsectors = last - first + 1;
	memcpy(p->type_guid, e, 16);
	p->kind = memcmp(e, part_guid_esp, 16) == 0        ? PART_ESP
		  : memcmp(e, part_guid_xbootldr, 16) == 0 ? PART_XBOOTLDR
							   : PART_OTHER;
	utf16le_to_utf8(e + 56, GPT_NAME_UNITS, p->name, sizeof(p->name));
	return 0;
}

/* Streams the entry array sector by sector: CRC32 over all of it, and the
 * first 128 bytes of each entry gathered (an entry may span sectors). */
static int entries_read(const struct blkdev *dev, const struct gpt_header *h, const char *which,
			struct part_table *table, struct err *err)
{
	uint64_t bytes = (uint64_t)h->num_entries * h->entry_size, off = 0, lba = h->entries_lba;
	uint8_t ent[GPT_ENTRY_MIN];
	uint32_t crc = 0;

	table->count = 0;
	while (off < bytes) {
		uint32_t n = dev->sector_size;

		if (bytes - off < n)
			n = (uint32_t)(bytes - off);
		if (blkdev_read(dev, lba, 1, table->sector, err) != 0)
			return -1;
		crc = crc32_update(crc, table->sector, n);
		for (uint32_t j = 0; j < n;) {
			uint64_t pos = off + j;
			uint32_t in = (uint32_t)(pos % h->entry_size);
			uint32_t idx = (uint32_t)(pos / h->entry_size);
			uint32_t take;

			if (in >= GPT_ENTRY_MIN) {
				/* Skip to the next entry's start (or the sector end). */
				take = h->entry_size - in;
				j = take > n - j ? n : j + take;
				continue;
			}
			take = GPT_ENTRY_MIN - in;
			if (take > n - j)
				take = n - j;
			memcpy(ent + in, table->sector + j, take);
			j += take;
			if (in + take == GPT_ENTRY_MIN &&
			    entry_add(dev, h, ent, idx, which, table, err) != 0)
				return -1;
		}
		off += n;
		lba++;
	}
	if (crc != h->entries_crc) {
		table->count = 0;
		return err_fail(err, "gpt: %s: %s table: entry array CRC32 0x%08x, computed 0x%08x",
				dev->name, which, h->entries_crc, crc);
	}
	return 0;
}

static int gpt_copy(const struct blkdev *dev, uint64_t lba, const char *which,
		    struct part_table *table, struct err *err)
{
	struct gpt_header h = { 0 };

	if (blkdev_read(dev, lba, 1, table->sector, err) != 0)
		return -1;
	if (header_parse(dev, table->sector, lba, which, &h, err) != 0)
		return -1;
	return entries_read(dev, &h, which, table, err);
}

int gpt_scan(const struct blkdev *dev, struct part_table *table, struct err *err)
{
	struct err primary, backup;

	err_clear(&primary);
	if (gpt_copy(dev, 1, "primary", table, &primary) == 0)
		return 0;
	err_clear(&backup);
	if (gpt_copy(dev, dev->nsectors - 1, "backup", table, &backup) == 0) {
		table->gpt_from_backup = true;
		fmt_snprintf(table->backup_reason, sizeof(table->backup_reason), "%s", primary.msg);
		return 0;
	}
	table->count = 0;
	return err_fail(err, "%s (and %s)", primary.msg, backup.msg);
}
