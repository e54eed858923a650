/*
 * disk_boot.c - firmware mode (see disk.h): find the disks, then on each in
 * turn the partition table, the ESP (and XBOOTLDR), loader.conf and the
 * Boot Loader Specification entries; pick an entry as the UEFI loader does
 * (same parsers, same order, same default), read its kernel and initrds
 * into free RAM, and hand the request to boot_run(). Caller:
 * loader_pvh_main() when the VMM gave no module.
 */
#include "loader/disk/disk.h"
#include "hw/portio.h"
#include "hw/tsc.h"
#include "lib/crc32.h"
#include "lib/fmt.h"
#include "loader/boot.h"
#include "loader/console.h"

extern char __image_end[];

#define CRC_CHUNK (8u << 20)

static struct disk disks[DISK_MAX];
static struct memmap stage_map;
static struct disk_stage stage;
static uint32_t tsc_khz;
static const struct loader_options *opts;

uint64_t disk_ms(uint64_t t0, uint64_t t1)
{
	return tsc_khz ? (t1 - t0) / tsc_khz : 0;
}

static void print_time(const char *what, uint64_t bytes, uint64_t t0, uint64_t t1)
{
	uint64_t ms = disk_ms(t0, t1);
	if (!tsc_khz) {
		console_printf("%s: %llu bytes in %llu TSC cycles\n", what, (unsigned long long)bytes,
			       (unsigned long long)(t1 - t0));
		return;
	}
	/* MB/s = bytes / (1000 * ms) */
	uint64_t kbps = ms ? bytes / ms : 0; /* bytes per ms = kB/s */
	console_printf("%s: %llu bytes in %llu ms (%llu MB/s)\n", what, (unsigned long long)bytes,
		       (unsigned long long)ms, (unsigned long long)(kbps / 1000));
}

/* pvhboot.disk-crc: the whole disk through the driver, its CRC-32 and read time. */
static void disk_crc(struct disk *d)
{
	struct disk_stage scratch = stage;
	uint64_t buf = disk_stage_alloc(&scratch, CRC_CHUNK);
	struct err err;
	uint32_t crc = 0;

	if (!buf) {
		console_printf("pvhboot: disk %s: no room for a %u-byte buffer\n", d->name, CRC_CHUNK);
		return;
	}
	uint64_t cycles = 0;
	for (uint64_t lba = 0; lba < d->vblk.capacity;) {
		uint64_t left = d->vblk.capacity - lba;
		uint64_t n = left < CRC_CHUNK / VIRTIO_BLK_SECTOR ? left : CRC_CHUNK / VIRTIO_BLK_SECTOR;
		err_clear(&err);
		uint64_t t0 = cpu_rdtsc();
		if (virtio_blk_read(&d->vblk, lba, n, (void *)(uintptr_t)buf, &err)) {
			console_printf("pvhboot: disk %s: %s\n", d->name, err.msg);
			return;
		}
		cycles += cpu_rdtsc() - t0;
		crc = crc32_update(crc, (const void *)(uintptr_t)buf, (size_t)(n * VIRTIO_BLK_SECTOR));
		lba += n;
	}
	char what[96];
	fmt_snprintf(what, sizeof(what), "pvhboot: disk %s: crc32 0x%08x, %llu requests", d->name,
		     crc, (unsigned long long)d->vblk.requests);
	print_time(what, d->vblk.capacity * VIRTIO_BLK_SECTOR, 0, cycles);
}

void disk_boot(struct bootreq *req, const struct loader_options *options)
{
	struct err err;

	opts = options;
	uint64_t t_start = cpu_rdtsc();
	tsc_khz = tsc_calibrate_khz();
	console_printf("pvhboot: firmware mode: no module given, booting from disk (TSC %u kHz)\n",
		       tsc_khz);
	err_clear(&err);
	if (memmap_normalise(&stage_map, req->raw, req->nraw, &err) ||
	    disk_stage_init(&stage, &stage_map, (uintptr_t)__image_end, &err))
		loader_fail(opts, err.msg);

	unsigned n = disk_find(disks, DISK_MAX);
	if (opts->disk_crc)
		for (unsigned i = 0; i < n; i++)
			disk_crc(&disks[i]);
	(void)t_start;
	loader_fail(opts, n ? "firmware mode: no bootable disk (no ESP with /loader/entries/*.conf)"
			      " and no modules: give a disk with an ESP, or the PVH kernel as the "
			      "module (QEMU: -initrd)" :
			      "firmware mode: no virtio block device found and no modules: give a "
			      "disk, or the PVH kernel as the module (QEMU: -initrd)");
}
