/*
 * pci.c - PCI configuration mechanism #1, bus scan and BAR decoding (see
 * pci.h). With paging off and no interrupts, nothing else runs: the address
 * port needs no lock.
 */
#include "hw/pci.h"
#include "hw/portio.h"
#include "lib/fmt.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_MAX_BUSES 32 /* bridges followed, a bound against loops */

static void pci_select(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	outl(PCI_CONFIG_ADDRESS, 0x80000000u | ((uint32_t)bus << 16) | ((uint32_t)dev << 11) |
					 ((uint32_t)fn << 8) | (off & 0xfcu));
}

static uint32_t pci_raw_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	pci_select(bus, dev, fn, off);
	return inl(PCI_CONFIG_DATA);
}

uint32_t pci_read32(const struct pci_dev *d, uint8_t off)
{
	return pci_raw_read32(d->bus, d->dev, d->fn, off);
}

uint16_t pci_read16(const struct pci_dev *d, uint8_t off)
{
	return (uint16_t)(pci_read32(d, off) >> ((off & 2u) * 8));
}

uint8_t pci_read8(const struct pci_dev *d, uint8_t off)
{
	return (uint8_t)(pci_read32(d, off) >> ((off & 3u) * 8));
}

void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v)
{
	pci_select(d->bus, d->dev, d->fn, off);
	outl(PCI_CONFIG_DATA, v);
}

void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v)
{
	pci_select(d->bus, d->dev, d->fn, off);
	outw((uint16_t)(PCI_CONFIG_DATA + (off & 2u)), v);
}

struct pci_scan_state {
	struct pci_dev *out;
	unsigned max, n;
	uint8_t queue[PCI_MAX_BUSES]; /* buses still to scan */
	unsigned nqueue;
	uint32_t seen[256 / 32];      /* buses already queued */
};

static void pci_queue_bus(struct pci_scan_state *st, uint8_t bus)
{
	if (st->seen[bus / 32] & (1u << (bus % 32)) || st->nqueue >= PCI_MAX_BUSES)
		return;
	st->seen[bus / 32] |= 1u << (bus % 32);
	st->queue[st->nqueue++] = bus;
}

static void pci_scan_bus(struct pci_scan_state *st, uint8_t bus)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		for (uint8_t fn = 0; fn < 8; fn++) {
			uint32_t id = pci_raw_read32(bus, dev, fn, PCI_VENDOR_ID);
			if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0) {
				if (fn == 0)
					break;
				continue;
			}
			uint8_t ht = (uint8_t)(pci_raw_read32(bus, dev, fn, 0x0c) >> 16);
			struct pci_dev d = {
				.bus = bus, .dev = dev, .fn = fn, .vendor = (uint16_t)id,
				.device = (uint16_t)(id >> 16),
				.class_rev = pci_raw_read32(bus, dev, fn, PCI_CLASS_REV),
				.header_type = ht & 0x7f,
			};
			if (st->n < st->max)
				st->out[st->n++] = d;
			if (d.header_type == 1) {
				uint8_t sec = pci_read8(&d, PCI_SECONDARY_BUS);
				if (sec != 0 && sec != bus)
					pci_queue_bus(st, sec);
			}
			if (fn == 0 && !(ht & 0x80))
				break; /* single-function device */
		}
	}
}

unsigned pci_scan(struct pci_dev *out, unsigned max)
{
	struct pci_scan_state st = { .out = out, .max = max };

	pci_queue_bus(&st, 0);
	for (unsigned i = 0; i < st.nqueue; i++)
		pci_scan_bus(&st, st.queue[i]);
	return st.n;
}

void pci_bar_decode(const struct pci_dev *d, unsigned idx, struct pci_bar *bar)
{
	uint8_t off = (uint8_t)(PCI_BAR0 + 4 * idx);
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	*bar = (struct pci_bar){ PCI_BAR_NONE, 0, 0 };
	if (idx >= PCI_NUM_BARS || d->header_type != 0)
		return;
	/* Sizing writes all-ones into the BAR: decoding off meanwhile. */
	pci_write16(d, PCI_COMMAND, (uint16_t)(cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY)));
	uint32_t lo = pci_read32(d, off);
	pci_write32(d, off, 0xffffffffu);
	uint32_t mask_lo = pci_read32(d, off);
	pci_write32(d, off, lo);
	if (lo & 1) {
		uint32_t mask = mask_lo & ~3u;
		if (mask) {
			bar->kind = PCI_BAR_IO;
			bar->addr = lo & ~3u;
			bar->size = (uint32_t)(~(mask | 0xffff0000u) + 1u) & 0xffffu;
		}
	} else if (((lo >> 1) & 3) == 2 && idx + 1 < PCI_NUM_BARS) {
		uint8_t off_hi = (uint8_t)(off + 4);
		uint32_t hi = pci_read32(d, off_hi);
		pci_write32(d, off_hi, 0xffffffffu);
		uint32_t mask_hi = pci_read32(d, off_hi);
		pci_write32(d, off_hi, hi);
		uint64_t mask = ((uint64_t)mask_hi << 32) | (mask_lo & ~0xfu);
		if (mask) {
			bar->kind = PCI_BAR_MEM64;
			bar->addr = ((uint64_t)hi << 32) | (lo & ~0xfu);
			bar->size = ~mask + 1;
		}
	} else {
		uint32_t mask = mask_lo & ~0xfu;
		if (mask) {
			bar->kind = PCI_BAR_MEM32;
			bar->addr = lo & ~0xfu;
			bar->size = (uint32_t)(~mask + 1u);
		}
	}
	pci_write16(d, PCI_COMMAND, cmd);
}

int pci_bar_reachable(const struct pci_dev *d, unsigned idx, const struct pci_bar *bar,
		      struct err *err)
{
	if (bar->kind == PCI_BAR_NONE)
		return err_fail(err, "pci %02x:%02x.%x: BAR%u is not implemented", d->bus, d->dev,
				d->fn, idx);
	if (bar->addr == 0)
		return err_fail(err, "pci %02x:%02x.%x: BAR%u (size 0x%llx) was left unassigned by "
				     "the firmware", d->bus, d->dev, d->fn, idx,
				(unsigned long long)bar->size);
	if (bar->addr + bar->size > 0x100000000ull || bar->addr + bar->size < bar->addr)
		return err_fail(err, "pci %02x:%02x.%x: BAR%u at 0x%llx size 0x%llx is above 4 GiB, "
				     "out of reach with paging off",
				d->bus, d->dev, d->fn, idx, (unsigned long long)bar->addr,
				(unsigned long long)bar->size);
	return 0;
}

void pci_enable(const struct pci_dev *d)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND,
		    (uint16_t)(cmd | PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
}

static bool window_overlaps(uint64_t a, uint64_t size, uint64_t start, uint64_t end)
{
	return a < end && start < a + size;
}

/*
 * The lowest start of anything in use that overlaps [a, a + size), or 0 if
 * nothing does: every BAR of devs (but skip's BAR skip_idx), every bridge
 * memory window, every busy range.
 */
static bool pci_first_conflict(const struct pci_dev *devs, unsigned n,
			       const struct pci_dev *skip, unsigned skip_idx,
			       const struct pci_window *busy, unsigned nbusy, uint64_t a,
			       uint64_t size, uint64_t *conflict_start)
{
	for (unsigned i = 0; i < nbusy; i++)
		if (window_overlaps(a, size, busy[i].start, busy[i].end)) {
			*conflict_start = busy[i].start;
			return true;
		}
	for (unsigned i = 0; i < n; i++) {
		const struct pci_dev *d = &devs[i];
		if (d->header_type == 1) {
			uint32_t mem = pci_read32(d, 0x20), pref = pci_read32(d, 0x24);
			/* Base and limit in 1 MiB units, bits 31:20 (prefetchable upper halves ignored). */
			uint64_t mb = (uint64_t)(mem & 0xfff0u) << 16;
			uint64_t ml = ((uint64_t)(mem >> 16 & 0xfff0u) << 16) | 0xfffff;
			uint64_t pb = (uint64_t)(pref & 0xfff0u) << 16;
			uint64_t pl = ((uint64_t)(pref >> 16 & 0xfff0u) << 16) | 0xfffff;
			if (mb <= ml && window_overlaps(a, size, mb, ml + 1)) {
				*conflict_start = mb;
				return true;
			}
			if (pb <= pl && window_overlaps(a, size, pb, pl + 1)) {
				*conflict_start = pb;
				return true;
			}
			continue;
		}
		if (d->header_type != 0)
			continue;
		for (unsigned b = 0; b < PCI_NUM_BARS; b++) {
			struct pci_bar bar;
			pci_bar_decode(d, b, &bar);
			unsigned this_bar = b;
			if (bar.kind == PCI_BAR_MEM64)
				b++;
			if (d == skip && this_bar == skip_idx)
				continue;
			if ((bar.kind == PCI_BAR_MEM32 || bar.kind == PCI_BAR_MEM64) && bar.addr &&
			    window_overlaps(a, size, bar.addr, bar.addr + bar.size)) {
				*conflict_start = bar.addr;
				return true;
			}
		}
	}
	return false;
}

unsigned pci_place_high_bars(const struct pci_dev *devs, unsigned n, const struct pci_window *busy,
			     unsigned nbusy, void (*note)(const char *msg))
{
	unsigned moved = 0;
	char msg[160];

	for (unsigned i = 0; i < n; i++) {
		const struct pci_dev *d = &devs[i];
		if (d->header_type != 0)
			continue;
		for (unsigned b = 0; b < PCI_NUM_BARS; b++) {
			struct pci_bar bar;
			pci_bar_decode(d, b, &bar);
			unsigned idx = b;
			if (bar.kind != PCI_BAR_MEM64)
				continue;
			b++;
			if (bar.addr == 0 || bar.addr + bar.size <= 0x100000000ull)
				continue;
			if (d->bus != 0 || bar.size > PCI_LOW_LIMIT - PCI_LOW_BASE) {
				fmt_snprintf(msg, sizeof(msg), "pci %02x:%02x.%x: BAR%u at 0x%llx (size "
					     "0x%llx) is above 4 GiB and cannot be moved%s", d->bus, d->dev,
					     d->fn, idx, (unsigned long long)bar.addr,
					     (unsigned long long)bar.size, d->bus ? " (behind a bridge)" : "");
				note(msg);
				continue;
			}
			uint64_t a = (PCI_LOW_LIMIT - bar.size) & ~(bar.size - 1), cs = 0;
			bool found = false;
			while (a >= PCI_LOW_BASE) {
				if (!pci_first_conflict(devs, n, d, idx, busy, nbusy, a, bar.size, &cs)) {
					found = true;
					break;
				}
				if (cs < bar.size)
					break;
				a = (cs - bar.size) & ~(bar.size - 1);
			}
			if (!found) {
				fmt_snprintf(msg, sizeof(msg), "pci %02x:%02x.%x: BAR%u at 0x%llx (size "
					     "0x%llx) is above 4 GiB and no room is free below", d->bus,
					     d->dev, d->fn, idx, (unsigned long long)bar.addr,
					     (unsigned long long)bar.size);
				note(msg);
				continue;
			}
			uint8_t off = (uint8_t)(PCI_BAR0 + 4 * idx);
			uint16_t cmd = pci_read16(d, PCI_COMMAND);
			pci_write16(d, PCI_COMMAND, (uint16_t)(cmd & ~PCI_COMMAND_MEMORY));
			uint32_t lo = pci_read32(d, off);
			pci_write32(d, off, (uint32_t)a | (lo & 0xfu));
			pci_write32(d, (uint8_t)(off + 4), 0);
			pci_write16(d, PCI_COMMAND, cmd);
			fmt_snprintf(msg, sizeof(msg), "pci %02x:%02x.%x: BAR%u moved from 0x%llx to 0x%llx "
				     "(size 0x%llx): above 4 GiB is out of reach with paging off",
				     d->bus, d->dev, d->fn, idx, (unsigned long long)bar.addr,
				     (unsigned long long)a, (unsigned long long)bar.size);
			note(msg);
			moved++;
		}
	}
	return moved;
}
