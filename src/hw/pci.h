/*
 * pci.h - PCI configuration space through mechanism #1 (ports 0xcf8/0xcfc),
 * a scan of bus 0 and of the buses behind PCI-to-PCI bridges, and BAR
 * decoding. Caller: the virtio PCI transport (hw/virtio_pci.c) and the
 * firmware-mode front end, which lists what it found.
 */
#ifndef PVHBOOT_HW_PCI_H
#define PVHBOOT_HW_PCI_H

#include "lib/env.h"
#include "lib/err.h"

#define PCI_MAX_DEVICES 64
#define PCI_NUM_BARS 6

#define PCI_VENDOR_ID 0x00
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_CLASS_REV 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_SECONDARY_BUS 0x19
#define PCI_CAP_PTR 0x34

#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_STATUS_CAP_LIST 0x10

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint32_t class_rev; /* class << 8 | revision */
	uint8_t header_type; /* without the multi-function bit */
};

enum pci_bar_kind { PCI_BAR_NONE, PCI_BAR_IO, PCI_BAR_MEM32, PCI_BAR_MEM64 };

struct pci_bar {
	enum pci_bar_kind kind;
	uint64_t addr; /* as programmed; 0 when the firmware left it unassigned */
	uint64_t size;
};

uint32_t pci_read32(const struct pci_dev *d, uint8_t off);
uint16_t pci_read16(const struct pci_dev *d, uint8_t off);
uint8_t pci_read8(const struct pci_dev *d, uint8_t off);
void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v);
void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v);

/* Every function on bus 0 and behind bridges, in bus/device/function order. */
unsigned pci_scan(struct pci_dev *out, unsigned max);

/*
 * Decode BAR idx (0..5) of a type-0 header, sizing it with decoding off.
 * A 64-bit BAR takes idx and idx+1.
 */
void pci_bar_decode(const struct pci_dev *d, unsigned idx, struct pci_bar *bar);

/*
 * The BAR as a pointer-sized address the loader can reach with paging off:
 * fails, naming the device and the BAR, when it is unassigned or above 4 GiB.
 */
int pci_bar_reachable(const struct pci_dev *d, unsigned idx, const struct pci_bar *bar,
		      struct err *err);

/* A range of physical addresses [start, end) that a BAR must not be moved onto. */
struct pci_window {
	uint64_t start, end;
};

/* Where a BAR moved below 4 GiB may go: the top of the 32-bit PCI hole, under the IOAPIC. */
#define PCI_LOW_BASE 0xc0000000ull
#define PCI_LOW_LIMIT 0xfec00000ull

/*
 * With paging off, a 64-bit memory BAR above 4 GiB cannot be reached. For
 * each such BAR of a device on bus 0 (behind a bridge the bridge's window
 * would have to move too), find room in [PCI_LOW_BASE, PCI_LOW_LIMIT),
 * aligned to its size and clear of busy[] and of every BAR and bridge
 * window of devs[], and program it there. note() is told of each move or
 * failure. Returns the number of BARs moved.
 */
unsigned pci_place_high_bars(const struct pci_dev *devs, unsigned n, const struct pci_window *busy,
			     unsigned nbusy, void (*note)(const char *msg));

/* Turn on I/O and memory decoding and bus mastering (the device DMAs into RAM). */
void pci_enable(const struct pci_dev *d);

#endif
