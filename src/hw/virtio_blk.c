/*
 * virtio_blk.c - the polled virtio block driver (see virtio_blk.h) and its
 * split virtqueue. The ring uses the legacy layout (descriptors, then the
 * available ring, the used ring on the next page boundary), which every
 * transport accepts. Paging is off: buffer addresses are physical.
 */
#include "hw/virtio_blk.h"
#include "hw/portio.h"

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_S_OK 0

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

/* Cycles to wait for one request: tens of seconds at any TSC rate QEMU gives. */
#define VIRTIO_BLK_TIMEOUT_CYCLES (1ull << 37)

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

#define barrier() __asm__ volatile("" ::: "memory")

static uintptr_t ring_avail(const struct virtio_blk *b)
{
	return (uintptr_t)b->ring + 16u * b->qsize;
}

static uintptr_t ring_used(const struct virtio_blk *b)
{
	return ((uintptr_t)b->ring + 16u * b->qsize + 6u + 2u * b->qsize + 4095u) & ~(uintptr_t)4095;
}

int virtio_blk_init(struct virtio_blk *b, struct err *err)
{
	struct virtio_dev *v = &b->dev;
	const uint64_t wanted = (1ull << VIRTIO_BLK_F_SIZE_MAX) | (1ull << VIRTIO_BLK_F_SEG_MAX) |
				(1ull << VIRTIO_BLK_F_RO) | (1ull << VIRTIO_BLK_F_BLK_SIZE) |
				(v->modern ? 1ull << VIRTIO_F_VERSION_1 : 0);

	v->ops->reset(v);
	v->ops->set_status(v, VIRTIO_STATUS_ACK);
	v->ops->set_status(v, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER);
	uint64_t offered = v->ops->get_features(v);
	if (v->modern && !(offered & (1ull << VIRTIO_F_VERSION_1)))
		return err_fail(err, "%s: modern transport without VIRTIO_F_VERSION_1 (features "
				     "0x%llx)", v->name, (unsigned long long)offered);
	b->features = offered & wanted;
	v->ops->set_features(v, b->features);
	uint8_t status = VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER;
	if (v->modern) {
		status |= VIRTIO_STATUS_FEATURES_OK;
		v->ops->set_status(v, status);
		if (!(v->ops->get_status(v) & VIRTIO_STATUS_FEATURES_OK))
			return err_fail(err, "%s: refused features 0x%llx", v->name,
					(unsigned long long)b->features);
	}

	uint16_t qmax = v->ops->queue_max(v);
	if (qmax == 0)
		return err_fail(err, "%s: queue 0 has no entries", v->name);
	if (v->transport == VIRTIO_PCI_LEGACY && qmax > VIRTQ_MAX)
		return err_fail(err, "%s: legacy queue of %u entries, at most %u", v->name, qmax,
				VIRTQ_MAX);
	if (v->transport == VIRTIO_PCI_LEGACY && (qmax & (qmax - 1)))
		return err_fail(err, "%s: queue size %u is not a power of two", v->name, qmax);
	if (qmax < 3)
		return err_fail(err, "%s: queue of %u entries, a request needs 3", v->name, qmax);
	b->qsize = qmax < VIRTQ_MAX ? qmax : (uint16_t)VIRTQ_MAX;
	memset(b->ring, 0, sizeof(b->ring));
	b->avail_idx = b->used_idx = 0;
	*(volatile uint16_t *)ring_avail(b) = VIRTQ_AVAIL_F_NO_INTERRUPT;
	if (v->ops->queue_setup(v, b->qsize, (uintptr_t)b->ring, ring_avail(b), ring_used(b), err))
		return -1;

	b->capacity = (uint64_t)v->ops->cfg_read32(v, 0) |
		      ((uint64_t)v->ops->cfg_read32(v, 4) << 32);
	b->read_only = b->features & (1ull << VIRTIO_BLK_F_RO);
	b->blk_size = VIRTIO_BLK_SECTOR;
	if (b->features & (1ull << VIRTIO_BLK_F_BLK_SIZE))
		b->blk_size = v->ops->cfg_read32(v, 20);
	b->seg_bytes = VIRTIO_BLK_SEG_DEFAULT;
	if (b->features & (1ull << VIRTIO_BLK_F_SIZE_MAX)) {
		uint32_t size_max = v->ops->cfg_read32(v, 8) & ~(VIRTIO_BLK_SECTOR - 1);
		if (size_max == 0)
			return err_fail(err, "%s: size_max %u below one sector", v->name,
					v->ops->cfg_read32(v, 8));
		if (size_max < b->seg_bytes)
			b->seg_bytes = size_max;
	}
	b->seg_max = b->qsize - 2u;
	if (b->features & (1ull << VIRTIO_BLK_F_SEG_MAX)) {
		uint32_t seg_max = v->ops->cfg_read32(v, 12);
		if (seg_max == 0)
			return err_fail(err, "%s: seg_max 0", v->name);
		if (seg_max < b->seg_max)
			b->seg_max = seg_max;
	}
	status |= VIRTIO_STATUS_DRIVER_OK;
	v->ops->set_status(v, status);
	uint8_t now = v->ops->get_status(v);
	if (now & (VIRTIO_STATUS_FAILED | VIRTIO_STATUS_NEEDS_RESET))
		return err_fail(err, "%s: device status 0x%x after DRIVER_OK", v->name, now);
	return 0;
}

/* One request of n sectors (n * 512 <= the request limit) into buf. */
static int virtio_blk_request(struct virtio_blk *b, uint64_t lba, uint32_t bytes, uint8_t *buf,
			      struct err *err)
{
	struct virtq_desc *desc = (struct virtq_desc *)(void *)b->ring;
	volatile uint16_t *avail = (volatile uint16_t *)ring_avail(b);
	volatile uint16_t *used = (volatile uint16_t *)ring_used(b);
	uint16_t d = 0;

	put_le32(b->hdr, VIRTIO_BLK_T_IN);
	put_le32(b->hdr + 4, 0);
	put_le64(b->hdr + 8, lba);
	b->status = 0xff;
	desc[d] = (struct virtq_desc){ (uintptr_t)b->hdr, 16, VIRTQ_DESC_F_NEXT, 1 };
	d++;
	for (uint32_t done = 0; done < bytes; d++) {
		uint32_t n = bytes - done < b->seg_bytes ? bytes - done : b->seg_bytes;
		desc[d] = (struct virtq_desc){ (uintptr_t)(buf + done), n,
					       VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE,
					       (uint16_t)(d + 1) };
		done += n;
	}
	desc[d] = (struct virtq_desc){ (uintptr_t)&b->status, 1, VIRTQ_DESC_F_WRITE, 0 };

	avail[2 + (b->avail_idx % b->qsize)] = 0; /* the chain starts at descriptor 0 */
	barrier();
	b->avail_idx++;
	avail[1] = b->avail_idx;
	barrier();
	b->dev.ops->queue_notify(&b->dev);

	uint64_t start = cpu_rdtsc();
	while (used[1] == b->used_idx) {
		if (cpu_rdtsc() - start > VIRTIO_BLK_TIMEOUT_CYCLES)
			return err_fail(err, "%s: no answer to a read of %u bytes at sector %llu "
					     "(device status 0x%x)", b->dev.name, bytes,
					(unsigned long long)lba, b->dev.ops->get_status(&b->dev));
		__asm__ volatile("pause");
	}
	barrier();
	const volatile uint8_t *elem =
		(const volatile uint8_t *)(used + 2) + 8u * (b->used_idx % b->qsize);
	uint32_t id = elem[0] | (uint32_t)elem[1] << 8 | (uint32_t)elem[2] << 16 |
		      (uint32_t)elem[3] << 24;
	uint32_t len = elem[4] | (uint32_t)elem[5] << 8 | (uint32_t)elem[6] << 16 |
		       (uint32_t)elem[7] << 24;
	b->used_idx++;
	b->requests++;
	if (id != 0)
		return err_fail(err, "%s: used ring returned descriptor %u, expected 0", b->dev.name,
				id);
	if (b->status != VIRTIO_BLK_S_OK)
		return err_fail(err, "%s: read of %u bytes at sector %llu failed: status %u (%s)",
				b->dev.name, bytes, (unsigned long long)lba, b->status,
				b->status == 1 ? "I/O error" : b->status == 2 ? "unsupported" :
								 "unknown");
	if (len < bytes + 1u)
		return err_fail(err, "%s: short read at sector %llu: %u of %u bytes", b->dev.name,
				(unsigned long long)lba, len ? len - 1 : 0, bytes);
	b->bytes_read += bytes;
	return 0;
}

int virtio_blk_read(struct virtio_blk *b, uint64_t lba, uint64_t count, void *buf,
		    struct err *err)
{
	uint64_t end;
	uint8_t *p = buf;

	if (__builtin_add_overflow(lba, count, &end) || end > b->capacity)
		return err_fail(err, "%s: read of %llu sectors at sector %llu past the capacity of "
				     "%llu sectors", b->dev.name, (unsigned long long)count,
				(unsigned long long)lba, (unsigned long long)b->capacity);
	uint64_t limit = (uint64_t)b->seg_max * b->seg_bytes;
	if (limit > VIRTIO_BLK_REQ_MAX)
		limit = VIRTIO_BLK_REQ_MAX;
	uint32_t per_req = (uint32_t)(limit / VIRTIO_BLK_SECTOR);
	while (count) {
		uint32_t n = count < per_req ? (uint32_t)count : per_req;
		if (virtio_blk_request(b, lba, n * VIRTIO_BLK_SECTOR, p, err))
			return -1;
		lba += n;
		count -= n;
		p += (size_t)n * VIRTIO_BLK_SECTOR;
	}
	return 0;
}
