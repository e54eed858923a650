/*
 * start_info.c - serialising hvm_start_info version 1 (see start_info.h).
 * Called by the front ends' boot glue once the plan has given the boot data
 * its address. Layouts come from the Xen header through xen_abi.h; each
 * table is filled in a local struct and copied, because the host tests'
 * buffers need not be aligned.
 */
#include "pvh/start_info.h"
#include "xen/xen_abi.h"

#define ULL(v) ((unsigned long long)(v))
/* The kernel reads the block with paging off, through 32-bit addresses. */
#define SI_LIMIT_4G 0x100000000ull

struct si_layout {
	uint64_t modlist; /* offsets from the start of the block */
	uint64_t memmap;
	uint64_t strings;
	uint64_t total;
};

static bool si_has_text(const char *s)
{
	return s && s[0];
}

static uint64_t si_text_size(const char *s)
{
	return si_has_text(s) ? (uint64_t)strlen(s) + 1 : 0;
}

static unsigned si_map_entries(const struct si_request *req)
{
	return req->map ? req->map->n : 0;
}

static void si_layout(const struct si_request *req, struct si_layout *l)
{
	uint64_t strings = si_text_size(req->cmdline);

	l->modlist = (sizeof(struct hvm_start_info) + 7) & ~7ull;
	l->memmap = l->modlist + (uint64_t)req->nmodules * sizeof(struct hvm_modlist_entry);
	l->strings = l->memmap + (uint64_t)si_map_entries(req) *
					 sizeof(struct hvm_memmap_table_entry);
	for (unsigned i = 0; i < req->nmodules && req->modules; i++)
		strings += si_text_size(req->modules[i].cmdline);
	l->total = l->strings + strings;
}

uint64_t si_size(const struct si_request *req)
{
	struct si_layout l;

	si_layout(req, &l);
	return l.total;
}

/* Copies s into the strings area; returns its physical address (0 if absent). */
static uint64_t si_put_text(uint8_t *block, uint64_t base, uint64_t *off, const char *s)
{
	uint64_t len = si_text_size(s), at = *off;

	if (!len)
		return 0;
	memcpy(block + at, s, (size_t)len);
	*off += len;
	return base + at;
}

int si_build(void *buf, uint64_t size, uint64_t base, const struct si_request *req,
	     struct err *err)
{
	uint8_t *block = buf;
	struct si_layout l;
	struct hvm_start_info si;
	uint64_t text;

	if (req->nmodules && !req->modules)
		return err_fail(err, "start_info: %u modules but no module list", req->nmodules);
	if (si_map_entries(req) > PVH_LINUX_MAX_MEMMAP)
		return err_fail(err,
				"start_info: memory map has %u entries, Linux takes at most %u",
				si_map_entries(req), (unsigned)PVH_LINUX_MAX_MEMMAP);
	si_layout(req, &l);
	if (base & 7)
		return err_fail(err, "start_info: base 0x%llx is not 8-byte aligned", ULL(base));
	if (base > SI_LIMIT_4G || l.total > SI_LIMIT_4G - base)
		return err_fail(err,
				"start_info: block [0x%llx, 0x%llx) ends above 4 GiB", ULL(base),
				ULL(base + l.total));
	if (size < l.total)
		return err_fail(err, "start_info: buffer of 0x%llx bytes, need 0x%llx",
				ULL(size), ULL(l.total));

	memset(block, 0, (size_t)l.total);
	text = l.strings;

	memset(&si, 0, sizeof(si));
	si.magic = XEN_HVM_START_MAGIC_VALUE;
	si.version = 1;
	si.flags = req->flags;
	si.nr_modules = req->nmodules;
	si.modlist_paddr = req->nmodules ? base + l.modlist : 0;
	si.cmdline_paddr = si_put_text(block, base, &text, req->cmdline);
	si.rsdp_paddr = req->rsdp;
	si.memmap_paddr = si_map_entries(req) ? base + l.memmap : 0;
	si.memmap_entries = si_map_entries(req);
	si.reserved = 0;
	memcpy(block, &si, sizeof(si));

	for (unsigned i = 0; i < req->nmodules; i++) {
		struct hvm_modlist_entry m;

		memset(&m, 0, sizeof(m));
		m.paddr = req->modules[i].addr;
		m.size = req->modules[i].size;
		m.cmdline_paddr = si_put_text(block, base, &text, req->modules[i].cmdline);
		memcpy(block + l.modlist + i * sizeof(m), &m, sizeof(m));
	}
	for (unsigned i = 0; i < si_map_entries(req); i++) {
		struct hvm_memmap_table_entry e;

		memset(&e, 0, sizeof(e));
		e.addr = req->map->e[i].addr;
		e.size = req->map->e[i].size;
		e.type = req->map->e[i].type;
		memcpy(block + l.memmap + i * sizeof(e), &e, sizeof(e));
	}
	return 0;
}
