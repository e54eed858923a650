/*
 * blkdev.c - checked reads over a struct blkdev and partition windows
 * (slices). Used by the partition and FAT readers; every sector they read
 * goes through blkdev_read().
 */
#include "fs/blkdev.h"
#include "lib/fmt.h"

static bool sector_size_ok(uint32_t size)
{
	return size >= BLKDEV_SECTOR_MIN && size <= BLKDEV_SECTOR_MAX && (size & (size - 1)) == 0;
}

int blkdev_check(const struct blkdev *dev, struct err *err)
{
	const char *name = dev->name ? dev->name : "?";

	if (!dev->read)
		return err_fail(err, "blkdev: %s: no read function", name);
	if (!sector_size_ok(dev->sector_size))
		return err_fail(err, "blkdev: %s: sector size %u is not a power of two in [%u, %u]",
				name, dev->sector_size, BLKDEV_SECTOR_MIN, BLKDEV_SECTOR_MAX);
	if (dev->nsectors == 0)
		return err_fail(err, "blkdev: %s: no sectors", name);
	return 0;
}

int blkdev_read(const struct blkdev *dev, uint64_t lba, uint64_t count, void *buf,
		struct err *err)
{
	uint8_t *p = buf;
	uint64_t end;

	if (count == 0)
		return 0;
	if (add_overflows(lba, count, &end) || end > dev->nsectors)
		return err_fail(err, "blkdev: %s: read of %llu sectors at LBA %llu past the end (%llu)",
				dev->name, (unsigned long long)count, (unsigned long long)lba,
				(unsigned long long)dev->nsectors);
	while (count > 0) {
		uint32_t n = count > UINT32_MAX ? UINT32_MAX : (uint32_t)count;

		if (dev->max_sectors != 0 && n > dev->max_sectors)
			n = dev->max_sectors;
		if (dev->read(dev->ctx, lba, n, p) != 0)
			return err_fail(err, "blkdev: %s: read error at LBA %llu (%u sectors)",
					dev->name, (unsigned long long)lba, n);
		lba += n;
		count -= n;
		p += (size_t)n * dev->sector_size;
	}
	return 0;
}

static int slice_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	const struct blkdev_slice *s = ctx;
	uint64_t end;

	if (add_overflows(lba, count, &end) || end > s->dev.nsectors)
		return -1;
	return s->parent->read(s->parent->ctx, s->start + lba, count, buf);
}

int blkdev_slice_init(struct blkdev_slice *slice, const struct blkdev *parent, uint64_t start,
		      uint64_t count, const char *suffix, struct err *err)
{
	uint64_t end;

	if (blkdev_check(parent, err) != 0)
		return -1;
	if (count == 0 || add_overflows(start, count, &end) || end > parent->nsectors)
		return err_fail(err, "blkdev: %s: window of %llu sectors at LBA %llu is not inside the disk (%llu sectors)",
				parent->name, (unsigned long long)count, (unsigned long long)start,
				(unsigned long long)parent->nsectors);
	fmt_snprintf(slice->name, sizeof(slice->name), "%s%s", parent->name ? parent->name : "?",
		     suffix ? suffix : "");
	slice->parent = parent;
	slice->start = start;
	slice->dev.ctx = slice;
	slice->dev.read = slice_read;
	slice->dev.sector_size = parent->sector_size;
	slice->dev.nsectors = count;
	slice->dev.max_sectors = parent->max_sectors;
	slice->dev.name = slice->name;
	return 0;
}
