/*
 * test_pvh_info.c - unit tests of pvh_info_parse() (src/loader/common/
 * pvh_info.c): a start info laid out the way QEMU's PVH loader writes it
 * (version 1, memory map, one module from -initrd, the -append command
 * line) in a host buffer standing for physical memory, and every error with
 * its message. Fields are written at the offsets of Xen's
 * arch-x86/hvm/start_info.h by hand, so a layout slip in the parser shows.
 * Suite "pvh_info", run by build/unit-tests.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "loader/common/pvh_info.h"

#define MEM_SIZE 0x200000u
#define SI 0x6000u
#define MODLIST 0x6040u
#define MEMMAP 0x6100u
#define CMDLINE 0x6200u
#define MODCMD 0x6300u
#define KERNEL 0x100000u
#define KERNEL_SIZE 0x1800u
#define INITRD 0x180000u
#define INITRD_SIZE 0x777u
#define START_MAGIC 0x336ec578u

static uint8_t mem[MEM_SIZE];
static struct bootreq req;
static struct loader_options opts;
static struct err err;
static struct phys_mem pm;

static void set_module(unsigned i, uint64_t addr, uint64_t size, uint64_t cmdline)
{
	uint8_t *m = mem + MODLIST + 32 * i;

	put_le64(m, addr);
	put_le64(m + 8, size);
	put_le64(m + 16, cmdline);
	put_le64(m + 24, 0);
}

/* QEMU-like: version 1, three map entries, the kernel as the one module. */
static void pvh_setup(const char *cmdline)
{
	static const uint64_t map[][3] = {
		{ 0, 0x9fc00, 1 },
		{ 0xf0000, 0x10000, 2 },
		{ 0x100000, 0x7ee0000, 1 },
	};
	uint8_t *si = mem + SI;

	memset(mem, 0, sizeof(mem));
	memset(&req, 0x5a, sizeof(req));
	memset(&opts, 0, sizeof(opts));
	err_clear(&err);
	pm = phys_buffer(mem, 0, MEM_SIZE);

	put_le32(si + 0, START_MAGIC);
	put_le32(si + 4, 1);          /* version */
	put_le32(si + 8, 0);          /* flags */
	put_le32(si + 12, 1);         /* nr_modules */
	put_le64(si + 16, MODLIST);   /* modlist_paddr */
	put_le64(si + 24, cmdline ? CMDLINE : 0);
	put_le64(si + 32, 0xf5a40);   /* rsdp_paddr */
	put_le64(si + 40, MEMMAP);    /* memmap_paddr */
	put_le32(si + 48, 3);         /* memmap_entries */
	if (cmdline)
		strcpy((char *)mem + CMDLINE, cmdline);
	for (unsigned i = 0; i < 3; i++) {
		uint8_t *e = mem + MEMMAP + 24 * i;
		put_le64(e, map[i][0]);
		put_le64(e + 8, map[i][1]);
		put_le32(e + 16, (uint32_t)map[i][2]);
		put_le32(e + 20, 0);
	}
	set_module(0, KERNEL, KERNEL_SIZE, 0);
}

static void expect_error(const char *msg)
{
	cr_assert_eq(pvh_info_parse(&req, &opts, &pm, SI, &err), -1, "expected: %s", msg);
	cr_assert(err.set);
	cr_assert_str_eq(err.msg, msg);
}

Test(pvh_info, qemu_like_v1_one_module)
{
	pvh_setup("console=ttyS0 pvhboot.debug quiet");
	cr_assert_eq(pvh_info_parse(&req, &opts, &pm, SI, &err), 0, "%s", err.msg);

	cr_assert_str_eq(req.source, "pvh");
	cr_assert_eq(req.nraw, 3);
	cr_assert_eq(req.raw[0].addr, 0);
	cr_assert_eq(req.raw[0].size, 0x9fc00);
	cr_assert_eq(req.raw[0].type, 1);
	cr_assert_eq(req.raw[1].addr, 0xf0000);
	cr_assert_eq(req.raw[1].type, 2);
	cr_assert_eq(req.raw[2].addr, 0x100000);
	cr_assert_eq(req.raw[2].size, 0x7ee0000);
	cr_assert_eq(req.rsdp, 0xf5a40);
	cr_assert(!req.have_rsdp_copy);
	cr_assert_eq(req.si_flags, 0);

	cr_assert(req.have_kernel);
	cr_assert_eq(req.kernel.addr, KERNEL);
	cr_assert_eq(req.kernel.size, KERNEL_SIZE);
	cr_assert_eq(req.kernel.data, mem + KERNEL);
	cr_assert_str_eq(req.kernel.name, "module 0");
	/* The VMM's command line, less the loader's options, is the kernel's. */
	cr_assert_str_eq(req.kernel.cmdline, "console=ttyS0 quiet");
	cr_assert_eq(req.nmodules, 0);
	cr_assert(opts.debug);
	cr_assert(!opts.exit_on_error);
}

Test(pvh_info, no_cmdline)
{
	pvh_setup(NULL);
	cr_assert_eq(pvh_info_parse(&req, &opts, &pm, SI, &err), 0, "%s", err.msg);
	cr_assert_str_eq(req.kernel.cmdline, "");
	cr_assert(!opts.debug);
}

Test(pvh_info, further_modules_pass_through)
{
	pvh_setup("root=/dev/vda");
	put_le32(mem + SI + 12, 2);
	put_le32(mem + SI + 8, 3); /* SIF_PRIVILEGED | SIF_INITDOMAIN */
	strcpy((char *)mem + MODCMD, "sha256=1234");
	set_module(1, INITRD, INITRD_SIZE, MODCMD);
	cr_assert_eq(pvh_info_parse(&req, &opts, &pm, SI, &err), 0, "%s", err.msg);
	cr_assert_eq(req.si_flags, 3);
	cr_assert_str_eq(req.kernel.cmdline, "root=/dev/vda");
	cr_assert_eq(req.nmodules, 1);
	cr_assert_eq(req.modules[0].addr, INITRD);
	cr_assert_eq(req.modules[0].size, INITRD_SIZE);
	cr_assert_eq(req.modules[0].data, mem + INITRD);
	cr_assert_str_eq(req.modules[0].name, "module 1");
	cr_assert_str_eq(req.modules[0].cmdline, "sha256=1234");
}

Test(pvh_info, module_cmdline_beats_vmm_cmdline)
{
	pvh_setup("pvhboot.exit-on-error from-the-vmm");
	strcpy((char *)mem + MODCMD, "console=hvc0");
	set_module(0, KERNEL, KERNEL_SIZE, MODCMD);
	cr_assert_eq(pvh_info_parse(&req, &opts, &pm, SI, &err), 0, "%s", err.msg);
	cr_assert_str_eq(req.kernel.cmdline, "console=hvc0");
	/* The loader's options are still read from the VMM's line. */
	cr_assert(opts.exit_on_error);
}

Test(pvh_info, empty_module_cmdline_falls_back_to_vmm)
{
	pvh_setup("quiet");
	mem[MODCMD] = '\0';
	set_module(0, KERNEL, KERNEL_SIZE, MODCMD);
	cr_assert_eq(pvh_info_parse(&req, &opts, &pm, SI, &err), 0, "%s", err.msg);
	cr_assert_str_eq(req.kernel.cmdline, "quiet");
}

Test(pvh_info, start_info_not_readable)
{
	pvh_setup(NULL);
	/* Fewer than the 40 bytes of a version-0 start info. */
	cr_assert_eq(pvh_info_parse(&req, &opts, &pm, MEM_SIZE - 39, &err), -1);
	cr_assert_str_eq(err.msg, "pvh: start info at 0x1fffd9 not readable");
}

Test(pvh_info, bad_magic)
{
	pvh_setup(NULL);
	put_le32(mem + SI, 0x12345678);
	expect_error("pvh: start info magic 0x12345678, expected 0x336ec578");
}

Test(pvh_info, version_0_without_memmap)
{
	/* What Xen's PVH dom0 builder hands over: version 0, no map. */
	pvh_setup(NULL);
	put_le32(mem + SI + 4, 0);
	put_le64(mem + SI + 40, 0);
	put_le32(mem + SI + 48, 0);
	expect_error("pvh: start info version 0 without a memory map (memmap_entries 0): "
		     "cannot place the kernel");
}

Test(pvh_info, version_0_map_fields_ignored)
{
	/* Version 0 ends before memmap_paddr: whatever lies there is not a map. */
	pvh_setup(NULL);
	put_le32(mem + SI + 4, 0);
	expect_error("pvh: start info version 0 without a memory map (memmap_entries 0): "
		     "cannot place the kernel");
}

Test(pvh_info, version_0_is_40_bytes)
{
	/* A version-0 start info at the very end of readable memory: 40 bytes, not 56. */
	pvh_setup(NULL);
	put_le32(mem + SI + 4, 0);
	pm = phys_buffer(mem, 0, SI + 40);
	expect_error("pvh: start info version 0 without a memory map (memmap_entries 0): "
		     "cannot place the kernel");

	/* Version 1 needs its 56 bytes. */
	pvh_setup(NULL);
	pm = phys_buffer(mem, 0, SI + 40);
	expect_error("pvh: start info version 1 at 0x6000: its 0x38 bytes not readable");
}

Test(pvh_info, version_1_with_empty_memmap)
{
	pvh_setup(NULL);
	put_le32(mem + SI + 48, 0);
	expect_error("pvh: start info version 1 without a memory map (memmap_entries 0): "
		     "cannot place the kernel");
}

Test(pvh_info, memmap_too_large)
{
	pvh_setup(NULL);
	put_le32(mem + SI + 48, MEMMAP_MAX + 1);
	expect_error("pvh: memmap_entries 513, at most 512");
}

Test(pvh_info, memmap_not_readable)
{
	pvh_setup(NULL);
	put_le64(mem + SI + 40, MEM_SIZE - 48);
	expect_error("pvh: memory map at 0x1fffd0 (3 entries) not readable");
	pvh_setup(NULL);
	put_le64(mem + SI + 40, 0x100000000ull);
	expect_error("pvh: memory map at 0x100000000 (3 entries) not readable");
}

Test(pvh_info, no_modules)
{
	pvh_setup(NULL);
	put_le32(mem + SI + 12, 0);
	expect_error("pvh: no modules: give the PVH kernel or a bundle as the module "
		     "(QEMU: -initrd)");
}

Test(pvh_info, nr_modules_too_large)
{
	pvh_setup(NULL);
	put_le32(mem + SI + 12, BOOTREQ_MAX_MODULES + 1);
	expect_error("pvh: nr_modules 33, at most 32");
	pvh_setup(NULL);
	put_le32(mem + SI + 12, 0xffffffffu);
	expect_error("pvh: nr_modules 4294967295, at most 32");
}

Test(pvh_info, module_list_not_readable)
{
	pvh_setup(NULL);
	put_le32(mem + SI + 12, 2);
	put_le64(mem + SI + 16, MEM_SIZE - 32);
	expect_error("pvh: module list at 0x1fffe0 (2 entries) not readable");
}

Test(pvh_info, module_not_readable)
{
	pvh_setup(NULL);
	set_module(0, MEM_SIZE - 0x1000, 0x2000, 0);
	expect_error("pvh: module 0 at 0x1ff000 size 0x2000 not readable");
	pvh_setup(NULL);
	set_module(0, 0x1000, 0xfffffffffffff000ull, 0);
	expect_error("pvh: module 0 at 0x1000 size 0xfffffffffffff000 not readable");
}

Test(pvh_info, strings_not_readable)
{
	pvh_setup(NULL);
	memset(mem + MEM_SIZE - 4, 'a', 4);
	put_le64(mem + SI + 24, MEM_SIZE - 4);
	expect_error("pvh: cmdline at 0x1ffffc is not a string below 4096 bytes");

	pvh_setup(NULL);
	memset(mem + MODCMD, 'a', 5000); /* no NUL within the limit */
	set_module(0, KERNEL, KERNEL_SIZE, MODCMD);
	expect_error("pvh: module cmdline at 0x6300 is not a string below 4096 bytes");
}
