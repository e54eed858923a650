/*
 * check_modules.c - the module list: the count the boot test expects
 * (expect.mods=N on the kernel command line), and for each module an
 * address below 4 GiB in RAM that overlaps neither the guest image, the
 * boot data (start info, module list, memory map, command line) nor another
 * module, and its bytes: CRC-32 against "crc32=XXXXXXXX" on the module's
 * command line and/or "expect.crc32.N=XXXXXXXX" on the kernel's.
 * Called by guest_main().
 */
#include "guest.h"
#include "lib/crc32.h"
#include "lib/fmt.h"
#include "loader/console.h"
#include "pvh/range.h"

/* Compares one expected CRC given as text with the module's CRC. */
static void check_crc(struct check *c, unsigned i, const char *source, const char *val,
		      size_t len, uint32_t crc)
{
	uint32_t want;

	if (!cmdline_parse_hex32(val, len, &want))
		check_fail(c, "module %u: %s value \"%.*s\" is not 8 hex digits", i, source,
			   (int)len, val);
	else if (crc != want)
		check_fail(c, "module %u: crc32 0x%08x, want 0x%08x (%s)", i, crc, want, source);
	else
		console_printf("modules: module %u crc32 0x%08x matches %s\n", i, crc, source);
}

/* The boot data a module must not overlap, as ranges; returns the count. */
static unsigned boot_data_ranges(const struct handover *h, struct range *r, const char **name)
{
	uint32_t img_start = (uint32_t)(uintptr_t)__image_start;
	uint32_t img_end = (uint32_t)(uintptr_t)__image_end;
	unsigned n = 0;

	r[n] = (struct range){ img_start, img_end };
	name[n++] = "the guest image";
	r[n] = (struct range){ h->si_paddr, (uint64_t)h->si_paddr + sizeof(struct hvm_start_info) };
	name[n++] = "the start info";
	r[n] = (struct range){ h->si.modlist_paddr,
			       h->si.modlist_paddr +
				       (uint64_t)h->si.nr_modules * sizeof(struct hvm_modlist_entry) };
	name[n++] = "the module list";
	if (h->memmap_read) {
		r[n] = (struct range){ h->si.memmap_paddr,
				       h->si.memmap_paddr + (uint64_t)h->memmap_n *
								    sizeof(struct hvm_memmap_table_entry) };
		name[n++] = "the memory map";
	}
	if (h->cmdline.state == STR_OK) {
		r[n] = (struct range){ h->cmdline.paddr, h->cmdline.paddr + h->cmdline.len + 1 };
		name[n++] = "the kernel command line";
	}
	return n;
}

static void check_one(struct check *c, const struct handover *h, unsigned i,
		      const struct hvm_modlist_entry *m, bool *placed)
{
	static struct guest_str mod_cmdline; /* 4 KiB: not on the stack */
	struct range data[5];
	const char *data_name[5];
	unsigned ndata = boot_data_ranges(h, data, data_name);
	uint64_t end = m->paddr + m->size;

	*placed = false;
	if (m->paddr == 0) {
		check_fail(c, "module %u: paddr 0 (absent) with size 0x%llx", i,
			   (unsigned long long)m->size);
		return;
	}
	if (!phys_ok(m->paddr, m->size)) {
		check_fail(c, "module %u: paddr 0x%llx + size 0x%llx beyond 4 GiB", i,
			   (unsigned long long)m->paddr, (unsigned long long)m->size);
		return;
	}
	*placed = true;
	if (!h->memmap_read)
		check_fail(c, "module %u: no memory map to find [0x%llx, 0x%llx) in", i,
			   (unsigned long long)m->paddr, (unsigned long long)end);
	else if (!handover_in_ram(h, m->paddr, m->size))
		check_fail(c, "module %u: [0x%llx, 0x%llx) not inside RAM entries", i,
			   (unsigned long long)m->paddr, (unsigned long long)end);
	for (unsigned k = 0; k < ndata; k++)
		if (range_overlaps((struct range){ m->paddr, end }, data[k]))
			check_fail(c, "module %u: [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)", i,
				   (unsigned long long)m->paddr, (unsigned long long)end,
				   data_name[k], (unsigned long long)data[k].start,
				   (unsigned long long)data[k].end);

	guest_str_read(&mod_cmdline, m->cmdline_paddr);
	if (mod_cmdline.state == STR_ABOVE_4G || mod_cmdline.state == STR_UNTERMINATED)
		check_fail(c, "module %u: cmdline at 0x%llx %s", i,
			   (unsigned long long)m->cmdline_paddr,
			   mod_cmdline.state == STR_ABOVE_4G ? "beyond 4 GiB" :
							       "has no NUL within 4 KiB");
	char key[32];
	size_t mlen = 0, klen = 0;
	const char *mval = NULL, *kval = NULL;
	if (mod_cmdline.state == STR_OK)
		mval = cmdline_value(mod_cmdline.text, "crc32=", &mlen);
	fmt_snprintf(key, sizeof(key), "expect.crc32.%u=", i);
	kval = cmdline_value(h->cmdline.text, key, &klen);
	if (!mval && !kval)
		return;
	uint32_t crc = crc32_update(0, (const void *)phys_ptr(m->paddr), (size_t)m->size);
	if (mval)
		check_crc(c, i, "module cmdline crc32=", mval, mlen, crc);
	if (kval)
		check_crc(c, i, "kernel cmdline expect.crc32.N=", kval, klen, crc);
}

void check_modules(const struct handover *h)
{
	const struct hvm_start_info *si = &h->si;
	struct hvm_modlist_entry mods[GUEST_MAX_MODULES];
	bool placed[GUEST_MAX_MODULES];
	struct check c;
	size_t len;

	check_begin(&c, "modules");
	if (!h->si_readable) {
		check_fail(&c, "no start info");
		check_end(&c);
		return;
	}
	const char *v = cmdline_value(h->cmdline.text, "expect.mods=", &len);
	if (v) {
		uint32_t want;

		if (!cmdline_parse_u32(v, len, &want))
			check_fail(&c, "expect.mods value \"%.*s\" is not a number", (int)len, v);
		else if (si->nr_modules != want)
			check_fail(&c, "nr_modules %u, want %u (expect.mods)", si->nr_modules, want);
	}
	if (si->nr_modules == 0) {
		check_end(&c);
		return;
	}
	if (si->nr_modules > GUEST_MAX_MODULES) {
		check_fail(&c, "nr_modules %u, more than %u: not reading the list",
			   si->nr_modules, GUEST_MAX_MODULES);
		check_end(&c);
		return;
	}
	for (unsigned i = 0; i < si->nr_modules; i++) {
		const char *why;

		if (!handover_module(h, i, &mods[i], &why)) {
			check_fail(&c, "%s (modlist_paddr 0x%llx nr_modules %u)", why,
				   (unsigned long long)si->modlist_paddr, si->nr_modules);
			check_end(&c);
			return;
		}
	}
	uint64_t list_bytes = (uint64_t)si->nr_modules * sizeof(struct hvm_modlist_entry);
	if (guest_overlaps_image(si->modlist_paddr, list_bytes))
		check_fail(&c, "module list [0x%llx, 0x%llx) overlaps the guest image",
			   (unsigned long long)si->modlist_paddr,
			   (unsigned long long)(si->modlist_paddr + list_bytes));
	for (unsigned i = 0; i < si->nr_modules; i++)
		check_one(&c, h, i, &mods[i], &placed[i]);
	for (unsigned i = 0; i < si->nr_modules; i++)
		for (unsigned j = i + 1; j < si->nr_modules; j++) {
			struct range a = { mods[i].paddr, mods[i].paddr + mods[i].size };
			struct range b = { mods[j].paddr, mods[j].paddr + mods[j].size };

			if (placed[i] && placed[j] && range_overlaps(a, b))
				check_fail(&c, "module %u [0x%llx, 0x%llx) overlaps module %u [0x%llx, 0x%llx)",
					   i, (unsigned long long)a.start,
					   (unsigned long long)a.end, j,
					   (unsigned long long)b.start, (unsigned long long)b.end);
		}
	check_end(&c);
}
