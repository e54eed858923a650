/*
 * part_private.h - between part.c (the dispatch) and the two table readers,
 * gpt.c and mbr.c. Not for callers outside src/fs.
 */
#ifndef PVHBOOT_FS_PART_PRIVATE_H
#define PVHBOOT_FS_PART_PRIVATE_H

#include "fs/part.h"

/* Reads the GPT (primary, then backup) into table. -1 with err set when
 * neither copy is good. */
int gpt_scan(const struct blkdev *dev, struct part_table *table, struct err *err);

/* Reads the four primary MBR entries; sector holds LBA 0 (signature checked). */
int mbr_scan(const struct blkdev *dev, const uint8_t *sector, struct part_table *table,
	     struct err *err);

/* The GPT type GUIDs of the ESP and XBOOTLDR, in on-disk byte order. */
extern const uint8_t part_guid_esp[16];
extern const uint8_t part_guid_xbootldr[16];

#endif
