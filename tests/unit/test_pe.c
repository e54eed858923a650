/*
 * test_pe.c - unit tests of the PE/COFF reader (src/elf/pe.c): the real
 * build/pvhboot.efi against objdump's reading of it (an independent oracle),
 * a unified-kernel-style image made by objcopy --add-section, and hand-made
 * images for every error. Images are built here byte by byte: a DOS header,
 * "PE\0\0", a COFF header, a PE32+ optional header and a section table.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/pe.h"
#include "elf_builder.h"

#define PE_TEST_EFI TEST_DIR "/../../build/pvhboot.efi"
#define HB_LFANEW 0x80u
#define HB_OPT (HB_LFANEW + 24u)
#define HB_OPT_SIZE 240u /* PE32+: 112 bytes + 16 data directories */
#define HB_TABLE (HB_OPT + HB_OPT_SIZE)

static uint8_t hb[0x4000];

static void put16(uint32_t off, uint32_t v)
{
	hb[off] = (uint8_t)v;
	hb[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint32_t off, uint32_t v)
{
	put16(off, v & 0xffff);
	put16(off + 2, v >> 16);
}

/* A PE32+ image of 0x4000 file bytes with the given number of empty section slots. */
static void hb_image(unsigned nsections)
{
	memset(hb, 0, sizeof(hb));
	hb[0] = 'M';
	hb[1] = 'Z';
	put32(0x3c, HB_LFANEW);
	memcpy(hb + HB_LFANEW, "PE\0\0", 4);
	put16(HB_LFANEW + 4, PE_MACHINE_X86_64);
	put16(HB_LFANEW + 6, nsections);
	put16(HB_LFANEW + 20, HB_OPT_SIZE);
	put16(HB_OPT, 0x20b);
	put32(HB_OPT + 24, 0x10000000); /* ImageBase (low half) */
	put32(HB_OPT + 32, 0x1000);     /* SectionAlignment */
	put32(HB_OPT + 36, 0x200);      /* FileAlignment */
	put32(HB_OPT + 56, 0x8000);     /* SizeOfImage */
	put32(HB_OPT + 60, 0x400);      /* SizeOfHeaders */
	put16(HB_OPT + 68, 10);         /* EFI application */
	put32(HB_OPT + 108, 16);        /* NumberOfRvaAndSizes */
}

static void hb_section(unsigned i, const char *name, uint32_t vaddr, uint32_t vsize,
		       uint32_t raw_off, uint32_t raw_size)
{
	uint32_t h = HB_TABLE + 40 * i;

	memcpy(hb + h, name, strlen(name) < 8 ? strlen(name) : 8);
	put32(h + 8, vsize);
	put32(h + 12, vaddr);
	put32(h + 16, raw_size);
	put32(h + 20, raw_off);
	put32(h + 36, 0x40000040);
}

static struct pe_image pe;
static struct err perr;

static int hb_parse(size_t len, enum pe_layout layout)
{
	err_clear(&perr);
	return pe_parse(&pe, hb, len, layout, &perr);
}

static void hb_expect_error(size_t len, enum pe_layout layout, const char *want)
{
	cr_assert_eq(hb_parse(len, layout), -1, "parsed, expected an error with '%s'", want);
	cr_assert(strstr(perr.msg, want) != NULL, "error '%s' lacks '%s'", perr.msg, want);
}

Test(pe, hand_made_two_sections)
{
	hb_image(2);
	hb_section(0, ".text", 0x1000, 0x234, 0x400, 0x400);
	hb_section(1, ".linux", 0x2000, 0x1001, 0x800, 0x1200);
	memset(hb + 0x800, 0xab, 0x1001);
	cr_assert_eq(hb_parse(sizeof(hb), PE_FILE), 0, "%s", perr.msg);
	cr_assert_eq(pe.machine, PE_MACHINE_X86_64);
	cr_assert(pe.pe32plus);
	cr_assert_eq(pe.image_base, 0x10000000);
	cr_assert_eq(pe.subsystem, 10);
	cr_assert_eq(pe.nsections, 2);

	const struct pe_section *s = pe_find(&pe, ".linux");
	cr_assert_not_null(s);
	cr_assert_eq(s, &pe.sections[1]);
	cr_assert_null(pe_find(&pe, ".linu"), "a prefix is not a name");
	cr_assert_null(pe_find(&pe, ".initrd"));
	uint64_t off, size;
	pe_section_span(s, PE_FILE, &off, &size);
	cr_assert_eq(off, 0x800);
	cr_assert_eq(size, 0x1001, "VirtualSize, not the padded SizeOfRawData");
	pe_section_span(s, PE_LOADED, &off, &size);
	cr_assert_eq(off, 0x2000);
	cr_assert_eq(size, 0x1001);
	cr_assert_eq(pe_next_rva(&pe), 0x4000);
}

Test(pe, eight_character_name)
{
	hb_image(1);
	hb_section(0, ".osrelxx", 0x1000, 0x10, 0x400, 0x200);
	cr_assert_eq(hb_parse(sizeof(hb), PE_FILE), 0, "%s", perr.msg);
	cr_assert_str_eq(pe.sections[0].name, ".osrelxx");
	cr_assert_not_null(pe_find(&pe, ".osrelxx"));
	cr_assert_null(pe_find(&pe, ".osrelxxy"));
}

Test(pe, header_errors)
{
	hb_image(0);
	hb_expect_error(40, PE_FILE, "too short for a DOS header");
	hb[0] = 'Z';
	hb_expect_error(sizeof(hb), PE_FILE, "DOS magic 0x5a5a, not \"MZ\"");
	hb_image(0);
	put32(0x3c, 0xfffffff0);
	hb_expect_error(sizeof(hb), PE_FILE, "e_lfanew 0xfffffff0 + 24 beyond");
	hb_image(0);
	hb[HB_LFANEW + 1] = 'X';
	hb_expect_error(sizeof(hb), PE_FILE, "signature at e_lfanew 0x80");
	hb_image(97);
	hb_expect_error(sizeof(hb), PE_FILE, "NumberOfSections 97, at most 96");
	hb_image(0);
	put16(HB_OPT, 0x30b);
	hb_expect_error(sizeof(hb), PE_FILE, "optional header magic 0x30b");
	hb_image(0);
	put16(HB_LFANEW + 20, 100);
	hb_expect_error(sizeof(hb), PE_FILE, "SizeOfOptionalHeader 100 below 112");
	hb_image(0);
	put16(HB_LFANEW + 20, 0xffff);
	hb_expect_error(sizeof(hb), PE_FILE, "SizeOfOptionalHeader 65535 at 0x98 beyond");
	hb_image(0);
	put32(HB_OPT + 32, 0x1800);
	hb_expect_error(sizeof(hb), PE_FILE, "SectionAlignment 0x1800 is not a power of two");
	hb_image(0);
	put32(HB_OPT + 112 + 8 * 4, 0x3f00); /* security directory */
	put32(HB_OPT + 112 + 8 * 4 + 4, 0x200);
	hb_expect_error(sizeof(hb), PE_FILE, "security directory [0x3f00, +0x200) beyond");
}

Test(pe, section_table_bounds)
{
	hb_image(96);
	/* 96 slots of 40 bytes from 0x188 end at 0x1088: past a 0x1000-byte file. */
	hb_expect_error(0x1000, PE_FILE, "section table [0x188, 0x1088) beyond the image size 0x1000");
	hb_image(2);
	hb_expect_error(sizeof(hb), PE_LOADED, "SizeOfImage 0x8000 beyond the loaded image's 0x4000");
	put32(HB_OPT + 56, 0x4000);
	put32(HB_OPT + 60, 0x190);
	hb_expect_error(sizeof(hb), PE_LOADED, "section table ends at 0x1d8, beyond SizeOfHeaders 0x190");
}

Test(pe, section_errors)
{
	hb_image(1);
	hb_section(0, ".linux", 0x1000, 0x100, 0x3f00, 0x200);
	hb_expect_error(sizeof(hb), PE_FILE,
			"section 0 '.linux': PointerToRawData 0x3f00 + SizeOfRawData 0x200 beyond file size 0x4000");
	/* Loaded, file offsets do not matter. */
	put32(HB_OPT + 56, 0x4000);
	cr_assert_eq(hb_parse(sizeof(hb), PE_LOADED), 0, "%s", perr.msg);

	hb_image(1);
	hb_section(0, ".linux", 0x7000, 0x1001, 0x400, 0x200);
	hb_expect_error(sizeof(hb), PE_FILE,
			"VirtualAddress 0x7000 + size 0x1001 beyond SizeOfImage 0x8000");
	hb_image(1);
	hb_section(0, ".linux", 0xfffff000, 0x2000, 0x400, 0x200);
	hb_expect_error(sizeof(hb), PE_FILE, "VirtualAddress 0xfffff000 + size 0x2000 beyond");
	hb_image(1);
	hb_section(0, ".linux", 0x1000, 0, 0xffffff00, 0x200);
	hb_expect_error(sizeof(hb), PE_FILE, "PointerToRawData 0xffffff00 + SizeOfRawData 0x200");
}

Test(pe, overlapping_sections)
{
	hb_image(2);
	hb_section(0, ".text", 0x1000, 0x1800, 0x400, 0x200);
	hb_section(1, ".linux", 0x2000, 0x100, 0x600, 0x200);
	hb_expect_error(sizeof(hb), PE_FILE,
			"section 1 '.linux' [RVA 0x2000, 0x2100) overlaps section 0 '.text' [RVA 0x1000, 0x2800)");
	hb_image(2);
	hb_section(0, ".text", 0x1000, 0x100, 0x400, 0x400);
	hb_section(1, ".linux", 0x2000, 0x100, 0x600, 0x200);
	hb_expect_error(sizeof(hb), PE_FILE,
			"section 1 '.linux' file bytes [0x600, 0x800) overlap section 0 '.text' [0x400, 0x800)");
	/* Loaded images have no file offsets to collide. */
	put32(HB_OPT + 56, 0x4000);
	cr_assert_eq(hb_parse(sizeof(hb), PE_LOADED), 0, "%s", perr.msg);
	/* Empty sections overlap nothing. */
	hb_image(2);
	hb_section(0, ".text", 0x1000, 0x100, 0x400, 0x200);
	hb_section(1, ".empty", 0x1000, 0, 0x400, 0);
	cr_assert_eq(hb_parse(sizeof(hb), PE_FILE), 0, "%s", perr.msg);
}

/* --- real files ------------------------------------------------------------ */

/* Compares every section with objdump -h's line for it: name, size, VMA, file offset. */
static void expect_like_objdump(const char *path, const struct pe_image *img)
{
	char cmd[512], line[256];
	unsigned seen = 0;

	snprintf(cmd, sizeof(cmd), "objdump -h '%s'", path);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	while (fgets(line, sizeof(line), p)) {
		unsigned idx;
		char name[64];
		unsigned long long size, vma, lma, off;
		if (sscanf(line, " %u %63s %llx %llx %llx %llx", &idx, name, &size, &vma, &lma,
			   &off) != 6)
			continue;
		cr_assert(idx < img->nsections, "objdump section %u of %u", idx, img->nsections);
		const struct pe_section *s = &img->sections[idx];
		cr_assert_str_eq(s->name, name, "section %u", idx);
		cr_assert_eq(s->vsize ? s->vsize : s->raw_size, size, "%s: size", name);
		cr_assert_eq(img->image_base + s->vaddr, vma, "%s: VMA", name);
		cr_assert_eq(s->raw_off, off, "%s: file offset", name);
		seen++;
	}
	cr_assert_eq(pclose(p), 0, "objdump -h failed");
	cr_assert_eq(seen, img->nsections, "objdump listed %u sections, the reader %u", seen,
		     img->nsections);
}

Test(pe, pvhboot_efi_like_objdump)
{
	size_t len;
	uint8_t *buf = eb_read_file(PE_TEST_EFI, &len);
	struct err err;

	if (!buf)
		cr_skip_test("%s not built (make all)", PE_TEST_EFI);
	err_clear(&err);
	cr_assert_eq(pe_parse(&pe, buf, len, PE_FILE, &err), 0, "%s", err.msg);
	cr_assert_eq(pe.machine, PE_MACHINE_X86_64);
	cr_assert_eq(pe.subsystem, 10, "an EFI application");
	cr_assert_not_null(pe_find(&pe, ".text"));
	expect_like_objdump(PE_TEST_EFI, &pe);
	free(buf);
}

/* objcopy --add-section, as a unified kernel image is made: the data reads back. */
Test(pe, added_section_reads_back)
{
	char dir[] = "/tmp/pvh-pe-test.XXXXXX", cmd[1024], data[128], out[128];
	size_t len, dlen;
	struct err err;
	uint8_t *buf = eb_read_file(PE_TEST_EFI, &len);

	if (!buf)
		cr_skip_test("%s not built (make all)", PE_TEST_EFI);
	err_clear(&err);
	cr_assert_eq(pe_parse(&pe, buf, len, PE_FILE, &err), 0, "%s", err.msg);
	uint64_t vma = pe.image_base + pe_next_rva(&pe);
	free(buf);

	cr_assert_not_null(mkdtemp(dir));
	snprintf(data, sizeof(data), "%s/cmdline", dir);
	snprintf(out, sizeof(out), "%s/uki.efi", dir);
	FILE *f = fopen(data, "w");
	cr_assert_not_null(f);
	fputs("console=ttyS0 root=/dev/vda2 ro", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "objcopy --add-section .cmdline='%s' --change-section-vma .cmdline=0x%llx "
		 "--set-section-flags .cmdline=data,readonly '%s' '%s'",
		 data, (unsigned long long)vma, PE_TEST_EFI, out);
	cr_assert_eq(system(cmd), 0, "%s", cmd);

	buf = eb_read_file(out, &len);
	cr_assert_not_null(buf);
	cr_assert_eq(pe_parse(&pe, buf, len, PE_FILE, &err), 0, "%s", err.msg);
	const struct pe_section *s = pe_find(&pe, ".cmdline");
	cr_assert_not_null(s, "no .cmdline section");
	cr_assert_eq(pe.image_base + s->vaddr, vma);
	uint64_t off, size;
	pe_section_span(s, PE_FILE, &off, &size);
	dlen = strlen("console=ttyS0 root=/dev/vda2 ro");
	cr_assert_eq(size, dlen, "size 0x%llx", (unsigned long long)size);
	cr_assert(memcmp(buf + off, "console=ttyS0 root=/dev/vda2 ro", dlen) == 0);
	expect_like_objdump(out, &pe);
	free(buf);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

/* A type 2 entry is listed from its first bytes: sections checked against the file's size. */
Test(pe, headers_from_a_prefix)
{
	hb_image(2);
	hb_section(0, ".osrel", 0x1000, 0x20, 0x400, 0x200);
	hb_section(1, ".linux", 0x2000, 0x5000, 0x600, 0x5000);
	/* Only 0x400 bytes read of a 0x5600-byte file: enough for the headers. */
	err_clear(&perr);
	cr_assert_eq(pe_parse_headers(&pe, hb, 0x400, 0x5600, &perr), 0, "%s", perr.msg);
	cr_assert_eq(pe.nsections, 2);
	cr_assert_not_null(pe_find(&pe, ".linux"));
	/* The same file cut short: .linux now ends past it. */
	err_clear(&perr);
	cr_assert_eq(pe_parse_headers(&pe, hb, 0x400, 0x5000, &perr), -1);
	cr_assert(strstr(perr.msg, "section 1 '.linux': PointerToRawData 0x600 + SizeOfRawData "
				   "0x5000 beyond file size 0x5000") != NULL, "%s", perr.msg);
	/* Fewer bytes read than the section table needs. */
	err_clear(&perr);
	cr_assert_eq(pe_parse_headers(&pe, hb, 0x100, 0x5600, &perr), -1);
	cr_assert(strstr(perr.msg, "beyond the image size 0x100") != NULL, "%s", perr.msg);
	err_clear(&perr);
	cr_assert_eq(pe_parse_headers(&pe, hb, 0x400, 0x300, &perr), -1);
	cr_assert_str_eq(perr.msg, "pe: 1024 header bytes read from a file of 768");
}
