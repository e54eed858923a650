/*
 * test_prepare.c - boot_prepare() and boot_expand_bundle() end to end on
 * the host (src/loader/common/prepare.c): a small PVH ELF32 (built with
 * tests/unit/elf_builder.h) and modules are put into a 64 MiB buffer that
 * stands for physical memory, a boot request is filled by hand, and the
 * resulting plan is run on that buffer (memmove / memset in list order, as
 * the hand-off stub does). The oracle is the bytes: every segment and module
 * must end up where the plan and the start info say. Suite "prepare".
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_builder.h"
#include "loader/common/prepare.h"
#include "xen/xen_abi.h"

#define PHYS_SIZE 0x4000000u /* 64 MiB */
#define KPADDR 0x1000000u    /* where the kernel's segments go */
#define KBLOB 0x2000000u     /* where the kernel file (or bundle) is now */
#define BUSY_START 0x100000u /* "the loader image" */
#define BUSY_END 0x140000u
#define TEXT_SIZE 0x1000u
#define DATA_FILESZ 0x800u
#define DATA_MEMSZ 0x2000u
#define ENTRY (KPADDR + 0x10)

static uint8_t *phys;
static struct eb kernel_elf;
static struct bootreq req;
static struct boot_prepared bp;
static struct err err;
static const struct range busy = { BUSY_START, BUSY_END };
/* As boot.c: the loader image live until the hand-off, 4 KiB of hand-off area. */
static struct boot_place place = {
	.live = &busy, .nlive = 1, .live_name = "pvhboot itself", .handoff_size = 0x1000,
};

static uint8_t pattern(uint64_t seed, uint64_t i)
{
	return (uint8_t)((seed * 131 + i * 7 + (i >> 8)) ^ 0x5c);
}

static void fill(uint64_t addr, uint64_t size, uint64_t seed)
{
	for (uint64_t i = 0; i < size; i++)
		phys[addr + i] = pattern(seed, i);
}

static bool holds(uint64_t addr, uint64_t size, uint64_t seed)
{
	for (uint64_t i = 0; i < size; i++)
		if (phys[addr + i] != pattern(seed, i))
			return false;
	return true;
}

/*
 * A PVH ELF32: text (R+X, 4 KiB) at KPADDR, data (R+W, 2 KiB in the file,
 * 8 KiB in memory) right after it, and the Xen PHYS32_ENTRY note unless
 * with_note is false. Segment bytes are pattern(1, .) and pattern(2, .).
 */
static void build_kernel(bool with_note)
{
	uint8_t seg[TEXT_SIZE];
	uint64_t off;

	eb_init(&kernel_elf, 32);
	for (unsigned i = 0; i < TEXT_SIZE; i++)
		seg[i] = pattern(1, i);
	off = eb_append(&kernel_elf, seg, TEXT_SIZE, 0x1000);
	eb_phdr(&kernel_elf, 1 /* PT_LOAD */, EB_PF_R | EB_PF_X, off, KPADDR, TEXT_SIZE,
		TEXT_SIZE, 0x1000);
	for (unsigned i = 0; i < DATA_FILESZ; i++)
		seg[i] = pattern(2, i);
	off = eb_append(&kernel_elf, seg, DATA_FILESZ, 0x1000);
	eb_phdr(&kernel_elf, 1, EB_PF_R | EB_PF_W, off, KPADDR + TEXT_SIZE, DATA_FILESZ,
		DATA_MEMSZ, 0x1000);
	if (with_note) {
		uint8_t note[64], desc[4];
		size_t n;

		put_le32(desc, ENTRY);
		n = eb_note(note, "Xen", 4, 18 /* XEN_ELFNOTE_PHYS32_ENTRY */, desc, 4);
		off = eb_append(&kernel_elf, note, n, 4);
		eb_phdr(&kernel_elf, 4 /* PT_NOTE */, EB_PF_R, off, 0, n, 0, 4);
	}
	eb_finish(&kernel_elf);
}

static void prepare_setup(void)
{
	if (!phys)
		phys = malloc(PHYS_SIZE);
	cr_assert_not_null(phys);
	memset(phys, 0xaa, PHYS_SIZE); /* garbage where BSS will be */
	fill(BUSY_START, BUSY_END - BUSY_START, 77);
	err_clear(&err);
	bootreq_init(&req, "multiboot2");
	/* Unsorted and overlapping, as firmware gives it. */
	cr_assert_eq(bootreq_add_ram(&req, 0x100000, PHYS_SIZE - 0x100000, 1, &err), 0);
	cr_assert_eq(bootreq_add_ram(&req, 0, 0x9fc00, 1, &err), 0);
	cr_assert_eq(bootreq_add_ram(&req, 0x9fc00, 0x400, 2, &err), 0);
	cr_assert_eq(bootreq_add_ram(&req, 0xf0000, 0x10000, 2, &err), 0);
	cr_assert_eq(bootreq_add_ram(&req, PHYS_SIZE - 0x10000, 0x10000, 2, &err), 0);
}

/* The kernel file at KBLOB in "physical memory", as a front end hands it over. */
static void give_kernel(const void *bytes, size_t size, const char *name, const char *cmdline)
{
	memcpy(phys + KBLOB, bytes, size);
	req.have_kernel = true;
	req.kernel.addr = KBLOB;
	req.kernel.size = size;
	req.kernel.data = phys + KBLOB;
	req.kernel.name = name;
	req.kernel.cmdline = cmdline;
}

static void give_module(uint64_t addr, uint64_t size, uint64_t seed, const char *cmdline)
{
	struct bootreq_blob blob = { .addr = addr, .size = size, .data = phys + addr,
				     .name = "module", .cmdline = cmdline };

	fill(addr, size, seed);
	cr_assert_eq(bootreq_add_module(&req, &blob, &err), 0);
}

/* What the hand-off stub does, on the buffer. */
static void run_plan(void)
{
	for (unsigned i = 0; i < bp.plan.nops; i++) {
		const struct plan_op *op = &bp.plan.ops[i];

		cr_assert_leq(op->dst + op->len, PHYS_SIZE, "op %u writes outside memory", i);
		if (op->kind == PLAN_COPY) {
			cr_assert_leq(op->src + op->len, PHYS_SIZE);
			memmove(phys + op->dst, phys + op->src, op->len);
		} else {
			cr_assert_eq(op->kind, PLAN_ZERO);
			memset(phys + op->dst, 0, op->len);
		}
	}
}

static void check_kernel_loaded(void)
{
	cr_assert(holds(KPADDR, TEXT_SIZE, 1), "text segment bytes");
	cr_assert(holds(KPADDR + TEXT_SIZE, DATA_FILESZ, 2), "data segment bytes");
	for (uint64_t a = KPADDR + TEXT_SIZE + DATA_FILESZ; a < KPADDR + TEXT_SIZE + DATA_MEMSZ; a++)
		cr_assert_eq(phys[a], 0, "BSS byte at 0x%llx", (unsigned long long)a);
	cr_assert(holds(BUSY_START, BUSY_END - BUSY_START, 77), "busy range untouched");
}

static bool overlaps(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
	return a < b + bsize && b < a + asize;
}

/* Boot data and hand-off area: low, in RAM, clear of everything else. */
static void check_low_areas(uint64_t handoff_size)
{
	uint64_t bd = bp.plan.bootdata_addr, bdsize = bp.pin.bootdata_size;
	uint64_t ho = bp.plan.handoff_addr;

	cr_assert_geq(bd, 0x100000);
	cr_assert_leq(bd + bdsize, 0x40000000);
	cr_assert_geq(ho, 0x100000);
	cr_assert_leq(ho + handoff_size, 0x40000000);
	/* The start info is RAM; a multiboot2 RSDP copy after it is ACPI. */
	cr_assert(memmap_is_ram(&bp.map, (struct range){ bd, bd + bp.si_bytes }));
	cr_assert(memmap_is_ram(&bp.map, (struct range){ ho, ho + handoff_size }));
	cr_assert(!overlaps(bd, bdsize, ho, handoff_size));
	cr_assert(!overlaps(bd, bdsize, BUSY_START, BUSY_END - BUSY_START));
	cr_assert(!overlaps(ho, handoff_size, BUSY_START, BUSY_END - BUSY_START));
	cr_assert(!overlaps(bd, bdsize, KPADDR, TEXT_SIZE + DATA_MEMSZ));
	cr_assert(!overlaps(ho, handoff_size, KPADDR, TEXT_SIZE + DATA_MEMSZ));
	cr_assert(!overlaps(bd, bdsize, req.kernel.addr, req.kernel.size));
	cr_assert(!overlaps(ho, handoff_size, req.kernel.addr, req.kernel.size));
	for (unsigned i = 0; i < req.nmodules; i++) {
		cr_assert(!overlaps(bd, bdsize, bp.modules[i].addr, bp.modules[i].size));
		cr_assert(!overlaps(bd, bdsize, req.modules[i].addr, req.modules[i].size));
		cr_assert(!overlaps(ho, handoff_size, bp.modules[i].addr, bp.modules[i].size));
		cr_assert(!overlaps(ho, handoff_size, req.modules[i].addr, req.modules[i].size));
	}
}

Test(prepare, elf_kernel_and_modules)
{
	prepare_setup();
	build_kernel(true);
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "console=ttyS0");
	give_module(0x3000000, 0x5000, 10, "initrd-args"); /* page-aligned RAM: stays */
	give_module(0x3100800, 0x1234, 11, "");           /* unaligned: moves */
	give_module(KPADDR + 0x1800, 0x800, 12, NULL);    /* under the kernel: moves */
	req.rsdp = 0xf5a40;
	req.si_flags = 1;

	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), 0, "%s", err.msg);

	cr_assert_eq(bp.entry, ENTRY);
	cr_assert_eq(bp.elf.nsegments, 2);
	/* Normalised: sorted, the top reserved entry cut out of RAM. */
	cr_assert_eq(bp.map.n, 5);
	cr_assert_eq(bp.map.e[3].addr, 0x100000);
	cr_assert_eq(bp.map.e[3].size, PHYS_SIZE - 0x110000);
	cr_assert_eq(bp.map.e[3].type, 1);
	cr_assert_eq(bp.map.e[4].type, 2);

	/* Segments: sources where the file is now, destinations at p_paddr. */
	cr_assert_eq(bp.pin.nsegments, 2);
	cr_assert_eq(bp.pin.segments[0].dst, KPADDR);
	cr_assert_eq(bp.pin.segments[0].src, KBLOB + 0x1000);
	cr_assert_eq(bp.pin.segments[1].dst, KPADDR + TEXT_SIZE);
	cr_assert_eq(bp.pin.segments[1].src, KBLOB + 0x2000);
	cr_assert_eq(bp.pin.segments[1].filesz, DATA_FILESZ);
	cr_assert_eq(bp.pin.segments[1].memsz, DATA_MEMSZ);
	cr_assert_eq(bp.pin.nbusy, 0);
	cr_assert_eq(bp.pin.nlive, 1);

	/* Start-info request. */
	cr_assert_eq(bp.si.flags, 1);
	cr_assert_str_eq(bp.si.cmdline, "console=ttyS0");
	cr_assert_eq(bp.si.rsdp, 0xf5a40);
	cr_assert_eq(bp.si.map, &bp.map);
	cr_assert_eq(bp.si.nmodules, 3);
	cr_assert_eq(bp.si.modules, bp.modules);
	cr_assert_eq(bp.si_bytes, si_size(&bp.si));
	/* Sized before fitting, for the largest map handed over. */
	cr_assert_geq(bp.pin.bootdata_size, (bp.si_bytes + 15) & ~15ull);
	cr_assert_eq(bp.pin.bootdata_size,
		     (bp.si_bytes + (PVH_HANDOVER_MAX_MEMMAP - bp.map.n) * 24 + 15) & ~15ull);
	cr_assert_eq(bp.rsdp_copy_addr, 0);
	cr_assert_str_eq(bp.modules[0].cmdline, "initrd-args");
	cr_assert_eq(bp.modules[0].size, 0x5000);
	cr_assert_eq(bp.modules[1].size, 0x1234);

	/* Module addresses: the start info says what the plan decided. */
	for (unsigned i = 0; i < 3; i++)
		cr_assert_eq(bp.modules[i].addr, bp.plan.module_addr[i]);
	cr_assert_eq(bp.modules[0].addr, 0x3000000, "an aligned module in RAM stays");
	cr_assert_neq(bp.modules[1].addr, 0x3100800);
	cr_assert_eq(bp.modules[1].addr % 4096, 0);
	cr_assert_neq(bp.modules[2].addr, KPADDR + 0x1800);
	cr_assert_eq(bp.modules[2].addr % 4096, 0);
	for (unsigned i = 0; i < 3; i++)
		cr_assert(memmap_is_ram(&bp.map, (struct range){ bp.modules[i].addr,
								 bp.modules[i].addr +
									 bp.modules[i].size }));
	check_low_areas(0x1000);

	run_plan();
	check_kernel_loaded();
	cr_assert(holds(bp.modules[0].addr, 0x5000, 10), "module 0 bytes");
	cr_assert(holds(bp.modules[1].addr, 0x1234, 11), "module 1 bytes");
	cr_assert(holds(bp.modules[2].addr, 0x800, 12), "module 2 bytes (read before the kernel landed)");
	for (unsigned i = 0; i < 3; i++)
		cr_assert(!overlaps(bp.modules[i].addr, bp.modules[i].size, KPADDR,
				    TEXT_SIZE + DATA_MEMSZ));
}

Test(prepare, start_info_from_the_request)
{
	static uint8_t block[4096];

	prepare_setup();
	build_kernel(true);
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "");
	give_module(0x3000000, 0x5000, 10, "sha=1");
	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), 0, "%s", err.msg);
	cr_assert_leq(bp.si_bytes, sizeof(block));
	cr_assert_eq(si_build(block, bp.si_bytes, bp.plan.bootdata_addr, &bp.si, &err), 0, "%s",
		     err.msg);

	/* Read back through the Xen header's layout. */
	struct hvm_start_info si;
	struct hvm_modlist_entry mod;
	memcpy(&si, block, sizeof(si));
	cr_assert_eq(si.magic, XEN_HVM_START_MAGIC_VALUE);
	cr_assert_eq(si.version, 1);
	cr_assert_eq(si.nr_modules, 1);
	cr_assert_eq(si.cmdline_paddr, 0, "an empty command line is absent");
	cr_assert_eq(si.memmap_entries, bp.map.n);
	cr_assert_geq(si.modlist_paddr, bp.plan.bootdata_addr);
	memcpy(&mod, block + (si.modlist_paddr - bp.plan.bootdata_addr), sizeof(mod));
	cr_assert_eq(mod.paddr, 0x3000000);
	cr_assert_eq(mod.size, 0x5000);
	cr_assert_str_eq((const char *)block + (mod.cmdline_paddr - bp.plan.bootdata_addr),
			 "sha=1");
}

Test(prepare, rsdp_copy_follows_start_info)
{
	prepare_setup();
	build_kernel(true);
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "");
	req.have_rsdp_copy = true;
	memcpy(req.rsdp_copy, "RSD PTR ", 8);
	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), 0, "%s", err.msg);
	uint64_t rounded = bp.pin.bootdata_size - 64;
	cr_assert_geq(rounded, (bp.si_bytes + 15) & ~15ull);
	cr_assert_eq(bp.rsdp_copy_addr, bp.plan.bootdata_addr + rounded);
	cr_assert_eq(bp.rsdp_copy_addr % 16, 0);
	cr_assert_eq(bp.si.rsdp, bp.rsdp_copy_addr);
	check_low_areas(0x1000);
}

Test(prepare, rsdp_copy_is_acpi_in_the_map)
{
	prepare_setup();
	build_kernel(true);
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "");
	req.have_rsdp_copy = true;
	memcpy(req.rsdp_copy, "RSD PTR ", 8);
	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), 0, "%s", err.msg);
	/* Linux reads the RSDP late: the handed map must not call it RAM. */
	struct range r = { bp.rsdp_copy_addr, bp.rsdp_copy_addr + 36 };
	unsigned hits = 0;
	for (unsigned i = 0; i < bp.map.n; i++)
		if (bp.map.e[i].addr <= r.start && r.end <= bp.map.e[i].addr + bp.map.e[i].size) {
			cr_assert_eq(bp.map.e[i].type, 3, "RSDP copy in a type %u entry", bp.map.e[i].type);
			hits++;
		}
	cr_assert_eq(hits, 1);
	/* The start info itself stays RAM, and the map handed over is what was sized. */
	cr_assert(memmap_is_ram(&bp.map, (struct range){ bp.plan.bootdata_addr,
							 bp.plan.bootdata_addr + bp.si_bytes }));
	cr_assert_leq(bp.si_bytes, bp.rsdp_copy_addr - bp.plan.bootdata_addr);
}

Test(prepare, long_memory_map_fitted_to_linux)
{
	prepare_setup();
	build_kernel(true);
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "");
	/* 200 small reserved holes high in RAM: more than Linux's 128 entries. */
	for (unsigned i = 0; i < 200; i++)
		cr_assert_eq(bootreq_add_ram(&req, 0x3800000 + i * 0x2000ull, 0x1000, 2, &err), 0);
	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), 0, "%s", err.msg);
	cr_assert_leq(bp.map.n, PVH_HANDOVER_MAX_MEMMAP, "room for Linux's ISA entry");
	cr_assert(memmap_is_ram(&bp.map, (struct range){ KPADDR, KPADDR + TEXT_SIZE + DATA_MEMSZ }));
	/* No hole may read as RAM. */
	for (unsigned i = 0; i < 200; i++) {
		uint64_t a = 0x3800000 + i * 0x2000ull;
		cr_assert(!memmap_is_ram(&bp.map, (struct range){ a, a + 0x1000 }));
	}
	run_plan();
	check_kernel_loaded();
}

Test(prepare, not_a_pvh_kernel)
{
	prepare_setup();
	build_kernel(false);
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "");
	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), -1);
	cr_assert_str_eq(err.msg, "vmlinux: no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel");
}

Test(prepare, malformed_elf_named)
{
	prepare_setup();
	build_kernel(true);
	give_kernel(kernel_elf.buf, 40, "vmlinux", ""); /* shorter than the ELF32 header */
	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), -1);
	cr_assert(strncmp(err.msg, "vmlinux: elf: ", 14) == 0, "got: %s", err.msg);
	cr_assert_not_null(strstr(err.msg, "0x28"), "names the size: %s", err.msg);

	prepare_setup();
	build_kernel(true);
	eb_set_phdr(&kernel_elf, 1, EB_P_FILESZ, 0x100000); /* data runs past the file */
	give_kernel(kernel_elf.buf, kernel_elf.size, "module 0", "");
	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), -1);
	cr_assert(strncmp(err.msg, "module 0: elf: phdr 1: ", 23) == 0, "got: %s", err.msg);
	cr_assert_not_null(strstr(err.msg, "p_filesz"), "got: %s", err.msg);
}

Test(prepare, no_kernel)
{
	prepare_setup();
	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), -1);
	cr_assert_str_eq(err.msg, "multiboot2: no kernel given");
}

Test(prepare, too_many_busy_ranges)
{
	struct range many[PLAN_MAX_BUSY + 1];

	prepare_setup();
	build_kernel(true);
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "");
	for (unsigned i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct range){ 0x200000 + i * 0x1000ull, 0x200800 + i * 0x1000ull };
	struct boot_place p = { .busy = many, .nbusy = ARRAY_SIZE(many), .handoff_size = 0x1000 };
	cr_assert_eq(boot_prepare(&bp, &req, &p, &err), -1);
	cr_assert_str_eq(err.msg, "prepare: 17 busy ranges, at most 16");
}

Test(prepare, kernel_destination_not_ram)
{
	prepare_setup();
	build_kernel(true);
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "");
	cr_assert_eq(bootreq_add_ram(&req, KPADDR + 0x1000, 0x1000, 2, &err), 0);
	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), -1);
	/* Plan errors are named by the kernel too. */
	cr_assert_str_eq(err.msg, "vmlinux: plan: segment 1 [0x1001000, 0x1003000) is not RAM");
}

/* --- bundles (newc cpio, see src/pvh/bundle.h) ----------------------------- */

static uint8_t cpio[0x10000];
static size_t cpio_size;

static void cpio_pad4(void)
{
	while (cpio_size % 4)
		cpio[cpio_size++] = 0;
}

static void cpio_member(const char *name, uint32_t mode, const void *data, size_t len)
{
	char hdr[111];
	size_t namesize = strlen(name) + 1;

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1u, mode, 0u, 0u,
		 1u, 0u, (unsigned)len, 0u, 0u, 0u, 0u, (unsigned)namesize, 0u);
	cr_assert_lt(cpio_size + 110 + namesize + len + 8, sizeof(cpio));
	memcpy(cpio + cpio_size, hdr, 110);
	cpio_size += 110;
	memcpy(cpio + cpio_size, name, namesize);
	cpio_size += namesize;
	cpio_pad4();
	if (len)
		memcpy(cpio + cpio_size, data, len);
	cpio_size += len;
	cpio_pad4();
}

static void cpio_file(const char *name, const void *data, size_t len)
{
	cpio_member(name, 0100644, data, len);
}

static void cpio_text(const char *name, const char *text)
{
	cpio_file(name, text, strlen(text));
}

static void cpio_trailer(void)
{
	cpio_member("TRAILER!!!", 0, NULL, 0);
}

/* kernel + cmdline + initrd (with its own cmdline) + fw.bin, with an extra "./". */
static void build_bundle(void)
{
	uint8_t initrd[0x1801], fw[100];

	for (unsigned i = 0; i < sizeof(initrd); i++)
		initrd[i] = pattern(20, i);
	for (unsigned i = 0; i < sizeof(fw); i++)
		fw[i] = pattern(21, i);
	cpio_size = 0;
	cpio_member(".", 040755, NULL, 0);
	cpio_text("cmdline", "console=ttyS0 root=/dev/vda\n");
	cpio_file("./kernel", kernel_elf.buf, kernel_elf.size);
	cpio_text("initrd.cmdline", "rdinit=/bin/sh");
	cpio_file("initrd", initrd, sizeof(initrd));
	cpio_file("fw.bin", fw, sizeof(fw));
	cpio_trailer();
}

/* Offset of a member's data in the archive, found independently of bundle.c. */
static size_t cpio_data_offset(const char *name)
{
	size_t off = 0;

	while (off + 110 <= cpio_size) {
		unsigned filesize, namesize;
		cr_assert_eq(sscanf((const char *)cpio + off + 6 + 6 * 8, "%8x", &filesize), 1);
		cr_assert_eq(sscanf((const char *)cpio + off + 6 + 11 * 8, "%8x", &namesize), 1);
		size_t data = (off + 110 + namesize + 3) & ~(size_t)3;
		if (strcmp((const char *)cpio + off + 110, name) == 0)
			return data;
		off = (data + filesize + 3) & ~(size_t)3;
	}
	cr_assert_fail("no member %s", name);
	return 0;
}

Test(prepare, bundle_expanded_and_loaded)
{
	prepare_setup();
	build_kernel(true);
	build_bundle();
	give_kernel(cpio, cpio_size, "bundle.cpio", "quiet");
	give_module(0x3000000, 0x3000, 30, "given-after"); /* a module handed in besides */

	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), 0, "%s", err.msg);

	size_t koff = cpio_data_offset("./kernel");
	cr_assert_str_eq(req.kernel.name, "bundle.cpio:kernel");
	cr_assert_eq(req.kernel.addr, KBLOB + koff);
	cr_assert_eq(req.kernel.size, kernel_elf.size);
	cr_assert_eq(req.kernel.data, phys + KBLOB + koff);
	/* The bundle's command line first, then what the loader was given. */
	cr_assert_str_eq(req.kernel.cmdline, "console=ttyS0 root=/dev/vda quiet");
	cr_assert_str_eq(bp.si.cmdline, "console=ttyS0 root=/dev/vda quiet");

	/* Bundle modules first, in archive order; the given one after them. */
	cr_assert_eq(req.nmodules, 3);
	cr_assert_str_eq(req.modules[0].name, "initrd");
	cr_assert_eq(req.modules[0].addr, KBLOB + cpio_data_offset("initrd"));
	cr_assert_eq(req.modules[0].size, 0x1801);
	cr_assert_str_eq(req.modules[0].cmdline, "rdinit=/bin/sh");
	cr_assert_str_eq(req.modules[1].name, "fw.bin");
	cr_assert_eq(req.modules[1].size, 100);
	cr_assert_str_eq(req.modules[1].cmdline, "");
	cr_assert_eq(req.modules[2].addr, 0x3000000);
	cr_assert_str_eq(req.modules[2].cmdline, "given-after");
	cr_assert_eq(bp.si.nmodules, 3);
	cr_assert_str_eq(bp.modules[0].cmdline, "rdinit=/bin/sh");

	cr_assert_eq(bp.pin.segments[0].src, KBLOB + koff + 0x1000);
	cr_assert_eq(bp.entry, ENTRY);
	check_low_areas(0x1000);

	run_plan();
	check_kernel_loaded();
	cr_assert(holds(bp.modules[0].addr, 0x1801, 20), "initrd bytes");
	cr_assert(holds(bp.modules[1].addr, 100, 21), "fw.bin bytes");
	cr_assert(holds(bp.modules[2].addr, 0x3000, 30), "given module bytes");
}

Test(prepare, bundle_without_own_cmdline_keeps_given_one)
{
	prepare_setup();
	build_kernel(true);
	cpio_size = 0;
	cpio_file("kernel", kernel_elf.buf, kernel_elf.size);
	cpio_trailer();
	give_kernel(cpio, cpio_size, NULL, "from-the-vmm");
	cr_assert_eq(boot_expand_bundle(&req, &err), 0, "%s", err.msg);
	cr_assert_str_eq(req.kernel.name, "bundle:kernel");
	cr_assert_str_eq(req.kernel.cmdline, "from-the-vmm");
	cr_assert_eq(req.nmodules, 0);
	cr_assert_eq(req.kernel.addr, KBLOB + cpio_data_offset("kernel"));
}

Test(prepare, bundle_empty_cmdline_member_adds_nothing)
{
	prepare_setup();
	build_kernel(true);
	cpio_size = 0;
	cpio_text("cmdline", "\n");
	cpio_file("kernel", kernel_elf.buf, kernel_elf.size);
	cpio_trailer();
	give_kernel(cpio, cpio_size, NULL, "from-the-vmm");
	cr_assert_eq(boot_expand_bundle(&req, &err), 0, "%s", err.msg);
	cr_assert_str_eq(req.kernel.cmdline, "from-the-vmm"); /* no leading space */
}

Test(prepare, bundle_errors)
{
	prepare_setup();
	build_kernel(true);
	cpio_size = 0;
	cpio_text("cmdline", "x");
	cpio_trailer();
	give_kernel(cpio, cpio_size, "b.cpio", "");
	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), -1);
	cr_assert(strncmp(err.msg, "bundle: ", 8) == 0, "got: %s", err.msg);
	cr_assert_not_null(strstr(err.msg, "kernel"), "got: %s", err.msg);

	/* The bundle's modules and the given ones share the 32 slots. */
	prepare_setup();
	cpio_size = 0;
	cpio_file("kernel", kernel_elf.buf, kernel_elf.size);
	cpio_text("a", "1");
	cpio_text("b", "2");
	cpio_trailer();
	give_kernel(cpio, cpio_size, "b.cpio", "");
	for (unsigned i = 0; i < BOOTREQ_MAX_MODULES - 1; i++)
		give_module(0x3000000 + i * 0x1000ull, 0x100, i, "");
	cr_assert_eq(boot_expand_bundle(&req, &err), -1);
	cr_assert_str_eq(err.msg, "bundle: 2 modules plus 31 given, at most 32");

	/* A kernel in the bundle that is not PVH is named by where it came from. */
	prepare_setup();
	build_kernel(false);
	cpio_size = 0;
	cpio_file("kernel", kernel_elf.buf, kernel_elf.size);
	cpio_trailer();
	give_kernel(cpio, cpio_size, "b.cpio", "");
	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), -1);
	cr_assert_str_eq(err.msg, "b.cpio:kernel: no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel");
}

Test(prepare, kernel_over_the_loader_boots)
{
	prepare_setup();
	build_kernel(true);
	/* The data segment (phdr 1) linked where the loader itself lives: copies may cover it. */
	eb_set_phdr(&kernel_elf, 1, EB_P_PADDR, BUSY_START + 0x1000);
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "");
	give_module(BUSY_END, 0x3000, 10, ""); /* right after the loader, as QEMU puts it */
	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), 0, "%s", err.msg);
	check_low_areas(0x1000);
	run_plan();
	cr_assert(holds(KPADDR, TEXT_SIZE, 1), "text segment bytes");
	cr_assert(holds(BUSY_START + 0x1000, DATA_FILESZ, 2), "data segment bytes over the loader");
	cr_assert(holds(bp.modules[0].addr, 0x3000, 10), "module bytes");
}

Test(prepare, kernel_over_firmware_is_named)
{
	static const struct range fw = { 0x100000, 0x140000 };
	struct boot_place p = { .busy = &fw, .nbusy = 1, .busy_name = "the firmware",
				.handoff_size = 0x1000 };

	prepare_setup();
	build_kernel(true);
	eb_set_phdr(&kernel_elf, 1, EB_P_PADDR, BUSY_START + 0x1000);
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "");
	cr_assert_eq(boot_prepare(&bp, &req, &p, &err), -1);
	cr_assert_str_eq(err.msg, "vmlinux: plan: segment 1 [0x101000, 0x103000) overlaps the "
				  "firmware [0x100000, 0x140000)");
}

Test(prepare, kernel_below_one_mib_is_refused)
{
	prepare_setup();
	build_kernel(true);
	eb_set_phdr(&kernel_elf, 1, EB_P_PADDR, 0x8000);
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "");
	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), -1);
	cr_assert_str_eq(err.msg, "vmlinux: plan: segment 1 [0x8000, 0xa000) lies below 1 MiB, "
				  "which stays off limits (real-mode IVT, BIOS data, EBDA)");
}

/* A relocatable kernel (PHYS32_RELOC: align 2 MiB, min 16 MiB, max 48 MiB - 1). */
static void build_relocatable(void)
{
	uint8_t note[64], desc[12];
	size_t n;
	uint64_t off;

	build_kernel(true);
	put_le32(desc, 0x200000);
	put_le32(desc + 4, 0x1000000);
	put_le32(desc + 8, 0x2ffffff);
	n = eb_note(note, "Xen", 4, 19 /* XEN_ELFNOTE_PHYS32_RELOC */, desc, 12);
	off = eb_append(&kernel_elf, note, n, 4);
	eb_phdr(&kernel_elf, 4 /* PT_NOTE */, EB_PF_R, off, 0, n, 0, 4);
	eb_finish(&kernel_elf);
}

Test(prepare, relocated_when_linked_range_is_taken)
{
	prepare_setup();
	build_relocatable();
	cr_assert(kernel_elf.size < 0x10000);
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "");
	cr_assert_eq(bootreq_add_ram(&req, KPADDR, 0x200000, 4, &err), 0); /* NVS on the kernel */
	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), 0, "%s", err.msg);
	/* Highest 2 MiB-aligned base whose span ends by 48 MiB: 46 MiB. */
	cr_assert_eq(bp.plan.delta, 0x2e00000 - KPADDR);
	cr_assert_eq(bp.entry, ENTRY + bp.plan.delta);
	run_plan();
	cr_assert(holds(0x2e00000, TEXT_SIZE, 1), "text segment bytes relocated");
	cr_assert(holds(0x2e00000 + TEXT_SIZE, DATA_FILESZ, 2), "data segment bytes relocated");
	cr_assert(memmap_is_ram(&bp.map, (struct range){ 0x2e00000, 0x2e00000 + 0x3000 }),
		  "fitting keeps the relocated kernel's RAM");
}

Test(prepare, forced_base)
{
	prepare_setup();
	build_relocatable();
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "");
	struct boot_place p = place;
	p.force_reloc = true;
	p.reloc_base = 0x1800000;
	cr_assert_eq(boot_prepare(&bp, &req, &p, &err), 0, "%s", err.msg);
	cr_assert_eq(bp.plan.delta, 0x800000);
	run_plan();
	cr_assert(holds(0x1800000, TEXT_SIZE, 1));

	prepare_setup();
	build_relocatable();
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "");
	p.reloc_base = 0x1900000;
	cr_assert_eq(boot_prepare(&bp, &req, &p, &err), -1);
	cr_assert_str_eq(err.msg, "vmlinux: plan: reloc=0x1900000 is not a multiple of "
				  "PHYS32_RELOC align 0x200000");

	prepare_setup();
	build_kernel(true);
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "");
	p.reloc_base = 0x1800000;
	cr_assert_eq(boot_prepare(&bp, &req, &p, &err), -1);
	cr_assert_str_eq(err.msg, "vmlinux: plan: the kernel has no PHYS32_RELOC note: it loads "
				  "only at its linked range [0x1000000, 0x1003000)");
}

Test(prepare, fitting_keeps_modules_and_boot_data)
{
	/* 300 RAM islands: fitting must drop RAM, but never where a module or boot data went. */
	prepare_setup();
	build_kernel(true);
	give_kernel(kernel_elf.buf, kernel_elf.size, "vmlinux", "");
	bootreq_init(&req, "multiboot2");
	req.have_kernel = true;
	req.kernel.addr = KBLOB;
	req.kernel.size = kernel_elf.size;
	req.kernel.data = phys + KBLOB;
	req.kernel.name = "vmlinux";
	req.kernel.cmdline = "";
	cr_assert_eq(bootreq_add_ram(&req, 0x100000, 0x1f00000, 1, &err), 0);
	for (unsigned i = 0; i < 300; i++)
		cr_assert_eq(bootreq_add_ram(&req, 0x2000000 + i * 0x10000ull, i == 150 ? 0x4000 : 0x8000,
					     1, &err), 0);
	/* Stays in the smallest island, the first one fitting would drop if it did not know. */
	give_module(0x2000000 + 150 * 0x10000ull, 0x4000, 10, "");
	cr_assert_eq(boot_prepare(&bp, &req, &place, &err), 0, "%s", err.msg);
	cr_assert_leq(bp.map.n, PVH_HANDOVER_MAX_MEMMAP);
	cr_assert_eq(bp.modules[0].addr, 0x2000000 + 150 * 0x10000ull);
	cr_assert(memmap_is_ram(&bp.map, (struct range){ bp.modules[0].addr, bp.modules[0].addr + 0x4000 }));
	cr_assert(memmap_is_ram(&bp.map, (struct range){ bp.plan.bootdata_addr,
							 bp.plan.bootdata_addr + bp.pin.bootdata_size }));
	cr_assert(memmap_is_ram(&bp.map, (struct range){ KPADDR, KPADDR + 0x3000 }));
}
