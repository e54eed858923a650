/*
 * virtio_mmio.c - the MMIO transport of virtio (see virtio.h), versions 1
 * (legacy: one page-numbered ring) and 2 (virtio 1.x: three addresses).
 * QEMU 7.2's microvm places 24 windows of 0x200 bytes at 0xfeb00000.
 */
#include "hw/virtio.h"
#include "hw/portio.h"
#include "lib/fmt.h"

#define VIRTIO_MMIO_MAGIC_VALUE 0x74726976u /* "virt" */

#define VM_MAGIC 0x000
#define VM_VERSION 0x004
#define VM_DEVICE_ID 0x008
#define VM_DEVICE_FEATURES 0x010
#define VM_DEVICE_FEATURES_SEL 0x014
#define VM_DRIVER_FEATURES 0x020
#define VM_DRIVER_FEATURES_SEL 0x024
#define VM_GUEST_PAGE_SIZE 0x028 /* v1 */
#define VM_QUEUE_SEL 0x030
#define VM_QUEUE_NUM_MAX 0x034
#define VM_QUEUE_NUM 0x038
#define VM_QUEUE_ALIGN 0x03c /* v1 */
#define VM_QUEUE_PFN 0x040   /* v1 */
#define VM_QUEUE_READY 0x044 /* v2 */
#define VM_QUEUE_NOTIFY 0x050
#define VM_STATUS 0x070
#define VM_QUEUE_DESC_LOW 0x080
#define VM_QUEUE_DESC_HIGH 0x084
#define VM_QUEUE_AVAIL_LOW 0x090
#define VM_QUEUE_AVAIL_HIGH 0x094
#define VM_QUEUE_USED_LOW 0x0a0
#define VM_QUEUE_USED_HIGH 0x0a4
#define VM_CONFIG 0x100

static void vm_reset(struct virtio_dev *v)
{
	mmio_write32(v->mmio + VM_STATUS, 0);
}

static uint8_t vm_get_status(struct virtio_dev *v)
{
	return (uint8_t)mmio_read32(v->mmio + VM_STATUS);
}

static void vm_set_status(struct virtio_dev *v, uint8_t s)
{
	mmio_write32(v->mmio + VM_STATUS, s);
}

static uint64_t vm_get_features(struct virtio_dev *v)
{
	mmio_write32(v->mmio + VM_DEVICE_FEATURES_SEL, 0);
	uint32_t lo = mmio_read32(v->mmio + VM_DEVICE_FEATURES);
	mmio_write32(v->mmio + VM_DEVICE_FEATURES_SEL, 1);
	uint32_t hi = mmio_read32(v->mmio + VM_DEVICE_FEATURES);
	return ((uint64_t)hi << 32) | lo;
}

static void vm_set_features(struct virtio_dev *v, uint64_t f)
{
	mmio_write32(v->mmio + VM_DRIVER_FEATURES_SEL, 0);
	mmio_write32(v->mmio + VM_DRIVER_FEATURES, (uint32_t)f);
	mmio_write32(v->mmio + VM_DRIVER_FEATURES_SEL, 1);
	mmio_write32(v->mmio + VM_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

static uint32_t vm_cfg_read32(struct virtio_dev *v, unsigned off)
{
	return mmio_read32(v->mmio + VM_CONFIG + off);
}

static uint16_t vm_queue_max(struct virtio_dev *v)
{
	mmio_write32(v->mmio + VM_QUEUE_SEL, 0);
	uint32_t n = mmio_read32(v->mmio + VM_QUEUE_NUM_MAX);
	return n > 0xffff ? 0xffff : (uint16_t)n;
}

static int vm_queue_setup(struct virtio_dev *v, uint16_t qsize, uintptr_t desc, uintptr_t avail,
			  uintptr_t used, struct err *err)
{
	mmio_write32(v->mmio + VM_QUEUE_SEL, 0);
	mmio_write32(v->mmio + VM_QUEUE_NUM, qsize);
	if (v->mmio_version == 1) {
		if (desc & 4095)
			return err_fail(err, "%s: ring at 0x%lx not page-aligned", v->name,
					(unsigned long)desc);
		mmio_write32(v->mmio + VM_GUEST_PAGE_SIZE, 4096);
		mmio_write32(v->mmio + VM_QUEUE_ALIGN, 4096);
		mmio_write32(v->mmio + VM_QUEUE_PFN, (uint32_t)(desc >> 12));
		return 0;
	}
	mmio_write32(v->mmio + VM_QUEUE_DESC_LOW, (uint32_t)desc);
	mmio_write32(v->mmio + VM_QUEUE_DESC_HIGH, 0);
	mmio_write32(v->mmio + VM_QUEUE_AVAIL_LOW, (uint32_t)avail);
	mmio_write32(v->mmio + VM_QUEUE_AVAIL_HIGH, 0);
	mmio_write32(v->mmio + VM_QUEUE_USED_LOW, (uint32_t)used);
	mmio_write32(v->mmio + VM_QUEUE_USED_HIGH, 0);
	mmio_write32(v->mmio + VM_QUEUE_READY, 1);
	return 0;
}

static void vm_queue_notify(struct virtio_dev *v)
{
	mmio_write32(v->mmio + VM_QUEUE_NOTIFY, 0);
}

static const struct virtio_ops virtio_mmio_ops = {
	vm_reset,	vm_get_status, vm_set_status,  vm_get_features, vm_set_features,
	vm_cfg_read32, vm_queue_max,  vm_queue_setup, vm_queue_notify,
};

int virtio_mmio_probe(uintptr_t addr, uint32_t device_id, struct virtio_dev *v, struct err *err)
{
	*v = (struct virtio_dev){ 0 };
	if (mmio_read32(addr + VM_MAGIC) != VIRTIO_MMIO_MAGIC_VALUE)
		return 0;
	uint32_t version = mmio_read32(addr + VM_VERSION);
	uint32_t type = mmio_read32(addr + VM_DEVICE_ID);
	if (type == 0)
		return 0; /* an empty transport */
	fmt_snprintf(v->name, sizeof(v->name), "virtio-mmio@0x%lx (v%u)", (unsigned long)addr,
		     version);
	if (type != device_id)
		return 0;
	if (version != 1 && version != 2)
		return err_fail(err, "%s: version %u, expected 1 or 2", v->name, version);
	v->transport = VIRTIO_MMIO;
	v->ops = &virtio_mmio_ops;
	v->mmio = addr;
	v->mmio_version = version;
	v->modern = version == 2;
	return 1;
}
