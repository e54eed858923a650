/*
 * disk_find.c - the block devices of the machine, in the order they are
 * tried (see disk.h), and their release before the kernel starts. Caller:
 * disk_boot().
 */
#include "loader/console.h"
#include "loader/disk/disk.h"
#include "hw/pci.h"
#include "lib/fmt.h"
#include "xen/xen_guest.h"

/* QEMU 7.2's microvm: 24 virtio-mmio transports of 0x200 bytes from 0xfeb00000. */
#define MMIO_BASE 0xfeb00000u
#define MMIO_STRIDE 0x200u
#define MMIO_COUNT 24u

static struct pci_dev pci_devs[PCI_MAX_DEVICES];
/* The Xen vbds connected, for disk_release(). */
static struct disk *xen_disks[XEN_BLKFRONT_MAX];
static unsigned xen_ndisks;

static int disk_read_cb(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct disk *d = ctx;
	struct err err;

	err_clear(&err);
	int rc = d->kind == DISK_XEN ? xen_blkfront_read(&d->xbf, lba, count, buf, &err) :
				       virtio_blk_read(&d->vblk, lba, count, buf, &err);
	if (rc) {
		console_printf("pvhboot: disk %s: %s\n", d->name, err.msg);
		return -1;
	}
	return 0;
}

/* d's struct blkdev: reads through disk_read_cb, whichever driver d has. */
static void disk_blkdev_set(struct disk *d, uint32_t sector_size, uint64_t nsectors)
{
	d->dev = (struct blkdev){
		.ctx = d,
		.read = disk_read_cb,
		.sector_size = sector_size,
		.nsectors = nsectors,
		.max_sectors = 0,
		.name = d->name,
	};
}

uint64_t disk_requests(const struct disk *d)
{
	return d->kind == DISK_XEN ? d->xbf.requests : d->vblk.requests;
}

/* Initialise the probed device in d; print it; true when it can be used. */
static bool disk_setup(struct disk *d, unsigned index)
{
	struct err err;

	err_clear(&err);
	d->kind = DISK_VIRTIO;
	fmt_snprintf(d->name, sizeof(d->name), "vd%c", 'a' + index);
	if (virtio_blk_init(&d->vblk, &err)) {
		console_printf("pvhboot: %s: not used: %s\n", d->vblk.dev.name, err.msg);
		return false;
	}
	uint64_t bytes = d->vblk.capacity * VIRTIO_BLK_SECTOR;
	console_printf("pvhboot: disk %s: %s, %llu sectors (%llu MiB), queue %u, %u segments of "
		       "%u KiB per request%s\n",
		       d->name, d->vblk.dev.name, (unsigned long long)d->vblk.capacity,
		       (unsigned long long)(bytes >> 20), d->vblk.qsize, d->vblk.seg_max,
		       d->vblk.seg_bytes >> 10, d->vblk.read_only ? ", read-only" : "");
	disk_blkdev_set(d, VIRTIO_BLK_SECTOR, d->vblk.capacity);
	return d->vblk.capacity != 0;
}

static bool mmio_window_is_pci(const struct pci_dev *devs, unsigned n, uint64_t addr)
{
	for (unsigned i = 0; i < n; i++) {
		if (devs[i].header_type != 0)
			continue;
		for (unsigned b = 0; b < PCI_NUM_BARS; b++) {
			struct pci_bar bar;
			pci_bar_decode(&devs[i], b, &bar);
			if (bar.kind == PCI_BAR_MEM64)
				b++;
			if ((bar.kind == PCI_BAR_MEM32 || bar.kind == PCI_BAR_MEM64) && bar.addr &&
			    addr < bar.addr + bar.size && addr + MMIO_STRIDE > bar.addr)
				return true;
		}
	}
	return false;
}

static void disk_note(const char *msg)
{
	console_printf("pvhboot: %s\n", msg);
}

/*
 * A Xen domain's vbds: connected one by one, each printed with what its
 * backend said. Returns how many of disks[0..max) it set up.
 */
static unsigned find_xen(struct disk *disks, unsigned max)
{
	uint32_t vdevs[XEN_BLKFRONT_MAX];
	unsigned nvdev, n = 0;
	struct err err;

	err_clear(&err);
	int rc = xen_blkfront_list(vdevs, ARRAY_SIZE(vdevs), &nvdev, &err);
	if (rc == 1)
		return 0; /* no xenstore: a dom0, whose disks are on its PCI bus */
	if (rc) {
		console_printf("pvhboot: xen: %s\n", err.msg);
		return 0;
	}
	console_printf("pvhboot: xen: %u virtual block device%s in xenstore (device/vbd)\n", nvdev,
		       nvdev == 1 ? "" : "s");
	for (unsigned i = 0; i < nvdev && n < max; i++) {
		struct disk *d = &disks[n];
		struct xen_blkfront *b = &d->xbf;
		d->kind = DISK_XEN;
		err_clear(&err);
		if (xen_blkfront_connect(b, vdevs[i], xen_ndisks, &err)) {
			console_printf("pvhboot: xen vbd %u: not used: %s\n", vdevs[i], err.msg);
			/* Half connected: the backend must be walked back before the kernel comes. */
			if (b->connected)
				xen_disks[xen_ndisks++] = d;
			continue;
		}
		xen_disks[xen_ndisks++] = d;
		fmt_snprintf(d->name, sizeof(d->name), "%s", b->name);
		console_printf("pvhboot: disk %s: xen vbd %u, backend domain %u (%s), %llu sectors "
			       "(%llu MiB), ring of %u requests of %u segments%s\n",
			       d->name, b->vdev, b->backend_id, b->backend,
			       (unsigned long long)b->sectors,
			       (unsigned long long)((b->sectors * 512) >> 20), b->ring_size,
			       BLKIF_MAX_SEGMENTS_PER_REQUEST, b->read_only ? ", read-only" : "");
		disk_blkdev_set(d, 512, b->sectors);
		if (b->sectors)
			n++;
	}
	return n;
}

int disk_release(struct err *err)
{
	int rc = 0;

	for (unsigned i = 0; i < xen_ndisks; i++) {
		struct xen_blkfront *b = &xen_disks[i]->xbf;
		if (!b->connected)
			continue;
		uint64_t reqs = b->requests, bytes = b->bytes_read;
		if (xen_blkfront_close(b, err)) {
			rc = -1;
			continue;
		}
		console_printf("pvhboot: disk %s: xen vbd %u closed after %llu requests (%llu bytes); "
			       "backend back in InitWait for the kernel\n", b->name, b->vdev,
			       (unsigned long long)reqs, (unsigned long long)bytes);
	}
	/* With a ref still granted, the frame must stay: the backend may use it. */
	if (rc == 0 && xen_gnttab_ready()) {
		if (xen_gnttab_release(err))
			return -1;
		console_puts("pvhboot: xen: grant table unmapped, its page given back as RAM\n");
	}
	return rc;
}

unsigned disk_find(struct disk *disks, unsigned max, const struct memmap *map)
{
	static struct pci_window busy[128];
	unsigned n = 0, nbusy = 0;
	struct err err;
	bool xen = xen_hypercall_ready();

	if (xen)
		n = find_xen(disks, max);
	unsigned nxen = n; /* virtio disks are named vda, vdb... after them */
	unsigned npci = pci_scan(pci_devs, PCI_MAX_DEVICES);
	/* Everything the memory map names (RAM, ACPI, reserved: MMCONFIG, ...) stays clear. */
	for (unsigned i = 0; i < map->n && nbusy < ARRAY_SIZE(busy); i++)
		if (map->e[i].addr < 0x100000000ull)
			busy[nbusy++] = (struct pci_window){ map->e[i].addr,
							     map->e[i].addr + map->e[i].size };
	pci_place_high_bars(pci_devs, npci, busy, nbusy, disk_note);
	for (unsigned i = 0; i < npci && n < max; i++) {
		const struct pci_dev *p = &pci_devs[i];
		if (p->vendor != 0x1af4)
			continue;
		err_clear(&err);
		int rc = virtio_pci_probe(p, VIRTIO_ID_BLOCK, &disks[n].vblk.dev, &err);
		if (rc < 0)
			console_printf("pvhboot: %s\n", err.msg);
		if (rc == 1 && disk_setup(&disks[n], n - nxen))
			n++;
	}
	/*
	 * QEMU plugs the first -device into the last transport: walk them
	 * downwards. Not under Xen: no VMM puts them there, and in a dom0 the
	 * addresses are the machine's.
	 */
	for (unsigned i = xen ? 0 : MMIO_COUNT; i-- > 0 && n < max;) {
		uintptr_t addr = MMIO_BASE + i * MMIO_STRIDE;
		if (mmio_window_is_pci(pci_devs, npci, addr))
			continue;
		err_clear(&err);
		int rc = virtio_mmio_probe(addr, VIRTIO_ID_BLOCK, &disks[n].vblk.dev, &err);
		if (rc < 0)
			console_printf("pvhboot: %s\n", err.msg);
		if (rc == 1 && disk_setup(&disks[n], n - nxen))
			n++;
	}
	console_printf("pvhboot: %u PCI function%s, %u disk%s\n", npci, npci == 1 ? "" : "s", n,
		       n == 1 ? "" : "s");
	return n;
}
