/*
 * handover.c - reads what the loader handed the guest (struct hvm_start_info
 * at %ebx, its command line and memory map) once, checking every address
 * and count before it reads, and prints it before the checks judge it.
 * Called by guest_main(); the check_*.c files use the copies.
 */
#include "guest.h"
#include "lib/fmt.h"
#include "loader/console.h"

static void phys_copy(void *dst, uint64_t paddr, size_t n)
{
	const volatile uint8_t *src = phys_ptr(paddr);
	uint8_t *d = dst;

	for (size_t i = 0; i < n; i++)
		d[i] = src[i];
}

void guest_str_read(struct guest_str *s, uint64_t paddr)
{
	s->paddr = paddr;
	s->len = 0;
	s->text[0] = '\0';
	if (paddr == 0) {
		s->state = STR_ABSENT;
		return;
	}
	if (paddr >= PHYS_LIMIT) {
		s->state = STR_ABOVE_4G;
		return;
	}
	const volatile uint8_t *p = phys_ptr(paddr);
	for (size_t i = 0; i < GUEST_STR_MAX && paddr + i < PHYS_LIMIT; i++) {
		s->text[i] = (char)p[i];
		if (p[i] == 0) {
			s->len = i;
			s->state = STR_OK;
			return;
		}
	}
	/* Keep what was read printable; the check reports the missing NUL. */
	s->len = GUEST_STR_MAX - 1;
	s->text[GUEST_STR_MAX - 1] = '\0';
	s->state = STR_UNTERMINATED;
}

static void read_memmap(struct handover *h)
{
	const struct hvm_start_info *si = &h->si;

	h->memmap_read = false;
	h->memmap_n = 0;
	if (!h->si_readable) {
		h->memmap_why = "no readable start info";
		return;
	}
	if (si->version < 1) {
		h->memmap_why = "start info version 0 has no memory map";
		return;
	}
	if (si->memmap_paddr == 0) {
		h->memmap_why = "memmap_paddr is 0";
		return;
	}
	if (si->memmap_entries == 0 || si->memmap_entries > PVH_LINUX_MAX_MEMMAP) {
		h->memmap_why = "memmap_entries outside 1..128";
		return;
	}
	uint64_t bytes = (uint64_t)si->memmap_entries * sizeof(struct hvm_memmap_table_entry);
	if (!phys_ok(si->memmap_paddr, bytes)) {
		h->memmap_why = "memory map table reaches past 4 GiB";
		return;
	}
	for (unsigned i = 0; i < si->memmap_entries; i++) {
		uint64_t a = si->memmap_paddr + (uint64_t)i * sizeof(struct hvm_memmap_table_entry);

		h->memmap[i].addr = phys_le64(a + offsetof(struct hvm_memmap_table_entry, addr));
		h->memmap[i].size = phys_le64(a + offsetof(struct hvm_memmap_table_entry, size));
		h->memmap[i].type = phys_le32(a + offsetof(struct hvm_memmap_table_entry, type));
	}
	h->memmap_n = si->memmap_entries;
	h->memmap_read = true;
	h->memmap_why = NULL;
}

void handover_read(struct handover *h, const struct guest_cpu_state *cpu)
{
	h->cpu = cpu;
	h->si_paddr = cpu->ebx;
	h->si_readable = cpu->ebx != 0 && phys_ok(cpu->ebx, sizeof(struct hvm_start_info));
	memset(&h->si, 0, sizeof(h->si));
	if (h->si_readable)
		phys_copy(&h->si, cpu->ebx, sizeof(h->si));
	if (h->si_readable)
		guest_str_read(&h->cmdline, h->si.cmdline_paddr);
	else
		guest_str_read(&h->cmdline, 0);
	read_memmap(h);
}

bool handover_module(const struct handover *h, unsigned i, struct hvm_modlist_entry *m,
		     const char **why)
{
	const struct hvm_start_info *si = &h->si;

	if (!h->si_readable) {
		*why = "no readable start info";
		return false;
	}
	if (si->nr_modules > GUEST_MAX_MODULES) {
		*why = "nr_modules absurd";
		return false;
	}
	if (si->modlist_paddr == 0) {
		*why = "modlist_paddr is 0";
		return false;
	}
	if (!phys_ok(si->modlist_paddr,
		     (uint64_t)si->nr_modules * sizeof(struct hvm_modlist_entry))) {
		*why = "module list reaches past 4 GiB";
		return false;
	}
	if (i >= si->nr_modules) {
		*why = "no such module";
		return false;
	}
	phys_copy(m, si->modlist_paddr + (uint64_t)i * sizeof(*m), sizeof(*m));
	return true;
}

bool guest_overlaps_image(uint64_t addr, uint64_t size)
{
	uint64_t start = (uint32_t)(uintptr_t)__image_start;
	uint64_t end = (uint32_t)(uintptr_t)__image_end;

	return size != 0 && addr < end && start < addr + size;
}

bool handover_in_ram(const struct handover *h, uint64_t addr, uint64_t size)
{
	uint64_t end, cur = addr;
	bool progress = true;

	if (!h->memmap_read || add_overflows(addr, size, &end))
		return false;
	/* The map may be unsorted (the memmap check says so): sweep until the
	 * cursor stops moving, so adjacent RAM entries count as one range. */
	while (cur < end && progress) {
		progress = false;
		for (unsigned i = 0; i < h->memmap_n; i++) {
			const struct memmap_entry *e = &h->memmap[i];
			uint64_t e_end;

			if (e->type != XEN_HVM_MEMMAP_TYPE_RAM ||
			    add_overflows(e->addr, e->size, &e_end))
				continue;
			if (e->addr <= cur && cur < e_end) {
				cur = e_end;
				progress = true;
			}
		}
	}
	return cur >= end;
}

static const char *str_state_name(enum str_state s)
{
	switch (s) {
	case STR_ABSENT:
		return "absent";
	case STR_OK:
		return "ok";
	case STR_ABOVE_4G:
		return "above 4 GiB";
	case STR_UNTERMINATED:
		return "no NUL within 4 KiB";
	}
	return "?";
}

static void print_str(const char *label, const struct guest_str *s)
{
	console_printf("%s: paddr 0x%llx (%s)", label, (unsigned long long)s->paddr,
		       str_state_name(s->state));
	if (s->state == STR_OK || s->state == STR_UNTERMINATED) {
		console_puts(" \"");
		console_write(s->text, s->len);
		console_puts("\"");
	}
	console_puts("\n");
}

void handover_print(const struct handover *h)
{
	const struct guest_cpu_state *c = h->cpu;
	const struct hvm_start_info *si = &h->si;

	console_printf("cpu: ebx 0x%08x eflags 0x%08x cr0 0x%08x cr4 0x%08x\n", c->ebx, c->eflags,
		       c->cr0, c->cr4);
	console_printf("cpu: cs 0x%04x ds 0x%04x es 0x%04x ss 0x%04x tr 0x%04x gdt 0x%08x limit 0x%04x\n",
		       c->cs, c->ds, c->es, c->ss, c->tr, c->gdt_base, c->gdt_limit);
	if (!h->si_readable) {
		console_printf("start info: none readable at 0x%08x\n", h->si_paddr);
		return;
	}
	console_printf("start info at 0x%08x: magic 0x%08x version %u flags 0x%x nr_modules %u\n",
		       h->si_paddr, si->magic, si->version, si->flags, si->nr_modules);
	console_printf("start info: modlist_paddr 0x%llx cmdline_paddr 0x%llx rsdp_paddr 0x%llx\n",
		       (unsigned long long)si->modlist_paddr,
		       (unsigned long long)si->cmdline_paddr, (unsigned long long)si->rsdp_paddr);
	if (si->version >= 1)
		console_printf("start info: memmap_paddr 0x%llx memmap_entries %u reserved 0x%x\n",
			       (unsigned long long)si->memmap_paddr, si->memmap_entries,
			       si->reserved);
	print_str("cmdline", &h->cmdline);
	if (h->memmap_read) {
		char line[80];

		for (unsigned i = 0; i < h->memmap_n; i++) {
			memmap_format_entry(line, sizeof(line), &h->memmap[i]);
			console_printf("memmap: %s\n", line);
		}
	} else {
		console_printf("memmap: not read: %s\n", h->memmap_why);
	}
	for (unsigned i = 0; i < si->nr_modules && i < GUEST_MAX_MODULES; i++) {
		static struct guest_str mod_cmdline; /* 4 KiB: not on the stack */
		struct hvm_modlist_entry m;
		const char *why;
		char label[32];

		if (!handover_module(h, i, &m, &why)) {
			console_printf("module: list not read: %s\n", why);
			break;
		}
		console_printf("module %u: paddr 0x%llx size 0x%llx (%llu bytes)\n", i,
			       (unsigned long long)m.paddr, (unsigned long long)m.size,
			       (unsigned long long)m.size);
		guest_str_read(&mod_cmdline, m.cmdline_paddr);
		fmt_snprintf(label, sizeof(label), "module %u cmdline", i);
		print_str(label, &mod_cmdline);
	}
}
