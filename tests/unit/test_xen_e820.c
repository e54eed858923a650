/*
 * test_xen_e820.c - unit tests of pvh_info_parse_xen() and pvh_e820_add()
 * (src/loader/common/pvh_info.c): pvhboot as Xen 4.17's PVH dom0, with the
 * start info laid out as Xen's dom0 builder wrote it under QEMU here
 * (version 0, no memory map, flags SIF_PRIVILEGED|SIF_INITDOMAIN, command
 * line, module list and start info packed together, the module's command
 * line being the file name QEMU's multiboot loader gave Xen), and the
 * 11-entry E820 map XENMEM_memory_map returned for dom0_mem=256M on
 * `-M q35 -m 1G`. Suite "xen_e820", run by build/unit-tests.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "loader/common/pvh_info.h"
#include "xen/xen_abi.h"

#define MEM_SIZE 0x300000u
/* Where Xen put them for the conformance guest as dom0 (build/boot-logs/xen-peer.log). */
#define CMDLINE 0x25c000u
#define MODCMD 0x25b000u
#define MODLIST 0x25c04cu
#define SI 0x25c06cu
#define MODULE 0x24b000u
#define MODULE_SIZE 0x10000u
#define MEMMAP 0x25d000u /* only for the version-1 case */
#define START_MAGIC 0x336ec578u

/* XENMEM_memory_map for dom0 (dom0_mem=256M, QEMU q35 with 1 GiB). */
static const uint64_t xen_map[][3] = {
	{ 0x0, 0x9f000, 1 },
	{ 0x9fc00, 0x400, 2 },
	{ 0xf0000, 0x10000, 2 },
	{ 0x100000, 0xff60f26, 1 },
	{ 0x10060f26, 0x7a, 3 },
	{ 0x10061000, 0x2ff7f000, 5 },
	{ 0x3ffe0000, 0x20000, 2 },
	{ 0xb0000000, 0x10000000, 2 },
	{ 0xfed1c000, 0x4000, 2 },
	{ 0xfffc0000, 0x40000, 2 },
	{ 0xfd00000000, 0x300000000, 2 },
};
#define XEN_MAP_N ((uint32_t)ARRAY_SIZE(xen_map))

static uint8_t mem[MEM_SIZE];
static uint8_t e820_buf[MEMMAP_MAX * XEN_E820_ENTRY_SIZE + 1];
static struct pvh_xen xen;
static struct bootreq req;
static struct loader_options opts;
static struct err err;
static struct phys_mem pm;

static void xen_setup(const char *cmdline, const char *modcmd)
{
	memset(mem, 0, sizeof(mem));
	memset(e820_buf, 0xee, sizeof(e820_buf));
	memset(&req, 0x5a, sizeof(req));
	memset(&opts, 0, sizeof(opts));
	err_clear(&err);
	pm = phys_buffer(mem, 0, MEM_SIZE);

	/* Version 0: 48 bytes; Xen writes nothing past reserved. */
	uint8_t *si = mem + SI;
	put_le32(si + 0, START_MAGIC);
	put_le32(si + 4, 0);
	put_le32(si + 8, SIF_PRIVILEGED | SIF_INITDOMAIN);
	put_le32(si + 12, 1);
	put_le64(si + 16, MODLIST);
	put_le64(si + 24, cmdline ? CMDLINE : 0);
	put_le64(si + 32, 0x10060f26);
	strcpy((char *)mem + CMDLINE, cmdline ? cmdline : "");

	uint8_t *m = mem + MODLIST;
	put_le64(m, MODULE);
	put_le64(m + 8, MODULE_SIZE);
	put_le64(m + 16, modcmd ? MODCMD : 0);
	if (modcmd)
		strcpy((char *)mem + MODCMD, modcmd);

	/* 20-byte packed entries: every second one starts 4 bytes off an 8-byte boundary. */
	for (uint32_t i = 0; i < XEN_MAP_N; i++) {
		uint8_t *e = e820_buf + i * XEN_E820_ENTRY_SIZE;
		put_le64(e, xen_map[i][0]);
		put_le64(e + 8, xen_map[i][1]);
		put_le32(e + 16, (uint32_t)xen_map[i][2]);
	}
	xen = (struct pvh_xen){ .e820 = { e820_buf, sizeof(e820_buf), XEN_MAP_N } };
}

static void expect_error(const char *msg)
{
	cr_assert_eq(pvh_info_parse_xen(&req, &opts, &pm, SI, &xen, &err), -1, "expected: %s", msg);
	cr_assert(err.set);
	cr_assert_str_eq(err.msg, msg);
}

Test(xen_e820, dom0_version_0_takes_xen_map)
{
	xen_setup("pvhboot.exit-on-error", "/tmp/xenrun/guest.bundle");
	cr_assert_eq(pvh_info_parse_xen(&req, &opts, &pm, SI, &xen, &err), 0, "%s", err.msg);

	cr_assert_eq(req.nraw, XEN_MAP_N);
	for (uint32_t i = 0; i < XEN_MAP_N; i++) {
		cr_assert_eq(req.raw[i].addr, xen_map[i][0], "entry %u addr", i);
		cr_assert_eq(req.raw[i].size, xen_map[i][1], "entry %u size", i);
		cr_assert_eq(req.raw[i].type, xen_map[i][2], "entry %u type", i);
	}
	cr_assert_eq(req.si_flags, SIF_PRIVILEGED | SIF_INITDOMAIN);
	cr_assert_eq(req.rsdp, 0x10060f26);
	cr_assert(opts.exit_on_error);
	cr_assert(req.have_kernel);
	cr_assert_eq(req.kernel.addr, MODULE);
	cr_assert_eq(req.kernel.size, MODULE_SIZE);
	cr_assert_eq(req.kernel.data, mem + MODULE);
	/* The module's string (its file name here) is ignored: dom0's (empty) line is the kernel's. */
	cr_assert_str_eq(req.kernel.cmdline, "");
}

Test(xen_e820, dom0_module_cmdline_ignored)
{
	/* QEMU's multiboot loader gives Xen "FILE ARGS", GRUB 2 "ARGS": dom0's line is the one to use. */
	xen_setup("console=hvc0", "/boot/linux.bundle root=/dev/xvda quiet");
	cr_assert_eq(pvh_info_parse_xen(&req, &opts, &pm, SI, &xen, &err), 0, "%s", err.msg);
	cr_assert_str_eq(req.kernel.cmdline, "console=hvc0");

	xen_setup("pvhboot.debug console=hvc0", "root=/dev/xvda");
	cr_assert_eq(pvh_info_parse_xen(&req, &opts, &pm, SI, &xen, &err), 0, "%s", err.msg);
	cr_assert_str_eq(req.kernel.cmdline, "console=hvc0");
	cr_assert(opts.debug);
}

Test(xen_e820, domu_module_cmdline_kept)
{
	/* Not the initial domain: no multiboot loader named the module. */
	xen_setup("console=hvc0", "root=/dev/xvda");
	put_le32(mem + SI + 8, 0);
	cr_assert_eq(pvh_info_parse_xen(&req, &opts, &pm, SI, &xen, &err), 0, "%s", err.msg);
	cr_assert_str_eq(req.kernel.cmdline, "root=/dev/xvda");
	cr_assert_eq(req.si_flags, 0);
}

Test(xen_e820, without_xen_names_are_kept)
{
	/* QEMU's PVH boot with the same flags must not lose a word. */
	xen_setup("console=ttyS0", "/boot/linux.bundle quiet");
	put_le32(mem + SI + 4, 1);
	put_le64(mem + SI + 40, MEMMAP);
	put_le32(mem + SI + 48, 1);
	put_le64(mem + MEMMAP, 0);
	put_le64(mem + MEMMAP + 8, 0x200000);
	put_le32(mem + MEMMAP + 16, 1);
	cr_assert_eq(pvh_info_parse(&req, &opts, &pm, SI, &err), 0, "%s", err.msg);
	cr_assert_str_eq(req.kernel.cmdline, "/boot/linux.bundle quiet");
}

Test(xen_e820, start_info_map_wins)
{
	/* A later Xen handing over version 1 with a map: that map, not the hypercall's. */
	xen_setup(NULL, NULL);
	put_le32(mem + SI + 4, 1);
	put_le64(mem + SI + 40, MEMMAP);
	put_le32(mem + SI + 48, 1);
	put_le64(mem + MEMMAP, 0x100000);
	put_le64(mem + MEMMAP + 8, 0x1000000);
	put_le32(mem + MEMMAP + 16, 1);
	cr_assert_eq(pvh_info_parse_xen(&req, &opts, &pm, SI, &xen, &err), 0, "%s", err.msg);
	cr_assert_eq(req.nraw, 1);
	cr_assert_eq(req.raw[0].addr, 0x100000);
	cr_assert_eq(req.raw[0].size, 0x1000000);
}

Test(xen_e820, version_1_without_entries_takes_xen_map)
{
	xen_setup(NULL, NULL);
	put_le32(mem + SI + 4, 1);
	cr_assert_eq(pvh_info_parse_xen(&req, &opts, &pm, SI, &xen, &err), 0, "%s", err.msg);
	cr_assert_eq(req.nraw, XEN_MAP_N);
}

Test(xen_e820, xen_gave_no_map)
{
	/* The hypercall failed or returned nothing: the usual version-0 error. */
	xen_setup(NULL, NULL);
	xen.e820.n = 0;
	expect_error("pvh: start info version 0 without a memory map (memmap_entries 0): "
		     "cannot place the kernel");
}

Test(xen_e820, too_many_entries)
{
	xen_setup(NULL, NULL);
	xen.e820.n = MEMMAP_MAX + 1;
	expect_error("pvh: xen memory map nr_entries 513, at most 512");
	xen_setup(NULL, NULL);
	xen.e820.n = 0xffffffffu;
	expect_error("pvh: xen memory map nr_entries 4294967295, at most 512");
}

Test(xen_e820, entries_beyond_buffer)
{
	xen_setup(NULL, NULL);
	xen.e820.size = XEN_MAP_N * XEN_E820_ENTRY_SIZE - 1;
	expect_error("pvh: xen memory map nr_entries 11 (0xdc bytes) beyond its buffer of 0xdb bytes");
	/* Exactly the entries' bytes is enough. */
	xen_setup(NULL, NULL);
	xen.e820.size = XEN_MAP_N * XEN_E820_ENTRY_SIZE;
	cr_assert_eq(pvh_info_parse_xen(&req, &opts, &pm, SI, &xen, &err), 0, "%s", err.msg);
}

Test(xen_e820, add_rejects_empty_map)
{
	struct pvh_e820 none = { e820_buf, sizeof(e820_buf), 0 };

	xen_setup(NULL, NULL);
	bootreq_init(&req, "pvh");
	cr_assert_eq(pvh_e820_add(&req, &none, &err), -1);
	cr_assert_str_eq(err.msg, "pvh: xen memory map has no entries");
	cr_assert_eq(req.nraw, 0);
}

Test(xen_e820, full_map_of_max_entries)
{
	xen_setup(NULL, NULL);
	for (uint32_t i = 0; i < MEMMAP_MAX; i++) {
		uint8_t *e = e820_buf + i * XEN_E820_ENTRY_SIZE;
		put_le64(e, (uint64_t)i * 0x2000);
		put_le64(e + 8, 0x1000);
		put_le32(e + 16, 1 + i % 5);
	}
	xen.e820.n = MEMMAP_MAX;
	cr_assert_eq(pvh_info_parse_xen(&req, &opts, &pm, SI, &xen, &err), 0, "%s", err.msg);
	cr_assert_eq(req.nraw, MEMMAP_MAX);
	cr_assert_eq(req.raw[MEMMAP_MAX - 1].addr, (uint64_t)(MEMMAP_MAX - 1) * 0x2000);
	cr_assert_eq(req.raw[MEMMAP_MAX - 1].type, 1 + (MEMMAP_MAX - 1) % 5);
}
