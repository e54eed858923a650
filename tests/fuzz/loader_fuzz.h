/*
 * loader_fuzz.h - what the boot-information fuzz targets (fuzz_mb1.c,
 * fuzz_mb2.c, fuzz_pvh_info.c) share: the input bytes stand for physical
 * memory at LF_BASE, and a copy of their start also appears as the BIOS
 * area at 0xe0000 so the RSDP scan has something to find. A request that
 * parses is checked, then taken through boot_prepare() (and its re-fit),
 * si_build() and handoff_fill() as the loader would; any broken promise aborts.
 * Header-only because each target links alone with replay_main.c.
 */
#ifndef PVHBOOT_LOADER_FUZZ_H
#define PVHBOOT_LOADER_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/common/bootreq.h"
#include "loader/common/phys.h"
#include "loader/common/prepare.h"
#include "loader/handoff.h"
#include "pvh/start_info.h"
#include "xen/xen_abi.h"

#define LF_BASE 0x1000u
#define LF_BIOS 0xe0000u
#define LF_BIOS_SIZE 0x20000u

static uint8_t lf_bios[LF_BIOS_SIZE];

static void lf_check(bool ok)
{
	if (!ok)
		abort();
}

/* The input at LF_BASE (exact size, so ASan sees over-reads), then the BIOS copy. */
static const void *lf_map(const struct phys_mem *pm, uint64_t addr, uint64_t len)
{
	struct phys_mem bios = phys_buffer(lf_bios, LF_BIOS, LF_BIOS_SIZE);
	const void *p = phys_map_buffer(pm, addr, len);

	return p ? p : phys_map_buffer(&bios, addr, len);
}

static struct phys_mem lf_memory(const uint8_t *data, size_t size)
{
	struct phys_mem pm = { lf_map, data, LF_BASE, size };

	memset(lf_bios, 0, sizeof(lf_bios));
	memcpy(lf_bios, data, size < sizeof(lf_bios) ? size : sizeof(lf_bios));
	return pm;
}

/* [p, p+n) lies inside one of the two windows. */
static bool lf_inside(const uint8_t *p, uint64_t n, const uint8_t *data, size_t size)
{
	uintptr_t a = (uintptr_t)p;

	if (a >= (uintptr_t)data && a - (uintptr_t)data <= size &&
	    n <= size - (a - (uintptr_t)data))
		return true;
	return a >= (uintptr_t)lf_bios && a - (uintptr_t)lf_bios <= LF_BIOS_SIZE &&
	       n <= LF_BIOS_SIZE - (a - (uintptr_t)lf_bios);
}

static void lf_check_blob(const struct bootreq_blob *b, const uint8_t *data, size_t size)
{
	lf_check(b->data != NULL && lf_inside(b->data, b->size, data, size));
	lf_check(b->name != NULL && strlen(b->name) < BOOTREQ_MAX_STRING);
	lf_check(b->cmdline != NULL && strlen(b->cmdline) < BOOTREQ_MAX_STRING);
	if (b->size) {
		/* Touch the last byte so ASan checks the blob is readable. */
		volatile uint8_t last = b->data[b->size - 1];

		(void)last;
	}
}

static void lf_check_request(const struct bootreq *req, const uint8_t *data, size_t size)
{
	if (req->have_kernel)
		lf_check_blob(&req->kernel, data, size);
	else /* firmware mode: the PVH entry got no module; the disk front end loads the kernel */
		lf_check(strcmp(req->source, "pvh") == 0 && req->nmodules == 0);
	lf_check(req->nmodules <= BOOTREQ_MAX_MODULES);
	for (unsigned i = 0; i < req->nmodules; i++)
		lf_check_blob(&req->modules[i], data, size);
	lf_check(req->nraw <= MEMMAP_MAX);
	lf_check(req->pool_used <= sizeof(req->pool));
	lf_check(req->loader_cmdline != NULL && strlen(req->loader_cmdline) < BOOTREQ_MAX_STRING);
}

/* The common boot path on the parsed request: plan, start info, hand-off block. */
static void lf_prepare(struct bootreq *req)
{
	static struct boot_prepared bp;
	static struct handoff_block block;
	static uint8_t si_buf[65536];
	const struct boot_place place = { .handoff_size = HANDOFF_AREA_SIZE };
	struct err err;

	err_clear(&err);
	if (boot_prepare(&bp, req, &place, &err)) {
		lf_check(err.set && err.msg[0]);
		return;
	}
	lf_check(!err.set);
	lf_check(bp.map.n <= PVH_HANDOVER_MAX_MEMMAP);
	lf_check(bp.entry == bp.elf.pvh_entry + bp.plan.delta);
	lf_check(bp.si.nmodules == req->nmodules);
	for (unsigned i = 0; i < req->nmodules; i++)
		lf_check(bp.modules[i].addr == bp.plan.module_addr[i] &&
			 bp.modules[i].size == req->modules[i].size);
	lf_check(bp.plan.bootdata_addr >= 0x100000 &&
		 bp.plan.bootdata_addr + bp.pin.bootdata_size <= 0x40000000);
	lf_check(bp.plan.handoff_addr + HANDOFF_AREA_SIZE <= 0x40000000);
	if (req->have_rsdp_copy)
		lf_check(bp.si.rsdp == bp.rsdp_copy_addr && bp.rsdp_copy_addr);
	/* The re-fit UEFI runs after ExitBootServices, from an unchanged raw map: the same map. */
	static struct memmap fitted;
	uint64_t si_bytes = bp.si_bytes;
	fitted = bp.map;
	lf_check(boot_prepare_refit(&bp, req->raw, req->nraw, &err) == 0);
	lf_check(bp.map.n == fitted.n && bp.si_bytes == si_bytes);
	for (unsigned i = 0; i < fitted.n && i < bp.map.n; i++)
		lf_check(bp.map.e[i].addr == fitted.e[i].addr && bp.map.e[i].size == fitted.e[i].size &&
			 bp.map.e[i].type == fitted.e[i].type);
	/* What the front end does next must not fail for a plan that succeeded. */
	lf_check(handoff_fill(&block, (uint32_t)bp.plan.handoff_addr, &bp.plan, bp.entry,
			      bp.plan.bootdata_addr, &err) == 0);
	if (bp.si_bytes <= sizeof(si_buf))
		lf_check(si_build(si_buf, bp.si_bytes, bp.plan.bootdata_addr, &bp.si, &err) == 0);
}

#endif
