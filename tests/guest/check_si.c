/*
 * check_si.c - the start info itself (magic, version, alignment) and its
 * memory map: present, 1..128 entries (Linux copies it into a 128-entry
 * table), sorted, no overlaps, known types, and covering as RAM both the
 * guest's own image and the start info. Called by guest_main().
 */
#include "guest.h"

static void check_header(const struct handover *h)
{
	struct check c;

	check_begin(&c, "si.magic");
	if (!h->si_readable)
		check_fail(&c, "start info at 0x%08x not readable (0, or 56 bytes past 4 GiB)",
			   h->si_paddr);
	else if (h->si.magic != XEN_HVM_START_MAGIC_VALUE)
		check_fail(&c, "magic 0x%08x, want 0x%08x", h->si.magic, XEN_HVM_START_MAGIC_VALUE);
	check_end(&c);

	check_begin(&c, "si.version");
	if (!h->si_readable)
		check_fail(&c, "no start info");
	else if (h->si.version < 1)
		check_fail(&c, "version %u, want >= 1 (a memory map)", h->si.version);
	check_end(&c);

	check_begin(&c, "si.align");
	if (h->si_paddr == 0 || h->si_paddr % 8 != 0)
		check_fail(&c, "start info at 0x%08x, want non-zero and 8-aligned", h->si_paddr);
	check_end(&c);
}

static void check_table(const struct handover *h)
{
	const struct hvm_start_info *si = &h->si;
	struct check c;
	bool any_ram = false;

	check_begin(&c, "memmap");
	if (!h->memmap_read) {
		check_fail(&c, "%s (version %u memmap_paddr 0x%llx memmap_entries %u)",
			   h->memmap_why, si->version, (unsigned long long)si->memmap_paddr,
			   si->memmap_entries);
		check_end(&c);
		return;
	}
	for (unsigned i = 0; i < h->memmap_n; i++) {
		const struct memmap_entry *e = &h->memmap[i];
		uint64_t end;

		if (e->type < XEN_HVM_MEMMAP_TYPE_RAM || e->type > XEN_HVM_MEMMAP_TYPE_PMEM)
			check_fail(&c, "entry %u type %u, want 1..7", i, e->type);
		if (e->type == XEN_HVM_MEMMAP_TYPE_RAM && e->size)
			any_ram = true;
		if (add_overflows(e->addr, e->size, &end)) {
			check_fail(&c, "entry %u addr 0x%llx + size 0x%llx wraps past 2^64", i,
				   (unsigned long long)e->addr, (unsigned long long)e->size);
			continue;
		}
		if (i + 1 == h->memmap_n)
			continue;
		const struct memmap_entry *next = &h->memmap[i + 1];
		if (next->addr < e->addr)
			check_fail(&c, "not sorted: entry %u addr 0x%llx after entry %u addr 0x%llx",
				   i + 1, (unsigned long long)next->addr, i,
				   (unsigned long long)e->addr);
		else if (next->addr < end)
			check_fail(&c, "entry %u [0x%llx, 0x%llx) overlaps entry %u at 0x%llx", i,
				   (unsigned long long)e->addr, (unsigned long long)end, i + 1,
				   (unsigned long long)next->addr);
	}
	if (!any_ram)
		check_fail(&c, "no RAM entry among %u", h->memmap_n);
	uint64_t bytes = (uint64_t)h->memmap_n * sizeof(struct hvm_memmap_table_entry);
	if (guest_overlaps_image(si->memmap_paddr, bytes))
		check_fail(&c, "table [0x%llx, 0x%llx) overlaps the guest image",
			   (unsigned long long)si->memmap_paddr,
			   (unsigned long long)(si->memmap_paddr + bytes));
	check_end(&c);
}

/* In RAM, and not inside the guest (the loader would have clobbered it). */
static void check_in_ram(const struct handover *h, const char *name, const char *what,
			 uint64_t addr, uint64_t size, bool may_be_image)
{
	struct check c;

	check_begin(&c, name);
	if (!may_be_image && guest_overlaps_image(addr, size))
		check_fail(&c, "%s [0x%llx, 0x%llx) overlaps the guest image [0x%08x, 0x%08x)",
			   what, (unsigned long long)addr, (unsigned long long)(addr + size),
			   (uint32_t)(uintptr_t)__image_start, (uint32_t)(uintptr_t)__image_end);
	if (!h->memmap_read)
		check_fail(&c, "no memory map to find %s [0x%llx, 0x%llx) in", what,
			   (unsigned long long)addr, (unsigned long long)(addr + size));
	else if (!handover_in_ram(h, addr, size))
		check_fail(&c, "%s [0x%llx, 0x%llx) not inside RAM entries", what,
			   (unsigned long long)addr, (unsigned long long)(addr + size));
	check_end(&c);
}

void check_start_info(const struct handover *h)
{
	check_header(h);
}

void check_memmap(const struct handover *h)
{
	uint32_t start = (uint32_t)(uintptr_t)__image_start;
	uint32_t end = (uint32_t)(uintptr_t)__image_end;

	check_table(h);
	check_in_ram(h, "memmap.image", "guest image incl. BSS and stack", start, end - start,
		     true);
	check_in_ram(h, "memmap.si", "start info", h->si_paddr, sizeof(struct hvm_start_info),
		     false);
}
