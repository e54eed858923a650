/* pvh_info.c - reading the start info a VMM handed to pvhboot (see pvh_info.h). */
#include "loader/common/pvh_info.h"
#include "lib/fmt.h"
#include "xen/xen_abi.h"

#define PVH_MAX_VMM_MEMMAP MEMMAP_MAX
/* magic, version, flags, nr_modules, modlist_paddr, cmdline_paddr, rsdp_paddr */
#define PVH_START_INFO_V0_SIZE 40u
_Static_assert(__builtin_offsetof(struct hvm_start_info, memmap_paddr) == PVH_START_INFO_V0_SIZE,
	       "version 0 ends where memmap_paddr starts");

static int pvh_string(struct bootreq *req, const struct phys_mem *pm, uint64_t addr,
		      const char *what, const char **out, struct err *err)
{
	*out = "";
	if (!addr)
		return 0;
	const char *s = phys_string(pm, addr, BOOTREQ_MAX_STRING);
	if (!s)
		return err_fail(err, "pvh: %s at 0x%llx is not a string below %u bytes", what,
				(unsigned long long)addr, BOOTREQ_MAX_STRING);
	*out = bootreq_strdup(req, s, BOOTREQ_MAX_STRING, err);
	return *out ? 0 : -1;
}

/* The start info's own map (version 1): hvm_memmap_table_entry, 24 bytes each. */
static int pvh_si_memmap(struct bootreq *req, const struct phys_mem *pm,
			 const struct hvm_start_info *si, struct err *err)
{
	if (si->memmap_entries > PVH_MAX_VMM_MEMMAP)
		return err_fail(err, "pvh: memmap_entries %u, at most %d", si->memmap_entries,
				PVH_MAX_VMM_MEMMAP);
	const uint8_t *mm = phys_map(pm, si->memmap_paddr,
				     (uint64_t)si->memmap_entries * sizeof(struct hvm_memmap_table_entry));
	if (!mm)
		return err_fail(err, "pvh: memory map at 0x%llx (%u entries) not readable",
				(unsigned long long)si->memmap_paddr, si->memmap_entries);
	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		const uint8_t *e = mm + i * sizeof(struct hvm_memmap_table_entry);
		if (bootreq_add_ram(req, le64(e), le64(e + 8), le32(e + 16), err))
			return -1;
	}
	return 0;
}

int pvh_e820_add(struct bootreq *req, const struct pvh_e820 *e820, struct err *err)
{
	uint64_t bytes = (uint64_t)e820->n * XEN_E820_ENTRY_SIZE;

	if (e820->n == 0)
		return err_fail(err, "pvh: xen memory map has no entries");
	if (e820->n > PVH_MAX_VMM_MEMMAP)
		return err_fail(err, "pvh: xen memory map nr_entries %u, at most %d", e820->n,
				PVH_MAX_VMM_MEMMAP);
	if (bytes > e820->size)
		return err_fail(err, "pvh: xen memory map nr_entries %u (0x%llx bytes) beyond its "
				     "buffer of 0x%zx bytes",
				e820->n, (unsigned long long)bytes, e820->size);
	for (uint32_t i = 0; i < e820->n; i++) {
		const uint8_t *e = e820->buf + (size_t)i * XEN_E820_ENTRY_SIZE;
		if (bootreq_add_ram(req, le64(e), le64(e + 8), le32(e + 16), err))
			return -1;
	}
	return 0;
}

int pvh_info_parse(struct bootreq *req, struct loader_options *opts, const struct phys_mem *pm,
		   uint32_t si_addr, struct err *err)
{
	return pvh_info_parse_xen(req, opts, pm, si_addr, NULL, err);
}

int pvh_info_parse_xen(struct bootreq *req, struct loader_options *opts,
		       const struct phys_mem *pm, uint32_t si_addr, const struct pvh_xen *xen,
		       struct err *err)
{
	struct hvm_start_info si;
	const void *p = phys_map(pm, si_addr, PVH_START_INFO_V0_SIZE);

	bootreq_init(req, "pvh");
	if (!p)
		return err_fail(err, "pvh: start info at 0x%x not readable", si_addr);
	/* Version 0 ends before memmap_paddr: read the rest only when the version has it. */
	memset(&si, 0, sizeof(si));
	memcpy(&si, p, PVH_START_INFO_V0_SIZE);
	if (si.magic != XEN_HVM_START_MAGIC_VALUE)
		return err_fail(err, "pvh: start info magic 0x%x, expected 0x%x", si.magic,
				XEN_HVM_START_MAGIC_VALUE);
	if (si.version >= 1) {
		p = phys_map(pm, si_addr, sizeof(si));
		if (!p)
			return err_fail(err, "pvh: start info version %u at 0x%x: its 0x%zx bytes not "
					     "readable",
					si.version, si_addr, sizeof(si));
		memcpy(&si, p, sizeof(si));
	}
	req->si_flags = si.flags;
	req->rsdp = si.rsdp_paddr;
	bool ignore_module_cmdlines = xen && (si.flags & SIF_INITDOMAIN);

	const char *vmm_cmdline;
	if (pvh_string(req, pm, si.cmdline_paddr, "cmdline", &vmm_cmdline, err))
		return -1;
	char rest[BOOTREQ_MAX_STRING];
	options_parse(opts, vmm_cmdline, false, rest, sizeof(rest));
	const char *kernel_cmdline = bootreq_strdup(req, rest, sizeof(rest), err);
	if (!kernel_cmdline)
		return -1;

	bool si_has_map = si.version >= 1 && si.memmap_entries != 0;
	if (!si_has_map && xen && xen->e820.n) {
		if (pvh_e820_add(req, &xen->e820, err))
			return -1;
	} else if (!si_has_map) {
		return err_fail(err, "pvh: start info version %u without a memory map "
				     "(memmap_entries %u): cannot place the kernel",
				si.version, si.version >= 1 ? si.memmap_entries : 0);
	} else if (pvh_si_memmap(req, pm, &si, err)) {
		return -1;
	}

	if (si.nr_modules == 0)
		return err_fail(err, "pvh: no modules: give the PVH kernel or a bundle as the "
				     "module (QEMU: -initrd)");
	if (si.nr_modules > BOOTREQ_MAX_MODULES)
		return err_fail(err, "pvh: nr_modules %u, at most %d", si.nr_modules,
				BOOTREQ_MAX_MODULES);
	const uint8_t *ml = phys_map(pm, si.modlist_paddr,
				     (uint64_t)si.nr_modules * sizeof(struct hvm_modlist_entry));
	if (!ml)
		return err_fail(err, "pvh: module list at 0x%llx (%u entries) not readable",
				(unsigned long long)si.modlist_paddr, si.nr_modules);
	for (uint32_t i = 0; i < si.nr_modules; i++) {
		const uint8_t *m = ml + i * sizeof(struct hvm_modlist_entry);
		struct bootreq_blob blob = { .addr = le64(m), .size = le64(m + 8) };
		char label[24];

		blob.data = phys_map(pm, blob.addr, blob.size);
		if (!blob.data)
			return err_fail(err, "pvh: module %u at 0x%llx size 0x%llx not readable", i,
					(unsigned long long)blob.addr, (unsigned long long)blob.size);
		if (pvh_string(req, pm, le64(m + 16), "module cmdline", &blob.cmdline, err))
			return -1;
		if (ignore_module_cmdlines)
			blob.cmdline = "";
		fmt_snprintf(label, sizeof(label), "module %u", i);
		blob.name = bootreq_strdup(req, label, sizeof(label), err);
		if (!blob.name)
			return -1;
		if (i == 0) {
			if (!blob.cmdline[0])
				blob.cmdline = kernel_cmdline;
			req->kernel = blob;
			req->have_kernel = true;
		} else if (bootreq_add_module(req, &blob, err)) {
			return -1;
		}
	}
	return 0;
}
