/*
 * prepare.c - from a boot request to a plan and a start-info request (see
 * prepare.h). Caller: boot_run() of the 32-bit front ends (and later the
 * UEFI one), and the unit tests.
 */
#include "loader/common/prepare.h"
#include "lib/fmt.h"
#include "pvh/bundle.h"
#include "xen/xen_abi.h"

static const char *span_string(struct bootreq *req, const uint8_t *base,
			       const struct bundle_span *s, struct err *err)
{
	uint64_t n = s->size;

	/* A final newline and trailing NULs are not part of a command line. */
	while (n && (base[s->offset + n - 1] == '\n' || base[s->offset + n - 1] == '\0'))
		n--;
	if (n >= BOOTREQ_MAX_STRING) {
		err_fail(err, "bundle: command line of %llu bytes, at most %u",
			 (unsigned long long)n, BOOTREQ_MAX_STRING - 1);
		return NULL;
	}
	return bootreq_strdup(req, (const char *)base + s->offset, (size_t)n, err);
}

int boot_expand_bundle(struct bootreq *req, struct err *err)
{
	static struct bundle b; /* large; the loader has no heap and a small stack */
	const struct bootreq_blob outer = req->kernel;

	if (bundle_parse(&b, outer.data, outer.size, err))
		return -1;
	if (req->nmodules + b.nmodules > BOOTREQ_MAX_MODULES)
		return err_fail(err, "bundle: %u modules plus %u given, at most %d", b.nmodules,
				req->nmodules, BOOTREQ_MAX_MODULES);

	/* The bundle's command line first; what the VMM or loader added follows it. */
	const char *cmdline = outer.cmdline;
	if (b.has_cmdline) {
		const char *own = span_string(req, outer.data, &b.cmdline, err);
		if (!own)
			return -1;
		if (!own[0])
			own = outer.cmdline; /* an empty cmdline member adds nothing */
		else if (outer.cmdline[0]) {
			char joined[BOOTREQ_MAX_STRING];
			size_t n = fmt_snprintf(joined, sizeof(joined), "%s %s", own, outer.cmdline);
			if (n >= sizeof(joined))
				return err_fail(err, "bundle: command line longer than %zu bytes",
						sizeof(joined) - 1);
			own = bootreq_strdup(req, joined, sizeof(joined), err);
			if (!own)
				return -1;
		}
		cmdline = own;
	}

	memmove(&req->modules[b.nmodules], &req->modules[0],
		req->nmodules * sizeof(req->modules[0]));
	for (unsigned i = 0; i < b.nmodules; i++) {
		const struct bundle_module *m = &b.modules[i];
		struct bootreq_blob *blob = &req->modules[i];

		blob->addr = outer.addr + m->data.offset;
		blob->size = m->data.size;
		blob->data = outer.data + m->data.offset;
		blob->name = bootreq_strdup(req, m->name, m->namelen, err);
		blob->cmdline = m->has_cmdline ? span_string(req, outer.data, &m->cmdline, err) : "";
		if (!blob->name || !blob->cmdline)
			return -1;
	}
	req->nmodules += b.nmodules;
	req->kernel.addr = outer.addr + b.kernel.offset;
	req->kernel.size = b.kernel.size;
	req->kernel.data = outer.data + b.kernel.offset;
	req->kernel.cmdline = cmdline;
	char label[96];
	fmt_snprintf(label, sizeof(label), "%s:kernel", outer.name ? outer.name : "bundle");
	req->kernel.name = bootreq_strdup(req, label, sizeof(label), err);
	return req->kernel.name ? 0 : -1;
}

static int prepare_kernel(struct boot_prepared *bp, struct bootreq *req, struct err *err)
{
	struct err elf_err;

	err_clear(&elf_err);
	switch (elf_parse(&bp->elf, req->kernel.data, req->kernel.size, &elf_err)) {
	case ELF_PVH:
		break;
	case ELF_NO_PVH:
		return err_fail(err, "%s: no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel",
				req->kernel.name);
	default:
		return err_fail(err, "%s: %s", req->kernel.name, elf_err.msg);
	}
	if (bp->elf.nsegments > PLAN_MAX_SEGMENTS)
		return err_fail(err, "%s: %u load segments, at most %d", req->kernel.name,
				bp->elf.nsegments, PLAN_MAX_SEGMENTS);
	bp->entry = bp->elf.pvh_entry;
	return 0;
}

/* Every range the plan writes and the kernel keeps using: what fitting must not drop. */
static unsigned prepare_keep(const struct boot_prepared *bp, struct range *keep)
{
	const struct plan_input *pin = &bp->pin;
	unsigned n = 0;

	for (unsigned i = 0; i < pin->nsegments; i++)
		if (pin->segments[i].memsz)
			keep[n++] = (struct range){ pin->segments[i].dst + bp->plan.delta,
						    pin->segments[i].dst + bp->plan.delta +
							    pin->segments[i].memsz };
	for (unsigned i = 0; i < pin->nmodules; i++)
		keep[n++] = (struct range){ bp->plan.module_addr[i],
					    bp->plan.module_addr[i] + pin->modules[i].size };
	keep[n++] = (struct range){ bp->plan.bootdata_addr, bp->plan.bootdata_addr + pin->bootdata_size };
	keep[n++] = (struct range){ bp->plan.handoff_addr, bp->plan.handoff_addr + pin->handoff_size };
	return n;
}

#define PREPARE_MAX_KEEP (PLAN_MAX_SEGMENTS + PLAN_MAX_MODULES + 2)

int boot_prepare_parsed(struct boot_prepared *bp, const struct bootreq *req,
			const uint64_t *seg_src, const struct boot_place *place, struct err *err)
{
	struct plan_input *pin = &bp->pin;
	struct range keep[PREPARE_MAX_KEEP];

	memset(&bp->map, 0, sizeof(*bp) - offsetof(struct boot_prepared, map));
	if (bp->elf.nsegments > PLAN_MAX_SEGMENTS)
		return err_fail(err, "%s: %u load segments, at most %d", req->kernel.name,
				bp->elf.nsegments, PLAN_MAX_SEGMENTS);
	if (place->nbusy > PLAN_MAX_BUSY)
		return err_fail(err, "prepare: %u busy ranges, at most %d", place->nbusy,
				PLAN_MAX_BUSY);
	if (place->nlive > PLAN_MAX_LIVE)
		return err_fail(err, "prepare: %u live ranges, at most %d", place->nlive,
				PLAN_MAX_LIVE);
	if (memmap_normalise(&bp->map, req->raw, req->nraw, err))
		return -1;

	pin->map = &bp->map;
	pin->nsegments = bp->elf.nsegments;
	for (unsigned i = 0; i < bp->elf.nsegments; i++) {
		const struct elf_segment *s = &bp->elf.segments[i];
		pin->segments[i].dst = s->paddr;
		pin->segments[i].src = seg_src[i];
		pin->segments[i].filesz = s->filesz;
		pin->segments[i].memsz = s->memsz;
	}
	pin->reloc.relocatable = bp->elf.reloc.present;
	pin->reloc.align = bp->elf.reloc.align;
	pin->reloc.min = bp->elf.reloc.min;
	pin->reloc.max = bp->elf.reloc.max;
	pin->reloc.forced = place->force_reloc;
	pin->reloc.base = place->reloc_base;
	pin->delta_given = place->delta_given;
	pin->delta = place->delta;
	pin->nmodules = req->nmodules;
	for (unsigned i = 0; i < req->nmodules; i++) {
		pin->modules[i].addr = req->modules[i].addr;
		pin->modules[i].size = req->modules[i].size;
		bp->modules[i].size = req->modules[i].size;
		bp->modules[i].cmdline = req->modules[i].cmdline;
	}
	pin->nbusy = place->nbusy;
	for (unsigned i = 0; i < place->nbusy; i++) {
		pin->busy[i] = place->busy[i];
		pin->busy_name[i] = place->busy_name;
	}
	pin->nlive = place->nlive;
	for (unsigned i = 0; i < place->nlive; i++) {
		pin->live[i] = place->live[i];
		pin->live_name[i] = place->live_name;
	}

	bp->si.flags = req->si_flags;
	bp->si.cmdline = req->kernel.cmdline;
	bp->si.nmodules = req->nmodules;
	bp->si.modules = bp->modules;
	bp->si.rsdp = req->rsdp;
	/* Sized for the largest map handed over; the map is fitted after the plan. */
	bp->si.map = NULL;
	uint64_t si_max = si_size(&bp->si) +
			  PVH_HANDOVER_MAX_MEMMAP * (uint64_t)sizeof(struct hvm_memmap_table_entry);
	/* The multiboot2 RSDP copy follows the start info block, 16-aligned. */
	pin->bootdata_size = ((si_max + 15) & ~15ull) + (req->have_rsdp_copy ? 64 : 0);
	pin->handoff_size = place->handoff_size;

	struct err plan_err;
	err_clear(&plan_err);
	if (plan_build(&bp->plan, pin, &plan_err))
		return err_fail(err, "%s: %s", req->kernel.name, plan_err.msg);
	bp->entry = bp->elf.pvh_entry + bp->plan.delta;
	for (unsigned i = 0; i < req->nmodules; i++)
		bp->modules[i].addr = bp->plan.module_addr[i];
	if (req->have_rsdp_copy) {
		bp->rsdp_copy_addr = bp->plan.bootdata_addr + ((si_max + 15) & ~15ull);
		bp->si.rsdp = bp->rsdp_copy_addr;
		/* Linux reads the RSDP after it has started allocating: not RAM (as Xen does). */
		if (memmap_mark(&bp->map,
				(struct range){ bp->rsdp_copy_addr, bp->rsdp_copy_addr + 64 }, 3, err))
			return -1;
	}
	if (memmap_fit(&bp->map, PVH_HANDOVER_MAX_MEMMAP, keep, prepare_keep(bp, keep), err))
		return -1;
	bp->si.map = &bp->map;
	bp->si_bytes = si_size(&bp->si);
	return 0;
}

int boot_prepare(struct boot_prepared *bp, struct bootreq *req, const struct boot_place *place,
		 struct err *err)
{
	uint64_t seg_src[PLAN_MAX_SEGMENTS];

	memset(bp, 0, sizeof(*bp));
	if (!req->have_kernel)
		return err_fail(err, "%s: no kernel given", req->source);
	if (bundle_detect(req->kernel.data, req->kernel.size) && boot_expand_bundle(req, err))
		return -1;
	if (prepare_kernel(bp, req, err))
		return -1;
	for (unsigned i = 0; i < bp->elf.nsegments; i++)
		seg_src[i] = req->kernel.addr + bp->elf.segments[i].offset;
	return boot_prepare_parsed(bp, req, seg_src, place, err);
}
