/*
 * part.h - the partitions of a disk: GPT (protective MBR, primary header and
 * entry array checked by CRC32, the backup header when the primary is bad)
 * and a plain MBR when the disk has no GPT. Called by the firmware's disk
 * front end to find the ESP and the XBOOTLDR partition (Boot Loader
 * Specification) before mounting them with fat.h.
 *
 * Messages start with "gpt: NAME: " or "mbr: NAME: " (NAME = dev->name).
 */
#ifndef PVHBOOT_FS_PART_H
#define PVHBOOT_FS_PART_H

#include "fs/blkdev.h"

/* Partitions reported; further GPT entries in use are an error, not dropped. */
#define PART_MAX 128
/* GPT names are UTF-16; stored as UTF-8 (non-ASCII kept), NUL-terminated. */
#define PART_NAME_MAX 112
/* Caps on the GPT entry array: entry size a multiple of 128 up to 4096,
 * at most 1024 entries, at most 1 MiB of array. */
#define GPT_ENTRY_SIZE_MAX 4096u
#define GPT_ENTRIES_MAX 1024u
#define GPT_ARRAY_BYTES_MAX (1024u * 1024u)

enum part_scheme { PART_SCHEME_GPT = 1, PART_SCHEME_MBR = 2 };
enum part_kind { PART_OTHER = 0, PART_ESP = 1, PART_XBOOTLDR = 2 };

struct part {
	uint32_t number;       /* 1-based: GPT entry index + 1, MBR slot 1..4 */
	uint64_t start_lba;    /* first sector, in dev's sectors */
	uint64_t nsectors;     /* length in sectors, >= 1 */
	enum part_kind kind;   /* from the GPT type GUID or the MBR type byte */
	uint8_t type_guid[16]; /* GPT: on-disk (mixed-endian) bytes; MBR: zero */
	uint8_t mbr_type;      /* MBR: the type byte; GPT: 0 */
	char name[PART_NAME_MAX]; /* GPT partition name (UTF-8), MBR: "" */
};

struct part_table {
	enum part_scheme scheme;
	bool gpt_from_backup; /* the primary GPT was bad; why is in backup_reason */
	char backup_reason[ERR_MSG_MAX];
	uint32_t count;
	struct part parts[PART_MAX]; /* in on-disk order, unused entries skipped */
	/* Reader's working storage (one sector); not output. */
	uint8_t sector[BLKDEV_SECTOR_MAX];
};

/*
 * Reads the partition table of dev into *table. 0: a GPT or an MBR was found
 * and every partition in it lies inside the disk (count may be 0); -1 with
 * err set otherwise: no table, device errors, a GPT whose primary and backup
 * are both bad (the message says why the primary was refused), partitions
 * past the end or outside the GPT's usable range. The protective MBR's 0xee
 * entry sends the reader to the GPT; a disk with a GPT signature at LBA 1
 * but no protective MBR is read as GPT too.
 */
int part_scan(const struct blkdev *dev, struct part_table *table, struct err *err);
/* Note: a FAT volume written on the whole disk ("superfloppy") also ends its
 * first sector with 0x55aa; it reads as an MBR with count 0 (or as an error
 * when its boot code looks like broken entries). A caller wanting such
 * disks tries fat_mount() on the whole device when no ESP is found. */

/* The first partition of that kind, or NULL. */
const struct part *part_find(const struct part_table *table, enum part_kind kind);

/* "ESP", "XBOOTLDR" or "other", for the firmware's listing. */
const char *part_kind_name(enum part_kind kind);

#endif
