/*
 * mbr.c - the four primary entries of a classic MBR (part_scan's fallback
 * when LBA 0 holds no protective 0xee entry). Extended partitions are listed
 * with their type but not followed: an ESP or XBOOTLDR is a primary one.
 */
#include "fs/part_private.h"

#define MBR_TYPE_ESP 0xef
#define MBR_TYPE_XBOOTLDR 0xea

int mbr_scan(const struct blkdev *dev, const uint8_t *sector, struct part_table *table,
	     struct err *err)
{
	table->scheme = PART_SCHEME_MBR;
	table->count = 0;
	for (uint32_t i = 0; i < 4; i++) {
		const uint8_t *e = sector + 446 + 16 * i;
		uint8_t type = e[4];
		uint64_t start = le32(e + 8), count = le32(e + 12);
		struct part *p;

		if (type == 0 || count == 0)
			continue;
		if (e[0] != 0 && e[0] != 0x80)
			return err_fail(err, "mbr: %s: entry %u: boot flag 0x%02x is neither 0 nor 0x80",
					dev->name, i + 1, e[0]);
		if (start == 0 || start + count > dev->nsectors)
			return err_fail(err, "mbr: %s: entry %u: sectors [%llu, %llu) not inside the disk [1, %llu)",
					dev->name, i + 1, (unsigned long long)start,
					(unsigned long long)(start + count),
					(unsigned long long)dev->nsectors);
		p = &table->parts[table->count++];
		memset(p, 0, sizeof(*p));
		p->number = i + 1;
		p->start_lba = start;
		p->nsectors = count;
		p->mbr_type = type;
		p->kind = type == MBR_TYPE_ESP ? PART_ESP : type == MBR_TYPE_XBOOTLDR ? PART_XBOOTLDR
										       : PART_OTHER;
	}
	return 0;
}
