/*
 * virtio_blk.h - a polled virtio block driver: one queue, one request in
 * flight, each request as large as the device allows (seg_max segments of
 * size_max bytes, at most VIRTIO_BLK_REQ_MAX), no interrupts. Caller: the
 * firmware-mode front end (src/loader/disk/), after virtio_pci_probe() or
 * virtio_mmio_probe() filled the device.
 */
#ifndef PVHBOOT_HW_VIRTIO_BLK_H
#define PVHBOOT_HW_VIRTIO_BLK_H

#include "hw/virtio.h"

#define VIRTIO_BLK_SECTOR 512u
#define VIRTQ_MAX 256u               /* the ring below is laid out for this many entries */
#define VIRTQ_RING_BYTES (3u * 4096) /* legacy layout of VIRTQ_MAX entries */
#define VIRTIO_BLK_REQ_MAX (8u << 20) /* bytes in one request */
#define VIRTIO_BLK_SEG_DEFAULT (4u << 20) /* a segment when the device sets no size_max */

struct virtio_blk {
	uint8_t ring[VIRTQ_RING_BYTES] __attribute__((aligned(4096)));
	struct virtio_dev dev;
	uint16_t qsize;
	uint16_t avail_idx, used_idx; /* next to publish, next to consume */
	uint64_t features;            /* negotiated */
	uint64_t capacity;            /* in 512-byte sectors */
	uint32_t blk_size;            /* logical block size the device reports (else 512) */
	uint32_t seg_max, seg_bytes;  /* per request: data segments, bytes each */
	bool read_only;
	uint8_t hdr[16] __attribute__((aligned(16)));
	volatile uint8_t status;
	uint64_t requests, bytes_read;
};

/* Reset and set up the device; fails naming the device and what it lacks. */
int virtio_blk_init(struct virtio_blk *b, struct err *err);

/*
 * Read count 512-byte sectors from lba into buf (physical = virtual, below
 * 4 GiB). Fails, naming the device, the sector and the status, on a device
 * error, a short read, a range past the capacity or a device that does not
 * answer.
 */
int virtio_blk_read(struct virtio_blk *b, uint64_t lba, uint64_t count, void *buf,
		    struct err *err);

#endif
