/*
 * efi_boot.c - the UEFI front end's boot path (see efi_boot.h).
 * Caller: efi_main() with a selection from the load options or a loader
 * entry. Everything that can fail happens before ExitBootServices; after
 * it, only pure code runs (memory-map conversion, the common re-fit,
 * start info, hand-off). Planning and fitting are the common preparation's
 * (loader/common/prepare.h), as for every front end; this file decides what
 * memory the plan may use and reads the files there.
 */
#include "loader/efi/efi_boot.h"
#include "elf/elf.h"
#include "lib/fmt.h"
#include "loader/common/prepare.h"
#include "loader/config/efi_memmap.h"
#include "loader/efi/efi_console.h"
#include "loader/efi/efi_file.h"
#include "loader/efi/efi_memattr.h"
#include "loader/efi/efi_panic.h"
#include "loader/handoff.h"
#include "pvh/memmap.h"
#include "pvh/plan.h"
#include "pvh/start_info.h"
#include "xen/xen_abi.h"

#define PAGE 4096ull
#define BELOW_4G 0xffffffffull
#define BELOW_1G 0x3fffffffull
/* Room for the boot data (start info, lists, 126 map entries, strings). */
#define BOOTDATA_MAX (64 * 1024)
/* 4096 descriptors of OVMF's 48 bytes: large servers report thousands. */
#define MEMMAP_BUF_SIZE (192 * 1024)

extern const char efi_leave_long_start[], efi_leave_long_end[];

_Static_assert(EFI_MAX_INITRDS <= BOOTREQ_MAX_MODULES, "every initrd is a boot request module");

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;
static EFI_GUID memattr_guid = EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID;

/* Page allocations, so that an error before ExitBootServices frees them all. */
#define ALLOC_LOG_MAX 128

/* Large state lives here, not on the firmware's small stack. */
static struct {
	struct elf_image elf;
	uint8_t elf_scratch[ELF_SCRATCH_SIZE];
	uint64_t seg_src[ELF_MAX_SEGMENTS];
	uint64_t pool;
	uint64_t pool_size;
	struct memmap placement;
	struct memmap_entry placement_raw[ELF_MAX_SEGMENTS + EFI_MAX_INITRDS + 1];
	struct memmap free_now;
	struct memmap_entry raw[MEMMAP_MAX];
	uint64_t delta;     /* added to every segment's address and the entry */
	bool span_owned;    /* the whole (moved) image range is allocated: read in place */
	uint64_t staged;    /* file bytes read to a buffer, copied after ExitBootServices */
	struct bootreq req;      /* the handed-over raw map, initrds, command line, RSDP */
	struct boot_prepared bp; /* the common preparation's result */
	uint8_t map_buf[MEMMAP_BUF_SIZE];
	UINTN map_size, map_key, desc_size;
	UINT32 desc_version;
	uint64_t tsc_per_ms;
	char msg[ERR_MSG_MAX + 64];
	unsigned nallocs;
	struct {
		uint64_t addr, pages;
	} allocs[ALLOC_LOG_MAX];
} g;

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static void tsc_calibrate(void)
{
	uint64_t t0 = rdtsc();

	uefi_call_wrapper(efi_bs->Stall, 1, 2000);
	g.tsc_per_ms = (rdtsc() - t0) / 2;
	if (!g.tsc_per_ms)
		g.tsc_per_ms = 1;
}

/* Give back every page this boot attempt took: the next boot option finds memory as it was. */
static void free_all_pages(void)
{
	while (g.nallocs) {
		g.nallocs--;
		uefi_call_wrapper(efi_bs->FreePages, 2, g.allocs[g.nallocs].addr,
				  g.allocs[g.nallocs].pages);
	}
}

static EFI_STATUS fail(EFI_STATUS st, struct err *err)
{
	free_all_pages();
	return efi_fail(st, err->msg);
}

static EFI_STATUS get_memory_map(struct err *err)
{
	g.map_size = sizeof(g.map_buf);
	EFI_STATUS st = uefi_call_wrapper(efi_bs->GetMemoryMap, 5, &g.map_size,
					  (EFI_MEMORY_DESCRIPTOR *)g.map_buf, &g.map_key,
					  &g.desc_size, &g.desc_version);
	if (EFI_ERROR(st))
		err_fail(err, "efi: GetMemoryMap failed (0x%llx, needs %llu bytes)",
			 (unsigned long long)st, (unsigned long long)g.map_size);
	return st;
}

/* A file read callback for the ELF reader: headers and notes only. */
static int kernel_read(const struct elf_file *ef, uint64_t off, void *buf, uint64_t len)
{
	struct err err;

	err_clear(&err);
	return EFI_ERROR(efi_file_read_at(ef->ctx, off, buf, len, &err)) ? -1 : 0;
}

/* AllocatePages, logged for free_all_pages(); a full log refuses (and frees). */
static EFI_STATUS alloc_typed(EFI_ALLOCATE_TYPE type, EFI_MEMORY_TYPE mt, uint64_t *addr,
			      uint64_t bytes)
{
	EFI_PHYSICAL_ADDRESS a = *addr;
	uint64_t pages = (bytes + PAGE - 1) / PAGE;
	EFI_STATUS st = uefi_call_wrapper(efi_bs->AllocatePages, 4, type, mt, pages, &a);

	if (EFI_ERROR(st))
		return st;
	if (g.nallocs == ALLOC_LOG_MAX) {
		uefi_call_wrapper(efi_bs->FreePages, 2, a, pages);
		return EFI_OUT_OF_RESOURCES;
	}
	g.allocs[g.nallocs].addr = a;
	g.allocs[g.nallocs].pages = pages;
	g.nallocs++;
	*addr = a;
	return st;
}

static EFI_STATUS alloc_pages(EFI_ALLOCATE_TYPE type, uint64_t *addr, uint64_t bytes)
{
	return alloc_typed(type, EfiLoaderData, addr, bytes);
}

/*
 * The protection attributes (RP, XP, RO) of [base, base + size) page by
 * page, or'd, for the console: GetMemoryAttributes refuses a range whose
 * pages differ (EFI_NO_MAPPING), so *mixed says whether they did. False
 * when the firmware cannot tell.
 */
static bool memattr_read(EFI_MEMORY_ATTRIBUTE_PROTOCOL *ma, uint64_t base, uint64_t size,
			 uint64_t *attrs, bool *mixed)
{
	*attrs = 0;
	*mixed = false;
	for (uint64_t a = base; a < base + size; a += PAGE) {
		UINT64 page_attrs = 0;
		EFI_STATUS st = uefi_call_wrapper(ma->GetMemoryAttributes, 4, ma, a, PAGE, &page_attrs);
		if (EFI_ERROR(st))
			return false;
		page_attrs &= EFI_MEMORY_RP | EFI_MEMORY_XP | EFI_MEMORY_RO;
		if (a != base && page_attrs != *attrs)
			*mixed = true;
		*attrs |= page_attrs;
	}
	return true;
}

/* "XP RO" for the attributes of memattr_read, "none" for none, "unknown" when it failed. */
static const char *memattr_names(bool known, uint64_t attrs, bool mixed, char *buf, size_t size)
{
	if (!known)
		return "unknown";
	fmt_snprintf(buf, size, "%s%s%s%s%s", attrs ? "" : "none", attrs & EFI_MEMORY_RP ? " RP" : "",
		     attrs & EFI_MEMORY_XP ? " XP" : "", attrs & EFI_MEMORY_RO ? " RO" : "",
		     mixed ? " (on some pages)" : "");
	return buf[0] == ' ' ? buf + 1 : buf;
}

/*
 * The pool (boot data and the hand-off area, where leave_long and the stub
 * run after ExitBootServices, still on the firmware's page tables): code
 * pages, so that firmware mapping data pages execute-never does not fault
 * there, and neither execute-never nor read-only where the firmware has the
 * memory attribute protocol to say so. The console says which, with the
 * attributes the firmware gave the pages and what they are after clearing.
 */
static EFI_STATUS alloc_pool(struct err *err)
{
	EFI_MEMORY_ATTRIBUTE_PROTOCOL *ma = NULL;
	char before_buf[48], after_buf[48];
	uint64_t before = 0, after = 0;
	bool before_mixed = false, after_mixed = false;

	g.pool_size = BOOTDATA_MAX + HANDOFF_AREA_SIZE + 2 * PAGE;
	g.pool = BELOW_1G;
	EFI_STATUS st = alloc_typed(AllocateMaxAddress, EfiLoaderCode, &g.pool, g.pool_size);
	if (EFI_ERROR(st)) {
		err_fail(err, "efi: no %llu bytes below 1 GiB for the start info and hand-off",
			 (unsigned long long)g.pool_size);
		return st;
	}
	g.pool_size = (g.pool_size + PAGE - 1) & ~(PAGE - 1);
	unsigned long long first = g.pool, last = g.pool + g.pool_size - 1;
	st = uefi_call_wrapper(efi_bs->LocateProtocol, 3, &memattr_guid, NULL, (void **)&ma);
	if (EFI_ERROR(st) || !ma) {
		efi_printf("pvhboot:   hand-off pages 0x%llx-0x%llx: LoaderCode; no memory "
			   "attribute protocol (EFI_MEMORY_ATTRIBUTE_PROTOCOL): nothing to clear\n",
			   first, last);
		return EFI_SUCCESS;
	}
	bool before_known = memattr_read(ma, g.pool, g.pool_size, &before, &before_mixed);
	st = uefi_call_wrapper(ma->ClearMemoryAttributes, 4, ma, g.pool, g.pool_size,
			       EFI_MEMORY_XP | EFI_MEMORY_RO);
	if (EFI_ERROR(st)) {
		err_fail(err, "efi: clearing XP/RO of the hand-off pages 0x%llx-0x%llx through the "
			      "memory attribute protocol failed (0x%llx)",
			 first, last, (unsigned long long)st);
		return st;
	}
	bool after_known = memattr_read(ma, g.pool, g.pool_size, &after, &after_mixed);
	const char *before_names =
		memattr_names(before_known, before, before_mixed, before_buf, sizeof(before_buf));
	const char *after_names =
		memattr_names(after_known, after, after_mixed, after_buf, sizeof(after_buf));
	efi_printf("pvhboot:   hand-off pages 0x%llx-0x%llx: LoaderCode; memory attribute "
		   "protocol found: attributes %s, XP/RO cleared, now %s\n",
		   first, last, before_names, after_names);
	if (after_known && (after & (EFI_MEMORY_XP | EFI_MEMORY_RO))) {
		err_fail(err, "efi: the hand-off pages 0x%llx-0x%llx are still %s after "
			      "ClearMemoryAttributes succeeded", first, last, after_names);
		return EFI_DEVICE_ERROR;
	}
	return EFI_SUCCESS;
}

static void report_read(const char *what, const char *path, uint64_t bytes, uint64_t t0)
{
	uint64_t ms = (rdtsc() - t0) / g.tsc_per_ms;

	efi_printf("pvhboot:   %s %s: %llu bytes in %llu ms\n", what, path,
		   (unsigned long long)bytes, (unsigned long long)ms);
}

/*
 * Take the conventional pages of a destination the firmware partly holds,
 * so that no later allocation (staging buffers, initrds, the pool) lands
 * there: those would have to be moved out of the kernel's way. Best effort:
 * a page we cannot take only costs a copy later.
 */
static void reserve_free_parts(uint64_t start, uint64_t end)
{
	size_t count = 0;
	struct err ignore;

	err_clear(&ignore);
	if (efi_memmap_check(g.map_size, g.desc_size, &count, &ignore))
		return;
	for (size_t i = 0; i < count; i++) {
		struct efi_memdesc d;
		if (efi_memmap_get(g.map_buf, g.desc_size, i, &d, &ignore))
			return;
		uint64_t lo = d.start, hi = d.start + d.pages * PAGE;
		if (d.type != EFI_MT_CONVENTIONAL || hi <= start || lo >= end)
			continue;
		lo = lo > start ? lo : start;
		hi = hi < end ? hi : end;
		alloc_pages(AllocateAddress, &lo, hi - lo);
	}
}

/*
 * Where the kernel goes. At its linked address when all of it is free now,
 * or when it cannot move (load_segments then stages what the firmware still
 * holds, copied after ExitBootServices). Otherwise, or with reloc=, a
 * relocatable kernel moves to the base the core's chooser picks in the
 * memory free now (the highest that fits its note), allocated whole, so
 * that every segment is read straight to its place: nothing staged.
 */
static EFI_STATUS choose_placement(const char *path, const struct efi_selection *sel,
				   struct err *err)
{
	unsigned n = 0;
	struct err why;
	struct range span = { g.elf.span_start, g.elf.span_end };
	struct range pages = { span.start & ~(PAGE - 1), (span.end + PAGE - 1) & ~(PAGE - 1) };

	g.delta = 0;
	g.span_owned = false;
	if (get_memory_map(err))
		return EFI_LOAD_ERROR;
	if (efi_memmap_free_now(g.map_buf, g.map_size, g.desc_size, g.raw, MEMMAP_MAX, &n, err) ||
	    memmap_normalise(&g.free_now, g.raw, n, err))
		return EFI_LOAD_ERROR;
	if (!sel->has_reloc && (!g.elf.reloc.present || memmap_is_ram(&g.free_now, pages)))
		return EFI_SUCCESS;

	struct plan_reloc r = { g.elf.reloc.present, g.elf.reloc.align, g.elf.reloc.min,
				g.elf.reloc.max, sel->has_reloc, sel->reloc };
	uint64_t delta = 0;
	err_clear(&why);
	if (plan_reloc_choose(&g.free_now, NULL, NULL, 0, span, &r, &delta, &why)) {
		err_fail(err, "%s: linked at 0x%llx-0x%llx%s; %s", path,
			 (unsigned long long)span.start, (unsigned long long)(span.end - 1),
			 sel->has_reloc ? ", reloc= given" : ", part of it held by the firmware",
			 why.msg);
		return EFI_LOAD_ERROR;
	}
	uint64_t base = pages.start + delta;
	EFI_STATUS st = alloc_pages(AllocateAddress, &base, pages.end - pages.start);
	if (EFI_ERROR(st)) {
		err_fail(err, "%s: the chosen range 0x%llx-0x%llx cannot be allocated (0x%llx)", path,
			 (unsigned long long)(pages.start + delta),
			 (unsigned long long)(pages.end + delta - 1), (unsigned long long)st);
		return st;
	}
	g.delta = delta;
	g.span_owned = true;
	efi_printf("pvhboot:   relocated by %s0x%llx: 0x%llx-0x%llx (linked at 0x%llx%s), "
		   "read in place\n", (int64_t)delta < 0 ? "-" : "+",
		   (unsigned long long)((int64_t)delta < 0 ? -delta : delta),
		   (unsigned long long)(span.start + delta), (unsigned long long)(span.end + delta - 1),
		   (unsigned long long)span.start,
		   sel->has_reloc ? ", reloc= given" : ", held by the firmware until ExitBootServices");
	return EFI_SUCCESS;
}

/* Where the kernel's bytes come from: its file, or (a UKI's .linux) memory. */
struct kernel_src {
	const char *path;
	struct efi_file *file;
	const uint8_t *data;
	uint64_t size;
};

static EFI_STATUS src_read(const struct kernel_src *k, uint64_t off, void *dst, uint64_t len,
			   struct err *err)
{
	if (k->file)
		return efi_file_read_at(k->file, off, dst, len, err);
	/* elf_parse checked every segment against the size; checked again, cheaply. */
	if (off > k->size || len > k->size - off) {
		err_fail(err, "%s: bytes [0x%llx, +0x%llx) beyond its 0x%llx", k->path,
			 (unsigned long long)off, (unsigned long long)len,
			 (unsigned long long)k->size);
		return EFI_LOAD_ERROR;
	}
	memcpy(dst, k->data + off, len);
	return EFI_SUCCESS;
}

/* Each load segment: straight to its destination if that is free memory, else a buffer. */
static EFI_STATUS load_segments(const struct kernel_src *kf, struct err *err)
{
	g.staged = 0;
	for (unsigned i = 0; i < g.elf.nsegments; i++) {
		const struct elf_segment *s = &g.elf.segments[i];
		uint64_t start = s->paddr & ~(PAGE - 1);
		uint64_t end = (s->paddr + s->memsz + PAGE - 1) & ~(PAGE - 1);
		uint64_t t0 = rdtsc();
		EFI_STATUS st;

		if (g.span_owned) {
			/* The whole moved range is ours: read in place, zero the rest. */
			uint8_t *dst = (uint8_t *)(uintptr_t)(s->paddr + g.delta);
			g.seg_src[i] = s->paddr + g.delta;
			st = src_read(kf, s->offset, dst, s->filesz, err);
			if (EFI_ERROR(st))
				return st;
			memset(dst + s->filesz, 0, s->memsz - s->filesz);
			char what[32];
			fmt_snprintf(what, sizeof(what), "segment %u of", s->index);
			report_read(what, kf->path, s->filesz, t0);
			continue;
		}

		if (get_memory_map(err))
			return EFI_LOAD_ERROR;
		struct range r = { start, end };
		struct err why;
		err_clear(&why);
		if (efi_memmap_check_free(g.map_buf, g.map_size, g.desc_size, r, &why)) {
			err_fail(err, "%s: segment %u [0x%llx, 0x%llx) cannot be loaded: %s", kf->path,
				 s->index, (unsigned long long)s->paddr,
				 (unsigned long long)(s->paddr + s->memsz), why.msg);
			return EFI_LOAD_ERROR;
		}
		uint64_t dst = start;
		if (!EFI_ERROR(alloc_pages(AllocateAddress, &dst, end - start))) {
			g.seg_src[i] = s->paddr;
			st = src_read(kf, s->offset, (void *)(uintptr_t)s->paddr, s->filesz, err);
			if (!EFI_ERROR(st))
				memset((uint8_t *)(uintptr_t)s->paddr + s->filesz, 0, s->memsz - s->filesz);
		} else {
			/* Firmware holds part of it until ExitBootServices: the hand-off moves it. */
			reserve_free_parts(start, end);
			uint64_t buf = BELOW_4G;
			st = alloc_pages(AllocateMaxAddress, &buf, s->filesz ? s->filesz : 1);
			if (EFI_ERROR(st)) {
				err_fail(err, "%s: no memory below 4 GiB to stage segment %u (%llu bytes)",
					 kf->path, s->index, (unsigned long long)s->filesz);
				return st;
			}
			g.seg_src[i] = buf;
			g.staged += s->filesz;
			st = src_read(kf, s->offset, (void *)(uintptr_t)buf, s->filesz, err);
			efi_printf("pvhboot:   segment %u: destination 0x%llx held by the firmware: "
				   "staged at 0x%llx\n", s->index, (unsigned long long)s->paddr,
				   (unsigned long long)buf);
		}
		if (EFI_ERROR(st))
			return st;
		char what[32];
		fmt_snprintf(what, sizeof(what), "segment %u of", s->index);
		report_read(what, kf->path, s->filesz, t0);
	}
	return EFI_SUCCESS;
}

static EFI_STATUS load_kernel(EFI_FILE_HANDLE root, const struct efi_selection *sel,
			      struct err *err)
{
	struct efi_file kf = { NULL, 0, sel->linux_path };
	struct kernel_src src = { sel->linux_path, NULL, sel->linux_data, sel->linux_size };
	struct err elf_err;
	enum elf_status es;
	EFI_STATUS st = EFI_SUCCESS;

	err_clear(&elf_err);
	if (sel->linux_data) {
		/* A UKI's .linux: already in memory, parsed over the buffer. */
		es = elf_parse(&g.elf, sel->linux_data, sel->linux_size, &elf_err);
	} else {
		st = efi_file_open(root, sel->linux_path, &kf, err);
		if (EFI_ERROR(st))
			return st;
		src.file = &kf;
		src.size = kf.size;
		struct elf_file ef = { kf.size, kernel_read, &kf };
		es = elf_parse_file(&g.elf, &ef, g.elf_scratch, sizeof(g.elf_scratch), &elf_err);
	}
	switch (es) {
	case ELF_PVH:
		break;
	case ELF_NO_PVH:
		err_fail(err, "%s: no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel",
			 sel->linux_path);
		st = EFI_UNSUPPORTED;
		goto out;
	default:
		err_fail(err, "%s: %s", sel->linux_path, elf_err.msg);
		st = EFI_LOAD_ERROR;
		goto out;
	}
	efi_printf("pvhboot: kernel %s: %llu bytes, ELF%u, PVH entry 0x%llx, %u segments "
		   "0x%llx-0x%llx\n", sel->linux_path, (unsigned long long)src.size,
		   g.elf.elf_class, (unsigned long long)g.elf.pvh_entry, g.elf.nsegments,
		   (unsigned long long)g.elf.span_start, (unsigned long long)g.elf.span_end);
	st = choose_placement(sel->linux_path, sel, err);
	if (!EFI_ERROR(st))
		st = load_segments(&src, err);
	if (!EFI_ERROR(st))
		efi_printf("pvhboot:   %llu bytes staged (to copy after ExitBootServices)\n",
			   (unsigned long long)g.staged);
out:
	efi_file_close(&kf);
	return st;
}

/* A UKI's .initrd: copied out of our image into pages of its own, like a file. */
static EFI_STATUS load_embedded_initrd(const struct efi_selection *sel, struct err *err)
{
	uint64_t addr = BELOW_4G;
	EFI_STATUS st = alloc_pages(AllocateMaxAddress, &addr, sel->initrd_size);

	if (EFI_ERROR(st)) {
		err_fail(err, ".initrd: no room below 4 GiB for %llu bytes",
			 (unsigned long long)sel->initrd_size);
		return st;
	}
	memcpy((void *)(uintptr_t)addr, sel->initrd_data, sel->initrd_size);
	g.req.modules[0] = (struct bootreq_blob){ addr, sel->initrd_size,
						  (const uint8_t *)(uintptr_t)addr, ".initrd", "" };
	g.req.nmodules = 1;
	return EFI_SUCCESS;
}

static EFI_STATUS load_initrds(EFI_FILE_HANDLE root, const struct efi_selection *sel,
			       struct err *err)
{
	if (sel->initrd_data)
		return load_embedded_initrd(sel, err);
	for (unsigned i = 0; i < sel->ninitrds; i++) {
		struct efi_file f;
		uint64_t t0 = rdtsc();
		EFI_STATUS st = efi_file_open(root, sel->initrd_paths[i], &f, err);
		if (EFI_ERROR(st))
			return st;
		uint64_t addr = BELOW_4G;
		st = alloc_pages(AllocateMaxAddress, &addr, f.size ? f.size : 1);
		if (EFI_ERROR(st)) {
			err_fail(err, "%s: no room below 4 GiB for %llu bytes", f.path,
				 (unsigned long long)f.size);
		} else {
			st = efi_file_read_at(&f, 0, (void *)(uintptr_t)addr, f.size, err);
		}
		g.req.modules[i] = (struct bootreq_blob){ addr, f.size, (const uint8_t *)(uintptr_t)addr,
							  sel->initrd_paths[i], "" };
		efi_file_close(&f);
		if (EFI_ERROR(st))
			return st;
		report_read("initrd", sel->initrd_paths[i], f.size, t0);
	}
	g.req.nmodules = sel->ninitrds;
	return EFI_SUCCESS;
}

static uint64_t find_rsdp(void)
{
	uint64_t v1 = 0;

	for (UINTN i = 0; i < efi_st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &efi_st->ConfigurationTable[i];
		if (!memcmp(&t->VendorGuid, &acpi20_guid, sizeof(EFI_GUID)))
			return (uint64_t)(uintptr_t)t->VendorTable;
		if (!memcmp(&t->VendorGuid, &acpi10_guid, sizeof(EFI_GUID)))
			v1 = (uint64_t)(uintptr_t)t->VendorTable;
	}
	return v1;
}

/* The firmware's map as start-info entries: the raw map the common preparation hands over. */
static int convert_map(struct err *err)
{
	return efi_memmap_convert(g.map_buf, g.map_size, g.desc_size, g.req.raw, MEMMAP_MAX,
				  &g.req.nraw, err);
}

/*
 * The common preparation, on a placement map of exactly the memory we own
 * (kernel destinations, initrds, the pool for boot data and hand-off), so
 * that nothing it places can be firmware memory; the handed-over map is the
 * firmware's, fitted keeping all of that as RAM. The delta is decided
 * (choose_placement): the planner takes it as given.
 */
static int prepare(const struct efi_selection *sel, struct err *err)
{
	unsigned n = 0;

	for (unsigned i = 0; i < g.elf.nsegments; i++)
		g.placement_raw[n++] = (struct memmap_entry){ g.elf.segments[i].paddr + g.delta,
							      g.elf.segments[i].memsz, 1 };
	for (unsigned i = 0; i < g.req.nmodules; i++)
		g.placement_raw[n++] = (struct memmap_entry){ g.req.modules[i].addr,
							      g.req.modules[i].size, 1 };
	g.placement_raw[n++] = (struct memmap_entry){ g.pool, g.pool_size, 1 };
	if (memmap_normalise(&g.placement, g.placement_raw, n, err) || convert_map(err))
		return -1;

	g.req.kernel.name = sel->linux_path;
	g.req.kernel.cmdline = sel->cmdline ? sel->cmdline : "";
	g.req.rsdp = find_rsdp();
	g.bp.elf = g.elf;
	struct boot_place place = {
		.handoff_size = HANDOFF_AREA_SIZE +
				(uint64_t)(efi_leave_long_end - efi_leave_long_start),
		.delta_given = true,
		.delta = g.delta,
		.placement = &g.placement,
		.in_place_zeroed = true,
	};
	return boot_prepare_parsed(&g.bp, &g.req, g.seg_src, &place, err);
}

static void report_plan(const struct efi_selection *sel)
{
	efi_printf("pvhboot:   cmdline '%s'\n", sel->cmdline ? sel->cmdline : "");
	for (unsigned i = 0; i < g.bp.si.nmodules; i++)
		efi_printf("pvhboot:   module %u %s: %llu bytes at 0x%llx\n", i, sel->initrd_paths[i],
			   (unsigned long long)g.bp.modules[i].size,
			   (unsigned long long)g.bp.modules[i].addr);
	efi_printf("pvhboot:   start info at 0x%llx, hand-off at 0x%llx, RSDP 0x%llx, %u "
		   "operations: %llu bytes to copy, %llu to zero\n",
		   (unsigned long long)g.bp.plan.bootdata_addr, (unsigned long long)g.bp.plan.handoff_addr,
		   (unsigned long long)g.bp.si.rsdp, g.bp.plan.nops,
		   (unsigned long long)g.bp.plan.bytes_copied,
		   (unsigned long long)g.bp.plan.bytes_zeroed);
	if (sel->debug) {
		char line[96];
		/* The raw map, one descriptor a line: tests/unit/data/ holds such dumps. */
		size_t count = 0;
		struct err e2;
		err_clear(&e2);
		if (!efi_memmap_check(g.map_size, g.desc_size, &count, &e2)) {
			for (size_t i = 0; i < count; i++) {
				struct efi_memdesc d;
				if (efi_memmap_get(g.map_buf, g.desc_size, i, &d, &e2))
					break;
				efi_printf("efi-memmap: %2u %016llx %llx %llx %s\n", d.type,
					   (unsigned long long)d.start, (unsigned long long)d.pages,
					   (unsigned long long)d.attribute, efi_memtype_name(d.type));
			}
		}
		efi_printf("pvhboot: memory map for the kernel (%u entries, from %llu EFI "
			   "descriptors):\n", g.bp.map.n,
			   (unsigned long long)(g.map_size / g.desc_size));
		for (unsigned i = 0; i < g.bp.map.n; i++) {
			memmap_format_entry(line, sizeof(line), &g.bp.map.e[i]);
			efi_printf("pvhboot:   %s\n", line);
		}
	}
}

/* After ExitBootServices: pure code only, then the jump. */
static void __attribute__((noreturn)) enter_kernel(void)
{
	struct err err;

	err_clear(&err);
	/* The map may have changed since planning: hand over the final one, fitted alike. */
	if (convert_map(&err) || boot_prepare_refit(&g.bp, g.req.raw, g.req.nraw, &err) ||
	    si_build((void *)(uintptr_t)g.bp.plan.bootdata_addr, g.bp.si_bytes,
		     g.bp.plan.bootdata_addr, &g.bp.si, &err))
		goto dead;
	struct handoff_block *block = (void *)(uintptr_t)g.bp.plan.handoff_addr;
	uint8_t *stub = (uint8_t *)block + sizeof(*block);
	size_t stub_len = (size_t)(handoff_end - handoff_start);
	uint8_t *leave = stub + ((stub_len + 15) & ~(size_t)15);
	if (handoff_fill(block, (uint32_t)g.bp.plan.handoff_addr, &g.bp.plan, g.bp.entry,
			 g.bp.plan.bootdata_addr, &err))
		goto dead;
	memcpy(stub, handoff_start, stub_len);
	memcpy(leave, efi_leave_long_start, (size_t)(efi_leave_long_end - efi_leave_long_start));
	((void (*)(uint64_t, uint64_t))(uintptr_t)leave)((uintptr_t)block, (uintptr_t)stub);
dead:
	/* Boot services are gone: only the ports are left to say why. */
	efi_panic(err.msg);
}

EFI_STATUS efi_boot(EFI_HANDLE image, EFI_FILE_HANDLE root, const struct efi_selection *sel)
{
	struct err err;
	EFI_STATUS st;

	err_clear(&err);
	bootreq_init(&g.req, "uefi");
	g.nallocs = 0;
	g.delta = 0;
	tsc_calibrate();
	if (sel->ninitrds > EFI_MAX_INITRDS) {
		err_fail(&err, "more than %d initrds", EFI_MAX_INITRDS);
		return fail(EFI_INVALID_PARAMETER, &err);
	}
	st = load_kernel(root, sel, &err);
	if (!EFI_ERROR(st))
		st = load_initrds(root, sel, &err);
	if (EFI_ERROR(st))
		return fail(st, &err);

	st = alloc_pool(&err);
	if (EFI_ERROR(st))
		return fail(st, &err);
	if (get_memory_map(&err) || prepare(sel, &err))
		return fail(EFI_LOAD_ERROR, &err);
	report_plan(sel);
	efi_printf("pvhboot: exiting boot services, starting kernel at 0x%llx\n",
		   (unsigned long long)g.bp.entry);

	/*
	 * The usual retry: the map key changes if anything allocated since
	 * GetMemoryMap. After a first failed ExitBootServices only GetMemoryMap
	 * and ExitBootServices may be called (UEFI 2.10, 7.4): errors from then
	 * on go to the ports.
	 */
	for (int attempt = 0;; attempt++) {
		if (get_memory_map(&err)) {
			if (attempt == 0)
				return fail(EFI_LOAD_ERROR, &err);
			efi_panic(err.msg);
		}
		st = uefi_call_wrapper(efi_bs->ExitBootServices, 2, image, g.map_key);
		if (!EFI_ERROR(st))
			break;
		if (attempt == 2) {
			err_fail(&err, "efi: ExitBootServices failed 3 times (0x%llx)",
				 (unsigned long long)st);
			efi_panic(err.msg);
		}
	}
	enter_kernel();
}
