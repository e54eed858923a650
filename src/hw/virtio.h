/*
 * virtio.h - one virtio device behind one of three transports: PCI legacy
 * (virtio 0.9.5, the I/O BAR), PCI modern (virtio 1.x, the vendor
 * capabilities) and MMIO (versions 1 and 2). The block driver
 * (hw/virtio_blk.c) talks to the device only through these operations.
 */
#ifndef PVHBOOT_HW_VIRTIO_H
#define PVHBOOT_HW_VIRTIO_H

#include "hw/pci.h"
#include "lib/env.h"
#include "lib/err.h"

#define VIRTIO_STATUS_ACK 0x01
#define VIRTIO_STATUS_DRIVER 0x02
#define VIRTIO_STATUS_DRIVER_OK 0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED 0x80

#define VIRTIO_F_VERSION_1 32
#define VIRTIO_ID_BLOCK 2

#define VIRTIO_NAME_MAX 48

enum virtio_transport { VIRTIO_PCI_LEGACY, VIRTIO_PCI_MODERN, VIRTIO_MMIO };

struct virtio_dev;

/* What each transport implements (hw/virtio_pci.c, hw/virtio_mmio.c). */
struct virtio_ops {
	void (*reset)(struct virtio_dev *dev);
	uint8_t (*get_status)(struct virtio_dev *dev);
	void (*set_status)(struct virtio_dev *dev, uint8_t status);
	uint64_t (*get_features)(struct virtio_dev *dev);
	void (*set_features)(struct virtio_dev *dev, uint64_t features);
	uint32_t (*cfg_read32)(struct virtio_dev *dev, unsigned off);
	/* Queue 0's largest size (0: no queue); legacy PCI: its only size. */
	uint16_t (*queue_max)(struct virtio_dev *dev);
	/* Queue 0 with the split ring at desc/avail/used (legacy: one block). */
	int (*queue_setup)(struct virtio_dev *dev, uint16_t qsize, uintptr_t desc,
			   uintptr_t avail, uintptr_t used, struct err *err);
	void (*queue_notify)(struct virtio_dev *dev);
};

struct virtio_dev {
	const struct virtio_ops *ops;
	enum virtio_transport transport;
	char name[VIRTIO_NAME_MAX]; /* "virtio-pci 00:04.0 (legacy)", "virtio-mmio@0xfeb00000 (v1)" */
	bool modern;                /* virtio 1.x rules: VERSION_1, FEATURES_OK */
	uint16_t io_base;           /* PCI legacy */
	uintptr_t common, notify, device_cfg; /* PCI modern: mapped BAR addresses */
	uint32_t notify_mult;
	uintptr_t mmio;             /* MMIO: the window */
	uint32_t mmio_version;
	uintptr_t queue_notify;     /* PCI modern: queue 0's notify address */
};

/*
 * Probe PCI function d for a virtio device (vendor 0x1af4) of type
 * device_id: 1 when it is one (fills dev), 0 when it is not (another
 * device or type), -1 with a reason in err for a device the driver cannot
 * use (a BAR unassigned or above 4 GiB, capabilities missing).
 */
int virtio_pci_probe(const struct pci_dev *d, uint32_t device_id, struct virtio_dev *dev,
		     struct err *err);

/*
 * Probe the MMIO window at addr: 1 when it holds a device of type
 * device_id (fills dev), 0 when it holds none (no magic, or device id 0),
 * -1 with a reason in err for a device the driver cannot use.
 */
int virtio_mmio_probe(uintptr_t addr, uint32_t device_id, struct virtio_dev *dev,
		      struct err *err);

#endif
