/*
 * virtio_pci.c - the PCI transports of virtio (see virtio.h): legacy
 * (virtio 0.9.5 registers in I/O BAR0) for transitional devices, and modern
 * (virtio 1.x: common, notify and device configuration structures found
 * through vendor capabilities) for modern-only ones (QEMU
 * disable-legacy=on). A transitional device is driven through its I/O BAR:
 * port I/O needs no memory BAR below 4 GiB.
 */
#include "hw/virtio.h"
#include "hw/portio.h"
#include "lib/fmt.h"

#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_SUBSYS_ID 0x2e

/* Legacy registers, offsets in the I/O BAR (no MSI-X: config at 0x14). */
#define VPL_HOST_FEATURES 0x00
#define VPL_GUEST_FEATURES 0x04
#define VPL_QUEUE_PFN 0x08
#define VPL_QUEUE_NUM 0x0c
#define VPL_QUEUE_SEL 0x0e
#define VPL_QUEUE_NOTIFY 0x10
#define VPL_STATUS 0x12
#define VPL_CONFIG 0x14

/* Modern common configuration structure. */
#define VPM_DFSELECT 0x00
#define VPM_DF 0x04
#define VPM_GFSELECT 0x08
#define VPM_GF 0x0c
#define VPM_STATUS 0x14
#define VPM_Q_SELECT 0x16
#define VPM_Q_SIZE 0x18
#define VPM_Q_ENABLE 0x1c
#define VPM_Q_NOFF 0x1e
#define VPM_Q_DESC 0x20
#define VPM_Q_AVAIL 0x28
#define VPM_Q_USED 0x30

#define PCI_CAP_VENDOR 0x09
#define VIRTIO_PCI_CAP_COMMON 1
#define VIRTIO_PCI_CAP_NOTIFY 2
#define VIRTIO_PCI_CAP_DEVICE 4

/* --- legacy ------------------------------------------------------------------ */
static void vpl_reset(struct virtio_dev *v)
{
	outb((uint16_t)(v->io_base + VPL_STATUS), 0);
}

static uint8_t vpl_get_status(struct virtio_dev *v)
{
	return inb((uint16_t)(v->io_base + VPL_STATUS));
}

static void vpl_set_status(struct virtio_dev *v, uint8_t s)
{
	outb((uint16_t)(v->io_base + VPL_STATUS), s);
}

static uint64_t vpl_get_features(struct virtio_dev *v)
{
	return inl((uint16_t)(v->io_base + VPL_HOST_FEATURES));
}

static void vpl_set_features(struct virtio_dev *v, uint64_t f)
{
	outl((uint16_t)(v->io_base + VPL_GUEST_FEATURES), (uint32_t)f);
}

static uint32_t vpl_cfg_read32(struct virtio_dev *v, unsigned off)
{
	return inl((uint16_t)(v->io_base + VPL_CONFIG + off));
}

static uint16_t vpl_queue_max(struct virtio_dev *v)
{
	outw((uint16_t)(v->io_base + VPL_QUEUE_SEL), 0);
	return inw((uint16_t)(v->io_base + VPL_QUEUE_NUM));
}

static int vpl_queue_setup(struct virtio_dev *v, uint16_t qsize, uintptr_t desc, uintptr_t avail,
			   uintptr_t used, struct err *err)
{
	(void)avail;
	(void)used;
	uint16_t n = vpl_queue_max(v);
	if (n != qsize)
		return err_fail(err, "%s: queue 0 has %u entries, the driver laid out %u", v->name,
				n, qsize);
	if (desc & 4095)
		return err_fail(err, "%s: ring at 0x%lx not page-aligned", v->name,
				(unsigned long)desc);
	outl((uint16_t)(v->io_base + VPL_QUEUE_PFN), (uint32_t)(desc >> 12));
	return 0;
}

static void vpl_queue_notify(struct virtio_dev *v)
{
	outw((uint16_t)(v->io_base + VPL_QUEUE_NOTIFY), 0);
}

static const struct virtio_ops virtio_pci_legacy_ops = {
	vpl_reset,	 vpl_get_status, vpl_set_status,  vpl_get_features, vpl_set_features,
	vpl_cfg_read32, vpl_queue_max,  vpl_queue_setup, vpl_queue_notify,
};

/* --- modern ------------------------------------------------------------------- */
static void vpm_reset(struct virtio_dev *v)
{
	mmio_write8(v->common + VPM_STATUS, 0);
	/* The device completes a reset when status reads back 0. */
	for (unsigned spin = 0; spin < 1000000 && mmio_read8(v->common + VPM_STATUS); spin++)
		__asm__ volatile("pause");
}

static uint8_t vpm_get_status(struct virtio_dev *v)
{
	return mmio_read8(v->common + VPM_STATUS);
}

static void vpm_set_status(struct virtio_dev *v, uint8_t s)
{
	mmio_write8(v->common + VPM_STATUS, s);
}

static uint64_t vpm_get_features(struct virtio_dev *v)
{
	mmio_write32(v->common + VPM_DFSELECT, 0);
	uint32_t lo = mmio_read32(v->common + VPM_DF);
	mmio_write32(v->common + VPM_DFSELECT, 1);
	uint32_t hi = mmio_read32(v->common + VPM_DF);
	return ((uint64_t)hi << 32) | lo;
}

static void vpm_set_features(struct virtio_dev *v, uint64_t f)
{
	mmio_write32(v->common + VPM_GFSELECT, 0);
	mmio_write32(v->common + VPM_GF, (uint32_t)f);
	mmio_write32(v->common + VPM_GFSELECT, 1);
	mmio_write32(v->common + VPM_GF, (uint32_t)(f >> 32));
}

static uint32_t vpm_cfg_read32(struct virtio_dev *v, unsigned off)
{
	return mmio_read32(v->device_cfg + off);
}

static uint16_t vpm_queue_max(struct virtio_dev *v)
{
	mmio_write16(v->common + VPM_Q_SELECT, 0);
	return mmio_read16(v->common + VPM_Q_SIZE);
}

static void vpm_write64(uintptr_t addr, uint64_t val)
{
	mmio_write32(addr, (uint32_t)val);
	mmio_write32(addr + 4, (uint32_t)(val >> 32));
}

static int vpm_queue_setup(struct virtio_dev *v, uint16_t qsize, uintptr_t desc, uintptr_t avail,
			   uintptr_t used, struct err *err)
{
	(void)err;
	mmio_write16(v->common + VPM_Q_SELECT, 0);
	mmio_write16(v->common + VPM_Q_SIZE, qsize);
	vpm_write64(v->common + VPM_Q_DESC, desc);
	vpm_write64(v->common + VPM_Q_AVAIL, avail);
	vpm_write64(v->common + VPM_Q_USED, used);
	uint16_t noff = mmio_read16(v->common + VPM_Q_NOFF);
	v->queue_notify = v->notify + (uintptr_t)noff * v->notify_mult;
	mmio_write16(v->common + VPM_Q_ENABLE, 1);
	return 0;
}

static void vpm_queue_notify(struct virtio_dev *v)
{
	mmio_write16(v->queue_notify, 0);
}

static const struct virtio_ops virtio_pci_modern_ops = {
	vpm_reset,	 vpm_get_status, vpm_set_status,  vpm_get_features, vpm_set_features,
	vpm_cfg_read32, vpm_queue_max,  vpm_queue_setup, vpm_queue_notify,
};

/* --- probing -------------------------------------------------------------------- */

/* The address of one modern structure: BAR base + offset, checked against the BAR. */
static int vpm_map_cap(const struct pci_dev *d, uint8_t cap, struct virtio_dev *v,
		       uintptr_t *out, struct err *err)
{
	uint8_t bar_idx = pci_read8(d, (uint8_t)(cap + 4));
	uint32_t off = pci_read32(d, (uint8_t)(cap + 8));
	uint32_t len = pci_read32(d, (uint8_t)(cap + 12));
	struct pci_bar bar;

	if (bar_idx >= PCI_NUM_BARS)
		return err_fail(err, "%s: capability at 0x%x names BAR%u, at most 5", v->name, cap,
				bar_idx);
	pci_bar_decode(d, bar_idx, &bar);
	if (bar.kind == PCI_BAR_IO)
		return err_fail(err, "%s: capability at 0x%x in I/O BAR%u, expected memory",
				v->name, cap, bar_idx);
	if (pci_bar_reachable(d, bar_idx, &bar, err))
		return -1;
	if ((uint64_t)off + len > bar.size)
		return err_fail(err, "%s: capability at 0x%x: offset 0x%x length 0x%x past BAR%u "
				     "size 0x%llx", v->name, cap, off, len, bar_idx,
				(unsigned long long)bar.size);
	*out = (uintptr_t)(bar.addr + off);
	return 0;
}

static int vpm_probe(const struct pci_dev *d, struct virtio_dev *v, struct err *err)
{
	bool have_common = false, have_notify = false, have_device = false;

	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return err_fail(err, "%s: modern device without a capability list", v->name);
	uint8_t cap = pci_read8(d, PCI_CAP_PTR) & 0xfc;
	for (unsigned hops = 0; cap >= 0x40 && hops < 48; hops++) {
		uint8_t id = pci_read8(d, cap), next = pci_read8(d, (uint8_t)(cap + 1)) & 0xfc;
		if (id == PCI_CAP_VENDOR) {
			uint8_t type = pci_read8(d, (uint8_t)(cap + 3));
			if (type == VIRTIO_PCI_CAP_COMMON && !have_common) {
				if (vpm_map_cap(d, cap, v, &v->common, err))
					return -1;
				have_common = true;
			} else if (type == VIRTIO_PCI_CAP_NOTIFY && !have_notify) {
				if (vpm_map_cap(d, cap, v, &v->notify, err))
					return -1;
				v->notify_mult = pci_read32(d, (uint8_t)(cap + 16));
				have_notify = true;
			} else if (type == VIRTIO_PCI_CAP_DEVICE && !have_device) {
				if (vpm_map_cap(d, cap, v, &v->device_cfg, err))
					return -1;
				have_device = true;
			}
		}
		cap = next;
	}
	if (!have_common || !have_notify || !have_device)
		return err_fail(err, "%s: missing virtio capabilities:%s%s%s", v->name,
				have_common ? "" : " common", have_notify ? "" : " notify",
				have_device ? "" : " device");
	return 0;
}

int virtio_pci_probe(const struct pci_dev *d, uint32_t device_id, struct virtio_dev *v,
		     struct err *err)
{
	uint32_t type;
	bool transitional;

	*v = (struct virtio_dev){ 0 };
	if (d->vendor != VIRTIO_PCI_VENDOR || d->header_type != 0)
		return 0;
	if (d->device >= 0x1000 && d->device <= 0x103f) {
		transitional = true;
		type = pci_read16(d, VIRTIO_PCI_SUBSYS_ID);
	} else if (d->device >= 0x1040 && d->device <= 0x107f) {
		transitional = false;
		type = d->device - 0x1040u;
	} else {
		return 0;
	}
	if (type != device_id)
		return 0;
	fmt_snprintf(v->name, sizeof(v->name), "virtio-pci %02x:%02x.%x (%s)", d->bus, d->dev,
		     d->fn, transitional ? "legacy" : "modern");
	pci_enable(d);
	if (transitional) {
		struct pci_bar bar;
		pci_bar_decode(d, 0, &bar);
		if (bar.kind != PCI_BAR_IO)
			return err_fail(err, "%s: BAR0 is not an I/O BAR", v->name);
		if (bar.addr == 0 || bar.size < VPL_CONFIG)
			return err_fail(err, "%s: I/O BAR0 at 0x%llx size 0x%llx unassigned or too "
					     "small", v->name, (unsigned long long)bar.addr,
					(unsigned long long)bar.size);
		v->transport = VIRTIO_PCI_LEGACY;
		v->ops = &virtio_pci_legacy_ops;
		v->io_base = (uint16_t)bar.addr;
		return 1;
	}
	v->transport = VIRTIO_PCI_MODERN;
	v->ops = &virtio_pci_modern_ops;
	v->modern = true;
	return vpm_probe(d, v, err) ? -1 : 1;
}
