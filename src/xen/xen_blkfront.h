/*
 * xen_blkfront.h - a polled Xen PV block frontend (xen/io/blkif.h): the
 * disk of a Xen PVH domU (xl's disk = [...], xvda) for firmware mode. One
 * single-page ring of 32 requests, each of 11 granted 4 KiB frames of the
 * destination itself (a bounce page only for a buffer not 512-byte
 * aligned); a read keeps up to 32 requests in flight, then waits for them
 * all. No interrupts: the backend is kicked through its event channel and
 * the response producer is polled.
 *
 * The xenbus handshake is the one Linux's xen-blkfront does (backend in
 * InitWait: ring-ref, event-channel, protocol, Initialised; backend
 * Connected: read sectors, Connected). Before the kernel starts,
 * xen_blkfront_close() walks both ends to Closed and the frontend back to
 * Initialising, so that the backend waits in InitWait again and the
 * kernel's own frontend connects as if pvhboot had never been there.
 * Caller: the firmware-mode disk finder (src/loader/disk/disk_find.c).
 */
#ifndef PVHBOOT_XEN_BLKFRONT_H
#define PVHBOOT_XEN_BLKFRONT_H

#include "xen/xen_pv.h"

#include <xen/io/blkif.h>

#define XEN_BLKFRONT_MAX 8 /* devices connected at once (each has its own ring ref) */

struct xen_blkfront {
	uint8_t ring[4096] __attribute__((aligned(4096))); /* the shared ring page */
	blkif_front_ring_t front;
	uint32_t vdev;        /* the xenstore device number, 51712 for xvda */
	unsigned slot;        /* 0 ... XEN_BLKFRONT_MAX - 1: picks its ring's grant ref */
	domid_t backend_id;
	char node[32];        /* "device/vbd/51712" */
	char backend[128];    /* the backend's xenstore directory */
	char name[16];        /* "xvda", as Linux names it */
	evtchn_port_t port;
	uint64_t sectors;     /* 512-byte sectors */
	bool read_only, connected;
	unsigned ring_size;   /* requests the ring holds */
	uint64_t requests, bytes_read;
};

/*
 * The vbds of this domain (xenstore device/vbd), in the order their
 * numbers sort: at most max into vdevs, *n how many. 0 with *n = 0 when
 * the domain has none; 1 when there is no xenstore at all.
 */
int xen_blkfront_list(uint32_t *vdevs, unsigned max, unsigned *n, struct err *err);

/* Connect to vdev's backend (see above). Messages name the device and the state seen. */
int xen_blkfront_connect(struct xen_blkfront *b, uint32_t vdev, unsigned slot,
			 struct err *err);

/* Read count sectors from lba into buf (physical = virtual, below 4 GiB). */
int xen_blkfront_read(struct xen_blkfront *b, uint64_t lba, uint64_t count, void *buf,
		      struct err *err);

/* Disconnect (see above); safe on a device that never connected. */
int xen_blkfront_close(struct xen_blkfront *b, struct err *err);

#endif
