/*
 * disk.h - firmware mode: pvhboot-pvh.elf started through PVH with no
 * module boots from the guest's own disk. The disks (virtio-blk over PCI
 * and MMIO), the staging memory the files are read into, and the entry
 * point called by loader_pvh_main().
 */
#ifndef PVHBOOT_LOADER_DISK_H
#define PVHBOOT_LOADER_DISK_H

#include "fs/blkdev.h"
#include "hw/virtio_blk.h"
#include "xen/xen_blkfront.h"
#include "lib/env.h"
#include "loader/common/bootreq.h"
#include "loader/common/options.h"
#include "pvh/memmap.h"

#define DISK_MAX 8

enum disk_kind { DISK_VIRTIO, DISK_XEN };

struct disk {
	enum disk_kind kind;
	union {
		struct virtio_blk vblk;  /* DISK_VIRTIO */
		struct xen_blkfront xbf; /* DISK_XEN */
	};
	struct blkdev dev;
	char name[16]; /* "vda", "vdb", ... in the order found; Xen's "xvda" ... */
};

/*
 * Finds the block devices: in a Xen domain, its vbds (xenstore
 * device/vbd, connected through xen_blkfront); then the virtio PCI
 * functions on bus 0 and behind bridges (64-bit BARs above 4 GiB moved
 * below it, clear of map's ranges), then, outside Xen, the virtio-mmio
 * windows of QEMU's microvm that no PCI BAR covers. Prints each one (and
 * each device it could not use) and returns how many it set up in
 * disks[0..max).
 */
unsigned disk_find(struct disk *disks, unsigned max, const struct memmap *map);

/* Requests the disk's driver has sent so far. */
uint64_t disk_requests(const struct disk *d);

/*
 * Before the kernel starts: disconnect every Xen vbd (so the kernel's own
 * frontend can connect) and give back the grant table's page. 0, or -1
 * and err when a backend did not follow.
 */
int disk_release(struct err *err);

/* Free RAM to read files into before the plan runs: top-down below 4 GiB. */
struct disk_stage {
	uint64_t floor, top; /* [floor, top) is still free */
};

/* The RAM entry below 4 GiB with the most room above floor; 0, or -1 and err. */
int disk_stage_init(struct disk_stage *st, const struct memmap *map, uint64_t floor,
		    struct err *err);
/* size bytes, 4 KiB-aligned, below what was taken before; 0 when nothing fits. */
uint64_t disk_stage_alloc(struct disk_stage *st, uint64_t size);

/* Milliseconds between two TSC readings (0 when the rate is unknown). */
uint64_t disk_ms(uint64_t t0, uint64_t t1);

/* Firmware mode: never returns (boots an entry, or prints why not and halts). */
__attribute__((noreturn)) void disk_boot(struct bootreq *req, const struct loader_options *opts);

#endif
