/*
 * part.c - part_scan(): decides between GPT and MBR from LBA 0 and 1 and
 * hands over to gpt.c or mbr.c (see part.h). Caller: the firmware's disk
 * front end.
 */
#include "fs/part_private.h"

/* C12A7328-F81F-11D2-BA4B-00A0C93EC93B (first three fields little-endian). */
const uint8_t part_guid_esp[16] = {
	0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
	0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b,
};
/* BC13C2FF-59E6-4262-A352-B275FD6F7172 */
const uint8_t part_guid_xbootldr[16] = {
	0xff, 0xc2, 0x13, 0xbc, 0xe6, 0x59, 0x62, 0x42,
	0xa3, 0x52, 0xb2, 0x75, 0xfd, 0x6f, 0x71, 0x72,
};

#define MBR_TYPE_PROTECTIVE 0xee

static bool has_signature(const uint8_t *s)
{
	return s[510] == 0x55 && s[511] == 0xaa;
}

static bool is_protective(const uint8_t *s)
{
	for (unsigned i = 0; i < 4; i++)
		if (s[446 + 16 * i + 4] == MBR_TYPE_PROTECTIVE)
			return true;
	return false;
}

int part_scan(const struct blkdev *dev, struct part_table *table, struct err *err)
{
	struct err gpt_err;
	bool sig;

	table->count = 0;
	table->gpt_from_backup = false;
	table->backup_reason[0] = '\0';
	if (blkdev_check(dev, err) != 0)
		return -1;
	if (blkdev_read(dev, 0, 1, table->sector, err) != 0)
		return -1;
	sig = has_signature(table->sector);
	if (sig && !is_protective(table->sector)) {
		if (mbr_scan(dev, table->sector, table, err) == 0)
			return 0;
		table->count = 0; /* no half tables: all or nothing */
		return -1;
	}
	/* Protective MBR, or no MBR at all: a GPT or nothing. */
	err_clear(&gpt_err);
	if (dev->nsectors >= 3 && gpt_scan(dev, table, &gpt_err) == 0) {
		table->scheme = PART_SCHEME_GPT;
		return 0;
	}
	table->count = 0;
	if (dev->nsectors < 3)
		err_fail(&gpt_err, "gpt: %s: disk of %llu sectors too small", dev->name,
			 (unsigned long long)dev->nsectors);
	if (sig)
		return err_fail(err, "%s", gpt_err.msg);
	return err_fail(err, "mbr: %s: no partition table: no 0x55aa signature at byte 510 of LBA 0, and %s",
			dev->name, gpt_err.msg);
}

const struct part *part_find(const struct part_table *table, enum part_kind kind)
{
	for (uint32_t i = 0; i < table->count && i < PART_MAX; i++)
		if (table->parts[i].kind == kind)
			return &table->parts[i];
	return NULL;
}

const char *part_kind_name(enum part_kind kind)
{
	switch (kind) {
	case PART_ESP:
		return "ESP";
	case PART_XBOOTLDR:
		return "XBOOTLDR";
	default:
		return "other";
	}
}
