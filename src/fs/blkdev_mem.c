/* blkdev_mem.c - a block device over a buffer (see blkdev_mem.h). */
#include "fs/blkdev_mem.h"

static int mem_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct blkdev_mem *m = ctx;
	uint64_t end, off, n;
	uint8_t *out = buf;

	m->reads++;
	if (m->fail_at_read != 0 && m->reads == (uint32_t)m->fail_at_read)
		return -1;
	if (count == 0 || add_overflows(lba, count, &end) || end > m->dev.nsectors)
		return -1;
	m->sectors_read += count;
	if (count > m->largest_read)
		m->largest_read = count;
	off = lba * m->dev.sector_size;
	n = (uint64_t)count * m->dev.sector_size;
	for (uint64_t done = 0; done < n;) {
		uint64_t at = off + done, chunk = n - done;

		if (at < m->len) {
			if (chunk > m->len - at)
				chunk = m->len - at;
			memcpy(out + done, m->data + at, (size_t)chunk);
		} else {
			memset(out + done, 0, (size_t)chunk);
		}
		done += chunk;
	}
	return 0;
}

void blkdev_mem_init(struct blkdev_mem *m, const void *data, size_t len, uint32_t sector_size,
		     uint64_t nsectors, const char *name)
{
	memset(m, 0, sizeof(*m));
	m->data = data;
	m->len = len;
	m->dev.ctx = m;
	m->dev.read = mem_read;
	m->dev.sector_size = sector_size;
	m->dev.nsectors = nsectors;
	m->dev.name = name;
}
