/*
 * test_multiboot.c - unit tests of mb1_parse() and mb2_parse()
 * (src/loader/multiboot/): boot information is written into a host buffer
 * that stands for the first 2 MiB of physical memory, the way GRUB and
 * QEMU's multiboot loader lay it out, and every error path is checked with
 * its message. Suite "multiboot", run by build/unit-tests.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "loader/multiboot/multiboot.h"

#define MEM_SIZE 0x200000u
#define INFO 0x10000u
#define STRINGS 0x11000u
#define MODLIST 0x12000u
#define MMAP 0x13000u
#define KERNEL 0x100000u
#define KERNEL_SIZE 0x1000u
#define INITRD 0x180000u
#define INITRD_SIZE 0x2345u

/* Multiboot 1 info flags (Multiboot Specification 0.6.96, 3.3). */
#define F_MEM (1u << 0)
#define F_CMDLINE (1u << 2)
#define F_MODS (1u << 3)
#define F_MMAP (1u << 6)
#define F_NAME (1u << 9)

static uint8_t mem[MEM_SIZE];
static struct bootreq req;
static struct err err;
static struct phys_mem pm;
static uint32_t string_next;

static void mb_setup(void)
{
	memset(mem, 0, sizeof(mem));
	memset(&req, 0x5a, sizeof(req)); /* the parsers must initialise it */
	err_clear(&err);
	pm = phys_buffer(mem, 0, MEM_SIZE);
	string_next = STRINGS;
	for (uint32_t i = 0; i < KERNEL_SIZE; i++)
		mem[KERNEL + i] = (uint8_t)(i * 7);
}

static uint32_t put_string(const char *s)
{
	uint32_t at = string_next;

	memcpy(mem + at, s, strlen(s) + 1);
	string_next += (uint32_t)strlen(s) + 1;
	return at;
}

/* A valid ACPI 1.0 RSDP (20 bytes) or 2.0 one (36 bytes) at p. */
static void make_rsdp(uint8_t *p, unsigned revision, uint8_t oem_tag)
{
	uint8_t sum = 0;

	memset(p, 0, 36);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "TEST ", 5);
	p[14] = oem_tag;
	p[15] = (uint8_t)revision;
	put_le32(p + 16, 0x7fe1234);
	for (int i = 0; i < 20; i++)
		sum = (uint8_t)(sum + p[i]);
	p[8] = (uint8_t)-sum;
	if (revision >= 2) {
		put_le32(p + 20, 36);
		put_le64(p + 24, 0x7fe5678);
		sum = 0;
		for (int i = 0; i < 36; i++)
			sum = (uint8_t)(sum + p[i]);
		p[32] = (uint8_t)-sum;
	}
}

/* --- multiboot1 ------------------------------------------------------------ */

static void mb1_mod(unsigned i, uint32_t start, uint32_t end, uint32_t string)
{
	uint8_t *m = mem + MODLIST + 16 * i;

	put_le32(m, start);
	put_le32(m + 4, end);
	put_le32(m + 8, string);
}

static void mb1_mmap_entry(unsigned i, uint64_t addr, uint64_t len, uint32_t type)
{
	uint8_t *e = mem + MMAP + 24 * i;

	put_le32(e, 20);
	put_le64(e + 4, addr);
	put_le64(e + 12, len);
	put_le32(e + 20, type);
}

/* Info with modules (kernel + initrd) and a 3-entry memory map; loader name as given. */
static void mb1_build(const char *loader, const char *kernel_str, const char *initrd_str)
{
	uint8_t *info = mem + INFO;
	uint32_t flags = F_MEM | F_CMDLINE | F_MODS | F_MMAP;

	put_le32(info + 4, 639);
	put_le32(info + 8, 130048);
	put_le32(info + 16, put_string("/boot/pvhboot.elf debug"));
	put_le32(info + 20, 2);
	put_le32(info + 24, MODLIST);
	mb1_mod(0, KERNEL, KERNEL + KERNEL_SIZE, kernel_str ? put_string(kernel_str) : 0);
	mb1_mod(1, INITRD, INITRD + INITRD_SIZE, initrd_str ? put_string(initrd_str) : 0);
	mb1_mmap_entry(0, 0, 0x9fc00, 1);
	mb1_mmap_entry(1, 0xf0000, 0x10000, 2);
	mb1_mmap_entry(2, 0x100000, 0x7ee0000, 1);
	put_le32(info + 44, 3 * 24);
	put_le32(info + 48, MMAP);
	if (loader) {
		flags |= F_NAME;
		put_le32(info + 64, put_string(loader));
	}
	put_le32(info, flags);
}

static void expect_error(int rc, const char *msg)
{
	cr_assert_eq(rc, -1, "parse succeeded, expected: %s", msg);
	cr_assert(err.set);
	cr_assert_str_eq(err.msg, msg);
}

Test(multiboot, mb1_qemu_strips_file_names)
{
	mb_setup();
	mb1_build("qemu", "vmlinux console=ttyS0 quiet", "initrd.img rdinit=/bin/sh");
	cr_assert_eq(mb1_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);

	cr_assert_str_eq(req.source, "multiboot1");
	cr_assert_str_eq(req.loader_cmdline, "/boot/pvhboot.elf debug");
	cr_assert(req.have_kernel);
	cr_assert_eq(req.kernel.addr, KERNEL);
	cr_assert_eq(req.kernel.size, KERNEL_SIZE);
	cr_assert_eq(req.kernel.data, mem + KERNEL);
	cr_assert_str_eq(req.kernel.name, "vmlinux");
	cr_assert_str_eq(req.kernel.cmdline, "console=ttyS0 quiet");
	cr_assert_eq(req.nmodules, 1);
	cr_assert_eq(req.modules[0].addr, INITRD);
	cr_assert_eq(req.modules[0].size, INITRD_SIZE);
	cr_assert_eq(req.modules[0].data, mem + INITRD);
	cr_assert_str_eq(req.modules[0].name, "initrd.img");
	cr_assert_str_eq(req.modules[0].cmdline, "rdinit=/bin/sh");
	/* The memory map wins over mem_lower/mem_upper. */
	cr_assert_eq(req.nraw, 3);
	cr_assert_eq(req.raw[1].addr, 0xf0000);
	cr_assert_eq(req.raw[1].size, 0x10000);
	cr_assert_eq(req.raw[1].type, 2);
	cr_assert_eq(req.raw[2].addr, 0x100000);
	cr_assert_eq(req.raw[2].size, 0x7ee0000);
	cr_assert_eq(req.raw[2].type, 1);
	cr_assert_eq(req.rsdp, 0);
	cr_assert(!req.have_rsdp_copy);
	cr_assert(!err.set);
}

Test(multiboot, mb1_qemu_name_only_and_no_string)
{
	mb_setup();
	mb1_build("qemu", "vmlinux", NULL);
	cr_assert_eq(mb1_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	cr_assert_str_eq(req.kernel.name, "vmlinux");
	cr_assert_str_eq(req.kernel.cmdline, "");
	cr_assert_str_eq(req.modules[0].name, "module 1");
	cr_assert_str_eq(req.modules[0].cmdline, "");
}

Test(multiboot, mb1_no_loader_name_counts_as_not_grub)
{
	mb_setup();
	mb1_build(NULL, "/boot/vmlinux root=/dev/vda", "initrd");
	cr_assert_eq(mb1_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	cr_assert_str_eq(req.kernel.name, "/boot/vmlinux");
	cr_assert_str_eq(req.kernel.cmdline, "root=/dev/vda");
}

Test(multiboot, mb1_qemu_name_after_blanks)
{
	/* A leading blank must not make the name empty (it names the kernel in errors). */
	mb_setup();
	mb1_build("qemu", "  vmlinux\tconsole=ttyS0", "   ");
	cr_assert_eq(mb1_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	cr_assert_str_eq(req.kernel.name, "vmlinux");
	cr_assert_str_eq(req.kernel.cmdline, "console=ttyS0");
	cr_assert_str_eq(req.modules[0].name, "module 1");
	cr_assert_str_eq(req.modules[0].cmdline, "");
}

Test(multiboot, mb1_grub_strings_are_args_only)
{
	mb_setup();
	mb1_build("GRUB 2.06", "console=ttyS0 quiet", "");
	cr_assert_eq(mb1_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	cr_assert_str_eq(req.kernel.name, "module 0");
	cr_assert_str_eq(req.kernel.cmdline, "console=ttyS0 quiet");
	cr_assert_str_eq(req.modules[0].name, "module 1");
	cr_assert_str_eq(req.modules[0].cmdline, "");
}

Test(multiboot, mb1_mem_sizes_without_mmap)
{
	mb_setup();
	mb1_build("GRUB 2.06", "x", "y");
	put_le32(mem + INFO, le32(mem + INFO) & ~F_MMAP);
	cr_assert_eq(mb1_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	cr_assert_eq(req.nraw, 2);
	cr_assert_eq(req.raw[0].addr, 0);
	cr_assert_eq(req.raw[0].size, 639 * 1024);
	cr_assert_eq(req.raw[0].type, 1);
	cr_assert_eq(req.raw[1].addr, 0x100000);
	cr_assert_eq(req.raw[1].size, 130048ull * 1024);
	cr_assert_eq(req.raw[1].type, 1);
}

Test(multiboot, mb1_mmap_entry_with_larger_size_field)
{
	/* size counts the bytes after itself; 28 leaves 8 unknown bytes to skip. */
	mb_setup();
	mb1_build("qemu", "k", NULL);
	uint8_t *e = mem + MMAP;
	memset(e, 0, 0x100);
	put_le32(e, 28);
	put_le64(e + 4, 0x100000);
	put_le64(e + 12, 0x100000);
	put_le32(e + 20, 1);
	put_le32(e + 32, 20);
	put_le64(e + 36, 0xfee00000);
	put_le64(e + 44, 0x1000);
	put_le32(e + 52, 2);
	put_le32(mem + INFO + 44, 56);
	cr_assert_eq(mb1_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	cr_assert_eq(req.nraw, 2);
	cr_assert_eq(req.raw[1].addr, 0xfee00000);
	cr_assert_eq(req.raw[1].type, 2);
}

Test(multiboot, mb1_finds_rsdp_in_bios_area)
{
	mb_setup();
	mb1_build("qemu", "k", NULL);
	make_rsdp(mem + 0xf5a40, 0, 1);
	cr_assert_eq(mb1_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	cr_assert_eq(req.rsdp, 0xf5a40);
}

Test(multiboot, mb1_info_not_readable)
{
	mb_setup();
	expect_error(mb1_parse(&req, &pm, MEM_SIZE - 16, &err),
		     "multiboot1: boot information at 0x1ffff0 not readable");
	cr_assert_str_eq(req.source, "multiboot1");
}

Test(multiboot, mb1_no_modules)
{
	mb_setup();
	mb1_build("qemu", "k", NULL);
	put_le32(mem + INFO, le32(mem + INFO) & ~F_MODS);
	expect_error(mb1_parse(&req, &pm, INFO, &err),
		     "multiboot1: no modules: give the PVH kernel as the first module");
	mb_setup();
	mb1_build("qemu", "k", NULL);
	put_le32(mem + INFO + 20, 0);
	expect_error(mb1_parse(&req, &pm, INFO, &err),
		     "multiboot1: no modules: give the PVH kernel as the first module");
}

Test(multiboot, mb1_mods_count_too_large)
{
	mb_setup();
	mb1_build("qemu", "k", NULL);
	put_le32(mem + INFO + 20, BOOTREQ_MAX_MODULES + 2);
	expect_error(mb1_parse(&req, &pm, INFO, &err), "multiboot1: mods_count 34, at most 33");
}

Test(multiboot, mb1_module_list_not_readable)
{
	mb_setup();
	mb1_build("qemu", "k", NULL);
	put_le32(mem + INFO + 24, MEM_SIZE - 16); /* room for one entry of two */
	expect_error(mb1_parse(&req, &pm, INFO, &err),
		     "multiboot1: module list at 0x1ffff0 not readable");
}

Test(multiboot, mb1_module_range_not_readable)
{
	mb_setup();
	mb1_build("qemu", "k", "initrd");
	mb1_mod(1, INITRD, MEM_SIZE + 1, le32(mem + MODLIST + 16 + 8));
	expect_error(mb1_parse(&req, &pm, INFO, &err),
		     "multiboot1: module 1: [0x180000, 0x200001) is not readable");
}

Test(multiboot, mb1_module_end_below_start)
{
	mb_setup();
	mb1_build("qemu", "k", NULL);
	mb1_mod(0, KERNEL, KERNEL - 1, 0);
	expect_error(mb1_parse(&req, &pm, INFO, &err),
		     "multiboot1: module 0: mod_end 0xfffff below mod_start 0x100000");
}

Test(multiboot, mb1_module_string_without_nul)
{
	mb_setup();
	mb1_build("qemu", "k", NULL);
	memset(mem + MEM_SIZE - 8, 'a', 8);
	mb1_mod(0, KERNEL, KERNEL + KERNEL_SIZE, MEM_SIZE - 8);
	expect_error(mb1_parse(&req, &pm, INFO, &err),
		     "multiboot1: module 0: string at 0x1ffff8 not readable");
}

Test(multiboot, mb1_cmdline_without_nul)
{
	mb_setup();
	mb1_build("qemu", "k", NULL);
	memset(mem + MEM_SIZE - 4, 'a', 4);
	put_le32(mem + INFO + 16, MEM_SIZE - 4);
	expect_error(mb1_parse(&req, &pm, INFO, &err),
		     "multiboot1: cmdline at 0x1ffffc not a readable string");
}

Test(multiboot, mb1_mmap_errors)
{
	mb_setup();
	mb1_build("qemu", "k", NULL);
	put_le32(mem + INFO + 48, MEM_SIZE - 24); /* 72 bytes asked, 24 there */
	expect_error(mb1_parse(&req, &pm, INFO, &err),
		     "multiboot1: mmap_addr 0x1fffe8 + mmap_length 0x48 not readable");

	mb_setup();
	mb1_build("qemu", "k", NULL);
	put_le32(mem + INFO + 44, 30);
	expect_error(mb1_parse(&req, &pm, INFO, &err),
		     "multiboot1: mmap entry 1 at offset 24: 6 bytes left, need 24");

	mb_setup();
	mb1_build("qemu", "k", NULL);
	put_le32(mem + MMAP + 24, 8);
	expect_error(mb1_parse(&req, &pm, INFO, &err),
		     "multiboot1: mmap entry 1: size 8 outside 20..44");

	mb_setup();
	mb1_build("qemu", "k", NULL);
	put_le32(mem + MMAP + 48, 21);
	expect_error(mb1_parse(&req, &pm, INFO, &err),
		     "multiboot1: mmap entry 2: size 21 outside 20..20");
}

Test(multiboot, mb1_no_memory_information)
{
	mb_setup();
	mb1_build("qemu", "k", NULL);
	put_le32(mem + INFO, le32(mem + INFO) & ~(F_MMAP | F_MEM));
	expect_error(mb1_parse(&req, &pm, INFO, &err),
		     "multiboot1: neither a memory map (flags bit 6) nor memory sizes (bit 0)");
}

/* --- multiboot2 ------------------------------------------------------------ */

static uint32_t mb2_off;

static void mb2_begin(void)
{
	mb2_off = 8;
}

/* Append a tag with a payload; tags start 8-aligned. Returns its offset. */
static uint32_t mb2_tag(uint32_t type, const void *payload, uint32_t len)
{
	uint32_t at = mb2_off;

	put_le32(mem + INFO + at, type);
	put_le32(mem + INFO + at + 4, 8 + len);
	if (len)
		memcpy(mem + INFO + at + 8, payload, len);
	mb2_off = (at + 8 + len + 7) & ~7u;
	return at;
}

static void mb2_string_tag(uint32_t type, const char *s)
{
	mb2_tag(type, s, (uint32_t)strlen(s) + 1);
}

static void mb2_module(uint32_t start, uint32_t end, const char *s)
{
	uint8_t p[256];
	size_t n = strlen(s) + 1;

	put_le32(p, start);
	put_le32(p + 4, end);
	memcpy(p + 8, s, n);
	mb2_tag(3, p, (uint32_t)(8 + n));
}

static void mb2_meminfo(uint32_t lower, uint32_t upper)
{
	uint8_t p[8];

	put_le32(p, lower);
	put_le32(p + 4, upper);
	mb2_tag(4, p, 8);
}

static void mb2_mmap(uint32_t entry_size, unsigned n)
{
	static const uint64_t e[][3] = {
		{ 0, 0x9fc00, 1 },
		{ 0x9fc00, 0x400, 2 },
		{ 0x100000, 0x7ee0000, 1 },
		{ 0xfeffc000, 0x4000, 2 },
	};
	uint8_t p[8 + 4 * 32];

	memset(p, 0xee, sizeof(p)); /* reserved fields and padding must not matter */
	put_le32(p, entry_size);
	put_le32(p + 4, 0);
	for (unsigned i = 0; i < n && i < 4; i++) {
		uint8_t *q = p + 8 + i * entry_size;
		put_le64(q, e[i][0]);
		put_le64(q + 8, e[i][1]);
		put_le32(q + 16, (uint32_t)e[i][2]);
	}
	mb2_tag(6, p, 8 + n * entry_size);
}

static void mb2_acpi(uint32_t type, unsigned revision, uint8_t oem_tag)
{
	uint8_t p[36];

	make_rsdp(p, revision, oem_tag);
	mb2_tag(type, p, revision >= 2 ? 36 : 20);
}

/* The end tag and total_size; returns total_size. */
static uint32_t mb2_end(void)
{
	mb2_tag(0, NULL, 0);
	put_le32(mem + INFO, mb2_off);
	put_le32(mem + INFO + 4, 0);
	return mb2_off;
}

/* What GRUB 2 hands over for `multiboot2 /pvhboot.elf debug`, two module2 lines. */
static void mb2_grub_info(void)
{
	mb2_begin();
	mb2_string_tag(1, "/boot/pvhboot.elf debug");
	mb2_string_tag(2, "GRUB 2.06-13+deb12u1");
	mb2_meminfo(639, 130048);
	mb2_mmap(24, 4);
	mb2_module(KERNEL, KERNEL + KERNEL_SIZE, "console=ttyS0 quiet");
	mb2_module(INITRD, INITRD + INITRD_SIZE, "");
	mb2_end();
}

Test(multiboot, mb2_grub_style)
{
	mb_setup();
	mb2_grub_info();
	cr_assert_eq(mb2_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	cr_assert_str_eq(req.source, "multiboot2");
	cr_assert_str_eq(req.loader_cmdline, "/boot/pvhboot.elf debug");
	cr_assert(req.have_kernel);
	cr_assert_eq(req.kernel.addr, KERNEL);
	cr_assert_eq(req.kernel.size, KERNEL_SIZE);
	cr_assert_eq(req.kernel.data, mem + KERNEL);
	cr_assert_str_eq(req.kernel.name, "module 0");
	cr_assert_str_eq(req.kernel.cmdline, "console=ttyS0 quiet");
	cr_assert_eq(req.nmodules, 1);
	cr_assert_eq(req.modules[0].addr, INITRD);
	cr_assert_eq(req.modules[0].size, INITRD_SIZE);
	cr_assert_str_eq(req.modules[0].name, "module 1");
	cr_assert_str_eq(req.modules[0].cmdline, "");
	/* The memory map wins over basic meminfo. */
	cr_assert_eq(req.nraw, 4);
	cr_assert_eq(req.raw[1].addr, 0x9fc00);
	cr_assert_eq(req.raw[1].size, 0x400);
	cr_assert_eq(req.raw[1].type, 2);
	cr_assert_eq(req.raw[3].addr, 0xfeffc000);
	cr_assert_eq(req.raw[3].type, 2);
	cr_assert_eq(req.rsdp, 0);
	cr_assert(!req.have_rsdp_copy);
}

Test(multiboot, mb2_mmap_entry_size_32)
{
	mb_setup();
	mb2_begin();
	mb2_mmap(32, 3);
	mb2_module(KERNEL, KERNEL + KERNEL_SIZE, "");
	mb2_end();
	cr_assert_eq(mb2_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	cr_assert_eq(req.nraw, 3);
	cr_assert_eq(req.raw[2].addr, 0x100000);
	cr_assert_eq(req.raw[2].size, 0x7ee0000);
	cr_assert_eq(req.raw[2].type, 1);
	cr_assert_eq(req.nmodules, 0);
	cr_assert_str_eq(req.loader_cmdline, "");
}

Test(multiboot, mb2_basic_meminfo_only)
{
	mb_setup();
	mb2_begin();
	mb2_meminfo(639, 261120);
	mb2_module(KERNEL, KERNEL + KERNEL_SIZE, "");
	mb2_end();
	cr_assert_eq(mb2_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	cr_assert_eq(req.nraw, 2);
	cr_assert_eq(req.raw[0].addr, 0);
	cr_assert_eq(req.raw[0].size, 639 * 1024);
	cr_assert_eq(req.raw[1].addr, 0x100000);
	cr_assert_eq(req.raw[1].size, 261120ull * 1024);
	cr_assert_eq(req.raw[1].type, 1);
}

Test(multiboot, mb2_acpi_old_copy_kept)
{
	uint8_t want[36];

	mb_setup();
	mb2_begin();
	mb2_mmap(24, 3);
	mb2_acpi(14, 0, 1);
	mb2_module(KERNEL, KERNEL + KERNEL_SIZE, "");
	mb2_end();
	cr_assert_eq(mb2_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	make_rsdp(want, 0, 1);
	cr_assert(req.have_rsdp_copy);
	cr_assert_eq(req.rsdp, 0);
	cr_assert_arr_eq(req.rsdp_copy, want, 20);
	cr_assert_eq(req.rsdp_copy[15], 0);
}

Test(multiboot, mb2_acpi_new_wins_when_last)
{
	uint8_t want[36];

	mb_setup();
	mb2_begin();
	mb2_mmap(24, 3);
	mb2_acpi(14, 0, 1);
	mb2_acpi(15, 2, 2);
	mb2_module(KERNEL, KERNEL + KERNEL_SIZE, "");
	mb2_end();
	cr_assert_eq(mb2_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	make_rsdp(want, 2, 2);
	cr_assert(req.have_rsdp_copy);
	cr_assert_arr_eq(req.rsdp_copy, want, 36);
}

Test(multiboot, mb2_acpi_new_wins_when_first)
{
	uint8_t want[36];

	mb_setup();
	mb2_begin();
	mb2_mmap(24, 3);
	mb2_acpi(15, 2, 2);
	mb2_acpi(14, 0, 1);
	mb2_module(KERNEL, KERNEL + KERNEL_SIZE, "");
	mb2_end();
	cr_assert_eq(mb2_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	make_rsdp(want, 2, 2);
	cr_assert(req.have_rsdp_copy);
	cr_assert_arr_eq(req.rsdp_copy, want, 36);
}

Test(multiboot, mb2_acpi_copy_of_bios_rsdp_becomes_its_address)
{
	mb_setup();
	make_rsdp(mem + 0xe0040, 2, 2);
	mb2_begin();
	mb2_mmap(24, 3);
	mb2_acpi(15, 2, 2);
	mb2_module(KERNEL, KERNEL + KERNEL_SIZE, "");
	mb2_end();
	cr_assert_eq(mb2_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	cr_assert_eq(req.rsdp, 0xe0040);
	cr_assert(!req.have_rsdp_copy);
}

Test(multiboot, mb2_acpi_copy_of_ebda_rsdp_becomes_its_address)
{
	mb_setup();
	put_le32(mem + 0x40e, 0x9fc0); /* EBDA segment: 0x9fc00 */
	make_rsdp(mem + 0x9fc00 + 0x30, 0, 1);
	make_rsdp(mem + 0xf0000, 0, 9); /* a different one later in the scan */
	mb2_begin();
	mb2_mmap(24, 3);
	mb2_acpi(14, 0, 1);
	mb2_module(KERNEL, KERNEL + KERNEL_SIZE, "");
	mb2_end();
	cr_assert_eq(mb2_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	cr_assert_eq(req.rsdp, 0x9fc30);
	cr_assert(!req.have_rsdp_copy);
}

Test(multiboot, mb2_acpi_copy_differs_from_bios_rsdp)
{
	mb_setup();
	make_rsdp(mem + 0xe0040, 0, 7);
	mb2_begin();
	mb2_mmap(24, 3);
	mb2_acpi(14, 0, 1);
	mb2_module(KERNEL, KERNEL + KERNEL_SIZE, "");
	mb2_end();
	cr_assert_eq(mb2_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	cr_assert(req.have_rsdp_copy);
	cr_assert_eq(req.rsdp, 0);
	cr_assert_eq(req.rsdp_copy[14], 1);
}

Test(multiboot, mb2_bad_acpi_copy_ignored_bios_scan_used)
{
	mb_setup();
	make_rsdp(mem + 0xe0040, 0, 7);
	mb2_begin();
	mb2_mmap(24, 3);
	uint32_t at = mb2_off;
	mb2_acpi(14, 0, 1);
	mem[INFO + at + 8 + 8] ^= 1; /* break the checksum */
	mb2_module(KERNEL, KERNEL + KERNEL_SIZE, "");
	mb2_end();
	cr_assert_eq(mb2_parse(&req, &pm, INFO, &err), 0, "%s", err.msg);
	cr_assert(!req.have_rsdp_copy);
	cr_assert_eq(req.rsdp, 0xe0040);
}

Test(multiboot, mb2_info_not_readable_or_aligned)
{
	mb_setup();
	expect_error(mb2_parse(&req, &pm, MEM_SIZE - 4, &err),
		     "multiboot2: boot information at 0x1ffffc not readable");
	mb_setup();
	expect_error(mb2_parse(&req, &pm, INFO + 4, &err),
		     "multiboot2: boot information at 0x10004 not 8-aligned");
	mb_setup();
	put_le32(mem + MEM_SIZE - 16, 32);
	expect_error(mb2_parse(&req, &pm, MEM_SIZE - 16, &err),
		     "multiboot2: boot information [0x1ffff0, +0x20) not readable");
}

Test(multiboot, mb2_total_size_out_of_bounds)
{
	mb_setup();
	put_le32(mem + INFO, 8);
	expect_error(mb2_parse(&req, &pm, INFO, &err),
		     "multiboot2: total_size 8 outside 16..1048576");
	mb_setup();
	put_le32(mem + INFO, MB2_MAX_INFO + 8);
	expect_error(mb2_parse(&req, &pm, INFO, &err),
		     "multiboot2: total_size 1048584 outside 16..1048576");
}

Test(multiboot, mb2_tag_size_past_total_size)
{
	mb_setup();
	mb2_grub_info();
	/* The kernel's module tag (at 200) claims more than is left of the 272 bytes. */
	cr_assert_eq(le32(mem + INFO), 272);
	cr_assert_eq(le32(mem + INFO + 200), 3);
	put_le32(mem + INFO + 200 + 4, 0x1000);
	expect_error(mb2_parse(&req, &pm, INFO, &err),
		     "multiboot2: tag type 3 at offset 200: size 4096 outside 8..72");
}

Test(multiboot, mb2_tag_size_below_header)
{
	mb_setup();
	mb2_grub_info();
	put_le32(mem + INFO + 8 + 4, 4);
	expect_error(mb2_parse(&req, &pm, INFO, &err),
		     "multiboot2: tag type 1 at offset 8: size 4 outside 8..264");
}

Test(multiboot, mb2_missing_end_tag)
{
	mb_setup();
	mb2_begin();
	mb2_module(KERNEL, KERNEL + KERNEL_SIZE, "");
	mb2_meminfo(639, 1024);
	put_le32(mem + INFO, mb2_off); /* ends right after the last tag */
	expect_error(mb2_parse(&req, &pm, INFO, &err),
		     "multiboot2: no end tag within total_size 48");
}

Test(multiboot, mb2_truncated_tag_header)
{
	mb_setup();
	mb2_begin();
	mb2_tag(21, NULL, 0); /* a tag we do not read, 8 bytes */
	put_le32(mem + INFO, 20);
	expect_error(mb2_parse(&req, &pm, INFO, &err),
		     "multiboot2: tag at offset 16: past total_size 20 without an end tag");
}

Test(multiboot, mb2_no_modules)
{
	mb_setup();
	mb2_begin();
	mb2_string_tag(1, "debug");
	mb2_mmap(24, 3);
	mb2_end();
	expect_error(mb2_parse(&req, &pm, INFO, &err),
		     "multiboot2: no modules: give the PVH kernel as the first module2");
}

Test(multiboot, mb2_no_memory_information)
{
	mb_setup();
	mb2_begin();
	mb2_module(KERNEL, KERNEL + KERNEL_SIZE, "");
	mb2_end();
	expect_error(mb2_parse(&req, &pm, INFO, &err),
		     "multiboot2: neither a memory map nor a basic meminfo tag");
}

Test(multiboot, mb2_mmap_entry_size_bad)
{
	mb_setup();
	mb2_begin();
	mb2_mmap(20, 3);
	mb2_module(KERNEL, KERNEL + KERNEL_SIZE, "");
	mb2_end();
	expect_error(mb2_parse(&req, &pm, INFO, &err),
		     "multiboot2: mmap tag: entry_size 20, need a multiple of 8 >= 24");
	mb_setup();
	mb2_begin();
	mb2_mmap(28, 2);
	mb2_module(KERNEL, KERNEL + KERNEL_SIZE, "");
	mb2_end();
	expect_error(mb2_parse(&req, &pm, INFO, &err),
		     "multiboot2: mmap tag: entry_size 28, need a multiple of 8 >= 24");
	mb_setup();
	mb2_begin();
	mb2_tag(6, "\x18\0\0\0", 4);
	mb2_end();
	expect_error(mb2_parse(&req, &pm, INFO, &err), "multiboot2: mmap tag: size 12, need 16");
}

Test(multiboot, mb2_module_tag_errors)
{
	mb_setup();
	mb2_begin();
	mb2_tag(3, "\0\0\x10\0\0\x10\x10\0", 8);
	mb2_end();
	expect_error(mb2_parse(&req, &pm, INFO, &err), "multiboot2: module tag: size 16, need 17");

	mb_setup();
	mb2_begin();
	mb2_tag(3, "\0\0\x10\0\0\x10\x10\0abc", 11);
	mb2_end();
	expect_error(mb2_parse(&req, &pm, INFO, &err),
		     "multiboot2: module tag: string without NUL");
}

Test(multiboot, mb2_module_range_not_readable)
{
	mb_setup();
	mb2_begin();
	mb2_meminfo(639, 1024);
	mb2_module(KERNEL, KERNEL + KERNEL_SIZE, "");
	mb2_module(MEM_SIZE - 0x1000, MEM_SIZE + 0x1000, "initrd");
	mb2_end();
	expect_error(mb2_parse(&req, &pm, INFO, &err),
		     "multiboot2: module 1: [0x1ff000, 0x201000) is not readable");
}

Test(multiboot, mb2_string_tags_without_nul)
{
	mb_setup();
	mb2_begin();
	mb2_tag(1, "debug", 5);
	mb2_end();
	expect_error(mb2_parse(&req, &pm, INFO, &err),
		     "multiboot2: cmdline tag: no NUL within 5 bytes");
}

Test(multiboot, mb2_short_tags)
{
	mb_setup();
	mb2_begin();
	mb2_tag(4, "\0\0\0\0", 4);
	mb2_end();
	expect_error(mb2_parse(&req, &pm, INFO, &err),
		     "multiboot2: basic meminfo tag: size 12, need 16");

	mb_setup();
	mb2_begin();
	mb2_tag(14, "RSD PTR ", 8);
	mb2_end();
	expect_error(mb2_parse(&req, &pm, INFO, &err),
		     "multiboot2: ACPI tag 14: 8 bytes, an RSDP has 20");
}

Test(multiboot, mb2_too_many_modules)
{
	mb_setup();
	mb2_begin();
	mb2_meminfo(639, 1024);
	for (unsigned i = 0; i < BOOTREQ_MAX_MODULES + 2; i++)
		mb2_module(KERNEL, KERNEL + 16, "");
	mb2_end();
	expect_error(mb2_parse(&req, &pm, INFO, &err), "multiboot2: more than 32 modules");
}
