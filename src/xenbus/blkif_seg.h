/*
 * blkif_seg.h - how a read becomes blkif requests (xen/io/blkif.h): each
 * request names up to BLKIF_SEGS 4 KiB frames of the destination by grant,
 * with the first and last 512-byte sector inside each frame. Pure, so the
 * unit tests check the split; the ring itself is src/xen/xen_blkfront.c.
 * Also the name Linux gives a virtual block device number (xvda...).
 */
#ifndef PVHBOOT_XENBUS_BLKIF_SEG_H
#define PVHBOOT_XENBUS_BLKIF_SEG_H

#include "lib/env.h"

#define BLKIF_SEGS 11u            /* BLKIF_MAX_SEGMENTS_PER_REQUEST */
#define BLKIF_FRAME 4096u         /* a grant covers one such frame */
#define BLKIF_SECTOR 512u         /* sector_number, first_sect, last_sect count these */
#define BLKIF_SECTORS_PER_FRAME (BLKIF_FRAME / BLKIF_SECTOR)

struct blkif_seg {
	uint64_t frame; /* physical address of the 4 KiB frame, aligned */
	uint8_t first_sect, last_sect;
};

struct blkif_req_plan {
	unsigned nseg;
	uint32_t nsectors; /* sectors the request reads: sum of the segments */
	struct blkif_seg seg[BLKIF_SEGS];
};

/*
 * One request's segments for reading count sectors (count >= 1) into the
 * buffer at physical address addr, which must be 512-byte aligned: the
 * frames the first bytes fall in, at most max_seg (1 ... BLKIF_SEGS) of
 * them. Returns the sectors covered (1 ... count); 0 when addr is not
 * aligned, count is 0 or max_seg is out of range.
 */
uint32_t blkif_plan(uint64_t addr, uint64_t count, unsigned max_seg, struct blkif_req_plan *out);

/*
 * Linux's name for virtual device number vdev (xenstore device/vbd/VDEV):
 * major 202 gives "xvd" + letters (minor / 16: a ... z, aa ...), the
 * extended form (bit 28) "xvd" + letters of bits 8-27; other majors
 * (emulated IDE or SCSI numbers) "xbdVDEV". Always NUL-terminated.
 */
void blkif_vdev_name(uint32_t vdev, char *out, size_t size);

#endif
