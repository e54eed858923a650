/*
 * test_elf.c - unit tests of src/elf (elf_parse, elf_xen_note_name): hand-made
 * ELF32/ELF64 edge cases from elf_builder.c, each asserting the status and
 * the message, and Debian 12's real vmlinux (PVH_TEST_VMLINUX) compared with
 * an independent <elf.h> walk and with `readelf -n`.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/elf.h"
#include "elf_builder.h"

#define TEXT_PADDR 0x100000u
#define DATA_PADDR 0x200000u
#define ENTRY 0x100010u

static struct eb b;
static struct elf_image img;
static struct err e;

static enum elf_status parse(void)
{
	err_clear(&e);
	return elf_parse(&img, b.buf, b.size, &e);
}

static void expect_bad(const char *msg)
{
	cr_assert_eq(parse(), ELF_BAD, "status for \"%s\"", msg);
	cr_assert(e.set);
	cr_assert_str_eq(e.msg, msg);
}

static void expect_bad_has(const char *part)
{
	cr_assert_eq(parse(), ELF_BAD, "status for \"%s\"", part);
	cr_assert(e.set);
	cr_assert(strstr(e.msg, part), "message \"%s\" lacks \"%s\"", e.msg, part);
	cr_assert(strncmp(e.msg, "elf: ", 5) == 0, "message \"%s\" lacks the prefix", e.msg);
}

static size_t note_u64(uint8_t *out, uint32_t type, uint64_t v, uint32_t descsz)
{
	uint8_t d[8];

	eb_put64(d, v);
	return eb_note(out, "Xen", 4, type, d, descsz);
}

/*
 * The standard image: phdr 0 text R-X at 0x100000 (filesz 0x40, memsz
 * 0x1000), phdr 1 data RW- at 0x200000 (filesz 0x20, memsz 0x3000), phdr 2
 * PT_NOTE holding `notes` (at EB_DATA). Data is last in the file, so every
 * truncation cuts a checked range.
 */
static void std_image_notes(unsigned cls, const uint8_t *notes, size_t len, uint64_t note_align)
{
	uint8_t text[0x40], data[0x20];
	uint64_t noff, toff, doff;

	memset(text, 0x90, sizeof(text));
	memset(data, 0xd0, sizeof(data));
	eb_init(&b, cls);
	noff = eb_append(&b, notes, len, 8);
	toff = eb_append(&b, text, sizeof(text), 16);
	doff = eb_append(&b, data, sizeof(data), 16);
	eb_phdr(&b, PT_LOAD, EB_PF_R | EB_PF_X, toff, TEXT_PADDR, sizeof(text), 0x1000, 0x1000);
	eb_phdr(&b, PT_LOAD, EB_PF_R | EB_PF_W, doff, DATA_PADDR, sizeof(data), 0x3000, 0x1000);
	eb_phdr(&b, PT_NOTE, EB_PF_R, noff, 0, len, len, note_align);
	eb_set_ehdr(&b, EB_E_ENTRY, TEXT_PADDR);
}

/* GUEST_OS "pvhtest" then PHYS32_ENTRY with an entry_sz-byte descriptor. */
static void std_image(unsigned cls, uint32_t entry_sz, uint64_t entry)
{
	uint8_t notes[256];
	size_t n = eb_note(notes, "Xen", 4, 6, "pvhtest", 8);

	n += note_u64(notes + n, 18, entry, entry_sz);
	std_image_notes(cls, notes, n, 4);
}

/* --- good images ---------------------------------------------------------- */

Test(elf_good, elf64_entry8)
{
	std_image(64, 8, ENTRY);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert(!e.set);
	cr_assert_eq(img.elf_class, 64);
	cr_assert_eq(img.machine, 62);
	cr_assert_eq(img.type, 2);
	cr_assert_eq(img.entry, TEXT_PADDR);
	cr_assert(img.has_pvh_entry);
	cr_assert_eq(img.pvh_entry, ENTRY);
	cr_assert_eq(img.pvh_entry_size, 8);
	cr_assert(!img.reloc.present);
	cr_assert(!img.notes_from_sections);
	cr_assert_eq(img.nsegments, 2);
	cr_assert_eq(img.segments[0].index, 0);
	cr_assert_eq(img.segments[0].paddr, TEXT_PADDR);
	cr_assert_eq(img.segments[0].filesz, 0x40);
	cr_assert_eq(img.segments[0].memsz, 0x1000);
	cr_assert_eq(img.segments[0].flags, EB_PF_R | EB_PF_X);
	cr_assert_eq(img.segments[1].paddr, DATA_PADDR);
	cr_assert_eq(img.segments[1].memsz, 0x3000);
	cr_assert_eq(img.segments[1].align, 0x1000);
	cr_assert_eq(b.buf[img.segments[1].offset], 0xd0);
	cr_assert_eq(img.span_start, TEXT_PADDR);
	cr_assert_eq(img.span_end, DATA_PADDR + 0x3000);
	cr_assert_eq(img.nnotes, 2);
	cr_assert_eq(img.notes[0].type, 6);
	cr_assert_eq(img.notes[0].descsz, 8);
	cr_assert_str_eq((const char *)b.buf + img.notes[0].desc_offset, "pvhtest");
	cr_assert_eq(img.notes[1].type, 18);
	cr_assert_eq(img.notes[1].value, ENTRY);
	cr_assert_eq(img.notes[1].desc_offset, EB_DATA + 24 + 16);
}

Test(elf_good, elf32_entry4)
{
	std_image(32, 4, ENTRY);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert_eq(img.elf_class, 32);
	cr_assert_eq(img.machine, 3);
	cr_assert_eq(img.pvh_entry, ENTRY);
	cr_assert_eq(img.pvh_entry_size, 4);
	cr_assert_eq(img.nsegments, 2);
	cr_assert_eq(img.span_end, DATA_PADDR + 0x3000);
}

Test(elf_good, elf64_entry4_and_elf32_entry8)
{
	std_image(64, 4, ENTRY);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert_eq(img.pvh_entry_size, 4);
	std_image(32, 8, ENTRY);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert_eq(img.pvh_entry_size, 8);
}

Test(elf_good, et_dyn_accepted)
{
	std_image(64, 8, ENTRY);
	eb_set_ehdr(&b, EB_E_TYPE, 3);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert_eq(img.type, 3);
}

/* Linux's .data..percpu segment has p_vaddr 0: placement must use p_paddr. */
Test(elf_good, paddr_not_vaddr)
{
	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 1, EB_P_VADDR, 0);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert_eq(img.segments[1].paddr, DATA_PADDR);
	cr_assert_eq(img.segments[1].vaddr, 0);
}

Test(elf_good, zero_memsz_load_skipped)
{
	std_image(64, 8, ENTRY);
	eb_phdr(&b, PT_LOAD, EB_PF_R, 0, TEXT_PADDR, 0, 0, 0); /* would overlap if kept */
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert_eq(img.nsegments, 2);
}

/* Entry in the BSS part (beyond p_filesz, inside p_memsz) is still inside. */
Test(elf_good, entry_at_last_byte)
{
	std_image(64, 8, TEXT_PADDR + 0xfff);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
}

Test(elf_good, segment_ending_at_4gib)
{
	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 1, EB_P_PADDR, 0xfffff000u);
	eb_set_phdr(&b, 1, EB_P_MEMSZ, 0x1000);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert_eq(img.span_end, 0x100000000ull);
}

Test(elf_good, adjacent_segments)
{
	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 1, EB_P_PADDR, TEXT_PADDR + 0x1000);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
}

/* --- notes ------------------------------------------------------------------- */

/*
 * p_align 8 (as with .note.gnu.property): padding stays 4. Owner "Linux"
 * (namesz 6) with a 4-byte descriptor ends at 24, not 28, and the entry
 * note starts at 44, which is not 8-aligned.
 */
Test(elf_notes, pt_note_align8_pads_by_4)
{
	uint8_t notes[256], d[4] = { 1, 2, 3, 4 };
	size_t n = eb_note(notes, "Linux", 6, 1, d, 4);

	cr_assert_eq(n, 24);
	n += eb_note(notes + n, "Xen", 4, 6, "abc", 4);
	cr_assert_eq(n, 44);
	n += note_u64(notes + n, 18, ENTRY, 4);
	std_image_notes(64, notes, n, 8);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert_eq(img.nnotes, 2);
	cr_assert_eq(img.notes[0].type, 6);
	cr_assert_eq(img.notes[1].desc_offset, EB_DATA + 44 + 16);
	cr_assert_eq(img.pvh_entry, ENTRY);
}

Test(elf_notes, section_notes_only)
{
	uint8_t notes[64];
	size_t n = note_u64(notes, 18, ENTRY, 8);
	uint64_t off;

	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 2, EB_P_TYPE, 6); /* PT_PHDR: no PT_NOTE left */
	off = eb_append(&b, notes, n, 4);
	eb_section(&b, SHT_PROGBITS, EB_DATA, 4);
	eb_section(&b, SHT_NOTE, off, n);
	eb_finish(&b);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert(img.notes_from_sections);
	cr_assert_eq(img.nnotes, 1);
	cr_assert_eq(img.notes[0].desc_offset, off + 16);
}

Test(elf_notes, section_notes_elf32)
{
	uint8_t notes[64];
	size_t n = note_u64(notes, 18, ENTRY, 4);
	uint64_t off;

	std_image(32, 4, ENTRY);
	eb_set_phdr(&b, 2, EB_P_TYPE, 6);
	off = eb_append(&b, notes, n, 4);
	eb_section(&b, SHT_NOTE, off, n);
	eb_finish(&b);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert(img.notes_from_sections);
}

/* With a PT_NOTE present, sections are neither read nor checked (Xen's order). */
Test(elf_notes, sections_ignored_when_pt_note)
{
	uint8_t notes[64], other[64];
	size_t n = note_u64(notes, 18, ENTRY, 8);
	size_t m = eb_note(other, "Xen", 4, 6, "os", 3);
	uint64_t off;

	std_image_notes(64, other, m, 4);
	off = eb_append(&b, notes, n, 4);
	eb_section(&b, SHT_NOTE, off, n);
	eb_finish(&b);
	cr_assert_eq(parse(), ELF_NO_PVH, "%s", e.msg);
	cr_assert_str_eq(e.msg, "elf: no XEN_ELFNOTE_PHYS32_ENTRY note");
	cr_assert(!img.notes_from_sections);
	eb_set_ehdr(&b, EB_E_SHENTSIZE, 12);
	cr_assert_eq(parse(), ELF_NO_PVH, "%s", e.msg);
}

Test(elf_notes, section_errors)
{
	uint8_t notes[64];
	size_t n = note_u64(notes, 18, ENTRY, 8);
	uint64_t off;

	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 2, EB_P_TYPE, 6);
	off = eb_append(&b, notes, n, 4);
	eb_section(&b, SHT_NOTE, off, 0x10000);
	eb_finish(&b);
	expect_bad_has("section 1: sh_offset+sh_size");
	eb_set_ehdr(&b, EB_E_SHENTSIZE, 40);
	expect_bad("elf: e_shentsize 40, expected 64 for ELF64");
	eb_set_ehdr(&b, EB_E_SHENTSIZE, 64);
	eb_set_ehdr(&b, EB_E_SHOFF, b.size - 64);
	expect_bad_has("e_shoff+e_shnum*e_shentsize");
	eb_set_ehdr(&b, EB_E_SHOFF, UINT64_MAX - 8);
	expect_bad_has("overflows");
}

Test(elf_notes, second_pt_note_segment)
{
	uint8_t notes[64];
	size_t n = note_u64(notes, 18, ENTRY, 8);
	uint64_t off;

	std_image(64, 8, ENTRY);
	/* First PT_NOTE keeps only GUEST_OS; the entry is in a second one. */
	eb_set_phdr(&b, 2, EB_P_FILESZ, 24);
	off = eb_append(&b, notes, n, 4);
	eb_phdr(&b, PT_NOTE, EB_PF_R, off, 0, n, n, 4);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert_eq(img.notes[1].desc_offset, off + 16);
}

Test(elf_notes, descsz_2)
{
	std_image(64, 2, ENTRY);
	expect_bad("elf: note PHYS32_ENTRY: descsz 2, expected 4 or 8");
}

Test(elf_notes, descsz_0_and_16)
{
	std_image(64, 0, ENTRY);
	expect_bad("elf: note PHYS32_ENTRY: descsz 0, expected 4 or 8");
	{
		uint8_t notes[64], d[16] = { 0x10, 0, 0x10, 0 };

		std_image_notes(64, notes, eb_note(notes, "Xen", 4, 18, d, 16), 4);
		expect_bad("elf: note PHYS32_ENTRY: descsz 16, expected 4 or 8");
	}
}

Test(elf_notes, entry8_above_4gib)
{
	std_image(64, 8, 0x100000010ull);
	expect_bad("elf: note PHYS32_ENTRY: value 0x100000010 above 4 GiB");
}

Test(elf_notes, conflicting_entries)
{
	uint8_t notes[64];
	size_t n = note_u64(notes, 18, ENTRY, 4);

	n += note_u64(notes + n, 18, ENTRY, 8); /* same value twice: fine */
	std_image_notes(64, notes, n, 4);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	n += note_u64(notes + n, 18, ENTRY + 4, 4);
	std_image_notes(64, notes, n, 4);
	expect_bad("elf: note PHYS32_ENTRY: second value 0x100014 differs from 0x100010");
}

Test(elf_notes, wrong_owner)
{
	static const struct {
		const char *name;
		uint32_t namesz;
	} owners[] = { { "Xem", 4 }, { "XEN", 4 }, { "Xen", 3 }, { "Xen\0\0\0\0", 8 }, { "Xenx", 5 } };

	for (size_t i = 0; i < sizeof(owners) / sizeof(owners[0]); i++) {
		uint8_t notes[64], d[4];

		eb_put32(d, ENTRY);
		std_image_notes(64, notes,
				eb_note(notes, owners[i].name, owners[i].namesz, 18, d, 4), 4);
		cr_assert_eq(parse(), ELF_NO_PVH, "owner %zu: %s", i, e.msg);
		cr_assert_eq(img.nnotes, 0);
		cr_assert_str_eq(e.msg, "elf: no XEN_ELFNOTE_PHYS32_ENTRY note");
	}
}

Test(elf_notes, zero_sizes_skipped)
{
	uint8_t notes[512];
	size_t n = 0;

	for (int i = 0; i < 8; i++)
		n += eb_note(notes + n, "", 0, 0, NULL, 0);
	cr_assert_eq(n, 96);
	n += note_u64(notes + n, 18, ENTRY, 4);
	std_image_notes(64, notes, n, 4);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert_eq(img.nnotes, 1);
}

Test(elf_notes, trailing_bytes_ignored)
{
	uint8_t notes[64];
	size_t n = note_u64(notes, 18, ENTRY, 4);

	memset(notes + n, 0xee, 8);
	std_image_notes(64, notes, n + 8, 4); /* fewer than 12: padding */
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
}

/* Last descriptor padding may be missing from p_filesz (descsz 6 -> 8). */
Test(elf_notes, last_padding_cut)
{
	uint8_t notes[64];
	size_t n = note_u64(notes, 18, ENTRY, 4);

	n += eb_note(notes + n, "Xen", 4, 6, "linux", 6);
	std_image_notes(64, notes, n - 2, 4);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert_eq(img.nnotes, 2);
}

Test(elf_notes, huge_sizes)
{
	uint8_t notes[64];

	memset(notes, 0, sizeof(notes));
	eb_put32(notes, 0xffffffffu); /* namesz */
	eb_put32(notes + 4, 4);
	eb_put32(notes + 8, 18);
	std_image_notes(64, notes, 32, 4);
	expect_bad("elf: phdr 2: note 0 (namesz 0xffffffff, descsz 0x4) at 0x0 runs past the end 0x20");

	eb_put32(notes, 4);
	eb_put32(notes + 4, 0xfffffffdu); /* rounds up to 2^32 */
	memcpy(notes + 12, "Xen", 4);
	std_image_notes(64, notes, 32, 4);
	expect_bad("elf: phdr 2: note 0 (namesz 0x4, descsz 0xfffffffd) at 0x0 runs past the end 0x20");

	/* Descriptor one byte past the segment, second note. */
	{
		size_t n = note_u64(notes, 6, 0, 4);

		n += note_u64(notes + n, 18, ENTRY, 8);
		std_image_notes(64, notes, n - 1, 4);
		expect_bad("elf: phdr 2: note 1 (namesz 0x4, descsz 0x8) at 0x14 runs past the end 0x2b");
	}
}

Test(elf_notes, too_many_notes)
{
	static uint8_t notes[12 * 1100];
	size_t n = 0;

	for (int i = 0; i < 1100; i++)
		n += eb_note(notes + n, "", 0, 0, NULL, 0);
	eb_init(&b, 64);
	std_image_notes(64, notes, n, 4);
	expect_bad("elf: phdr 2: note 1024: more than 1024 notes in the file");
}

Test(elf_notes, too_many_xen_notes)
{
	uint8_t notes[24 * 70];
	size_t n = 0;

	for (int i = 0; i < 70; i++)
		n += note_u64(notes + n, 6, 0, 4);
	std_image_notes(64, notes, n, 4);
	expect_bad("elf: phdr 2: note 64: more than 64 Xen notes");
}

Test(elf_notes, reloc_12_and_24)
{
	uint8_t notes[128], d[24];
	size_t n;

	eb_put32(d, 0x200000);
	eb_put32(d + 4, 0x1000000);
	eb_put32(d + 8, 0x3fffffff);
	n = eb_note(notes, "Xen", 4, 19, d, 12);
	n += note_u64(notes + n, 18, ENTRY, 4);
	std_image_notes(64, notes, n, 4);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert(img.reloc.present);
	cr_assert_eq(img.reloc.align, 0x200000);
	cr_assert_eq(img.reloc.min, 0x1000000);
	cr_assert_eq(img.reloc.max, 0x3fffffff);
	cr_assert_eq(img.notes[0].type, 19);
	cr_assert_eq(img.notes[0].descsz, 12);

	eb_put64(d, 0x1000);
	eb_put64(d + 8, 0x100000);
	eb_put64(d + 16, 0xffffffffull);
	n = eb_note(notes, "Xen", 4, 19, d, 24);
	n += note_u64(notes + n, 18, ENTRY, 4);
	std_image_notes(32, notes, n, 4);
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	cr_assert_eq(img.reloc.align, 0x1000);
	cr_assert_eq(img.reloc.min, 0x100000);
	cr_assert_eq(img.reloc.max, 0xffffffffull);

	n = eb_note(notes, "Xen", 4, 19, d, 8);
	std_image_notes(64, notes, n, 4);
	expect_bad("elf: note PHYS32_RELOC: descsz 8, expected 12 or 24");
}

/* A reloc note alone does not make an image PVH. */
Test(elf_notes, reloc_without_entry)
{
	uint8_t notes[64], d[12] = { 0 };

	std_image_notes(64, notes, eb_note(notes, "Xen", 4, 19, d, 12), 4);
	cr_assert_eq(parse(), ELF_NO_PVH, "%s", e.msg);
	cr_assert(img.reloc.present);
}

Test(elf_notes, names)
{
	cr_assert_str_eq(elf_xen_note_name(18), "PHYS32_ENTRY");
	cr_assert_str_eq(elf_xen_note_name(19), "PHYS32_RELOC");
	cr_assert_str_eq(elf_xen_note_name(6), "GUEST_OS");
	cr_assert_str_eq(elf_xen_note_name(0), "INFO");
	cr_assert_str_eq(elf_xen_note_name(17), "SUPPORTED_FEATURES");
	cr_assert_null(elf_xen_note_name(20));
	cr_assert_null(elf_xen_note_name(0xffffffffu));
}

/* --- entry and segments ------------------------------------------------------ */

Test(elf_entry, in_data_segment)
{
	std_image(64, 8, DATA_PADDR + 4);
	expect_bad("elf: PHYS32_ENTRY 0x200004 outside every executable load segment");
}

Test(elf_entry, just_past_text)
{
	std_image(32, 4, TEXT_PADDR + 0x1000);
	expect_bad("elf: PHYS32_ENTRY 0x101000 outside every executable load segment");
	std_image(32, 4, TEXT_PADDR - 1);
	expect_bad("elf: PHYS32_ENTRY 0xfffff outside every executable load segment");
}

Test(elf_entry, text_not_executable)
{
	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 0, EB_P_FLAGS, EB_PF_R);
	expect_bad_has("outside every executable load segment");
}

Test(elf_segments, overlap)
{
	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 1, EB_P_PADDR, TEXT_PADDR + 0xfff);
	expect_bad("elf: phdr 1: p_paddr range 0x100fff-0x103fff overlaps phdr 0 0x100000-0x101000");
	eb_set_phdr(&b, 1, EB_P_PADDR, TEXT_PADDR - 0x3000 + 1);
	expect_bad_has("overlaps phdr 0");
}

Test(elf_segments, filesz_above_memsz)
{
	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 1, EB_P_MEMSZ, 0x1f);
	expect_bad("elf: phdr 1: p_filesz 0x20 > p_memsz 0x1f");
	eb_set_phdr(&b, 1, EB_P_MEMSZ, 0);
	expect_bad("elf: phdr 1: p_filesz 0x20 > p_memsz 0x0");
}

Test(elf_segments, above_4gib)
{
	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 1, EB_P_PADDR, 0xfffff000u);
	eb_set_phdr(&b, 1, EB_P_MEMSZ, 0x1001);
	expect_bad("elf: phdr 1: p_paddr+p_memsz 0x100000001 above 4 GiB");
	eb_set_phdr(&b, 1, EB_P_PADDR, 0x100000000ull);
	eb_set_phdr(&b, 1, EB_P_MEMSZ, 0x1000);
	expect_bad("elf: phdr 1: p_paddr+p_memsz 0x100001000 above 4 GiB");
	/* ELF32 cannot wrap 64 bits but can still end above 4 GiB. */
	std_image(32, 4, ENTRY);
	eb_set_phdr(&b, 1, EB_P_PADDR, 0xffffff00u);
	expect_bad("elf: phdr 1: p_paddr+p_memsz 0x100002f00 above 4 GiB");
}

Test(elf_segments, wraps)
{
	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 1, EB_P_PADDR, 0xffffffffffff0000ull);
	eb_set_phdr(&b, 1, EB_P_MEMSZ, 0x20000);
	expect_bad("elf: phdr 1: p_paddr 0xffffffffffff0000 + p_memsz 0x20000 wraps");
}

Test(elf_segments, offset_filesz_overflow)
{
	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 0, EB_P_OFFSET, 0xffffffffffffff00ull);
	eb_set_phdr(&b, 0, EB_P_FILESZ, 0x200);
	eb_set_phdr(&b, 0, EB_P_MEMSZ, 0x1000);
	expect_bad("elf: phdr 0: p_offset 0xffffffffffffff00 + p_filesz 0x200 overflows");
	eb_set_phdr(&b, 0, EB_P_OFFSET, 1);
	eb_set_phdr(&b, 0, EB_P_FILESZ, 0xffffffffffffffffull);
	expect_bad("elf: phdr 0: p_offset 0x1 + p_filesz 0xffffffffffffffff overflows");
}

Test(elf_segments, beyond_file)
{
	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 0, EB_P_OFFSET, b.size - 0x3f);
	expect_bad_has("elf: phdr 0: p_offset+p_filesz 0x");
	cr_assert(strstr(e.msg, "beyond file size"), "%s", e.msg);
	/* A PT_NOTE is checked the same way. */
	std_image(32, 4, ENTRY);
	eb_set_phdr(&b, 2, EB_P_FILESZ, 0x100000);
	expect_bad_has("elf: phdr 2: p_offset+p_filesz 0x");
}

Test(elf_segments, too_many)
{
	std_image(64, 8, ENTRY);
	for (unsigned i = 0; i < ELF_MAX_SEGMENTS; i++)
		eb_phdr(&b, PT_LOAD, EB_PF_R, 0, 0x400000 + i * 0x1000, 0, 0x1000, 0);
	expect_bad("elf: phdr 33: more than 32 load segments");
}

Test(elf_segments, none)
{
	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 0, EB_P_TYPE, 0x6474e551); /* PT_GNU_STACK */
	eb_set_phdr(&b, 1, EB_P_TYPE, 0x6474e551);
	expect_bad("elf: no PT_LOAD segment with p_memsz > 0 (e_phnum 3)");
}

/* --- headers -------------------------------------------------------------------- */

Test(elf_header, ident)
{
	std_image(64, 8, ENTRY);
	b.buf[0] = 0x7e;
	expect_bad("elf: bad magic 7e 45 4c 46, expected 7f 45 4c 46");
	std_image(64, 8, ENTRY);
	b.buf[4] = 3;
	expect_bad("elf: EI_CLASS 3, expected 1 (ELF32) or 2 (ELF64)");
	std_image(64, 8, ENTRY);
	b.buf[5] = 2;
	expect_bad("elf: EI_DATA 2, expected 1 (little-endian)");
	std_image(64, 8, ENTRY);
	b.buf[6] = 0;
	expect_bad("elf: EI_VERSION 0, expected 1");
}

Test(elf_header, type_and_machine)
{
	std_image(64, 8, ENTRY);
	eb_set_ehdr(&b, EB_E_TYPE, 1);
	expect_bad("elf: e_type 1, expected ET_EXEC (2) or ET_DYN (3)");
	std_image(64, 8, ENTRY);
	eb_set_ehdr(&b, EB_E_MACHINE, 40);
	expect_bad("elf: e_machine 40, expected EM_386 (3) or EM_X86_64 (62)");
	std_image(32, 8, ENTRY);
	eb_set_ehdr(&b, EB_E_MACHINE, 62); /* x86-64 code in ELF32 is allowed */
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
}

Test(elf_header, phentsize_phnum)
{
	std_image(64, 8, ENTRY);
	eb_set_ehdr(&b, EB_E_PHENTSIZE, 32);
	expect_bad("elf: e_phentsize 32, expected 56 for ELF64");
	std_image(32, 4, ENTRY);
	eb_set_ehdr(&b, EB_E_PHENTSIZE, 56);
	expect_bad("elf: e_phentsize 56, expected 32 for ELF32");
	std_image(64, 8, ENTRY);
	eb_set_ehdr(&b, EB_E_PHNUM, 0xffff);
	expect_bad("elf: e_phnum 0xffff (PN_XNUM, extended numbering) not supported");
	eb_set_ehdr(&b, EB_E_PHNUM, 0xfffe);
	expect_bad_has("e_phoff+e_phnum*e_phentsize");
}

Test(elf_header, phdr_table_past_end)
{
	std_image(64, 8, ENTRY);
	eb_set_ehdr(&b, EB_E_PHOFF, b.size - 56 * 3 + 1);
	expect_bad_has("elf: e_phoff+e_phnum*e_phentsize 0x");
	eb_set_ehdr(&b, EB_E_PHOFF, 0xfffffffffffffff0ull);
	expect_bad("elf: e_phoff 0xfffffffffffffff0 + e_phnum 3 * e_phentsize 56 overflows");
	std_image(32, 4, ENTRY);
	eb_set_ehdr(&b, EB_E_PHOFF, 0xffffffffu);
	expect_bad("elf: e_phoff+e_phnum*e_phentsize 0x10000005f beyond file size 0x1090");
}

Test(elf_header, null_buffer)
{
	err_clear(&e);
	cr_assert_eq(elf_parse(&img, NULL, 100, &e), ELF_BAD);
	cr_assert_str_eq(e.msg, "elf: file size 0x0 smaller than e_ident (16 bytes)");
}

/* Every strict prefix of a good image is broken, with a named reason. */
static void truncations(unsigned cls)
{
	size_t full, hdr = cls == 64 ? 64 : 52;
	char want[128];

	std_image(cls, cls == 64 ? 8 : 4, ENTRY);
	full = b.size;
	cr_assert_eq(parse(), ELF_PVH, "%s", e.msg);
	for (size_t len = 0; len < full; len++) {
		err_clear(&e);
		cr_assert_eq(elf_parse(&img, b.buf, len, &e), ELF_BAD, "ELF%u cut at %zu", cls, len);
		cr_assert(strncmp(e.msg, "elf: ", 5) == 0 && strlen(e.msg) > 20, "cut %zu: %s",
			  len, e.msg);
		if (len < 16)
			snprintf(want, sizeof(want),
				 "elf: file size 0x%zx smaller than e_ident (16 bytes)", len);
		else if (len < hdr)
			snprintf(want, sizeof(want),
				 "elf: file size 0x%zx smaller than the ELF%u header (%zu bytes)",
				 len, cls, hdr);
		else if (len < EB_PHOFF + 3 * (cls == 64 ? 56u : 32u))
			snprintf(want, sizeof(want),
				 "elf: e_phoff+e_phnum*e_phentsize 0x%x beyond file size 0x%zx",
				 EB_PHOFF + 3 * (cls == 64 ? 56u : 32u), len);
		else if (len == full - 1)
			snprintf(want, sizeof(want),
				 "elf: phdr 1: p_offset+p_filesz 0x%zx beyond file size 0x%zx", full,
				 len);
		else
			continue;
		cr_assert_str_eq(e.msg, want, "cut at %zu", len);
	}
}

Test(elf_header, truncations64)
{
	truncations(64);
}

Test(elf_header, truncations32)
{
	truncations(32);
}

/* --- Debian 12's vmlinux ------------------------------------------------------- */

static uint8_t *read_whole(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n);
	cr_assert_not_null(p);
	cr_assert_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return p;
}

Test(elf_vmlinux, debian12)
{
	const char *path = getenv("PVH_TEST_VMLINUX");
	size_t size = 0, nload = 0, nxen = 0;
	uint8_t *file = NULL;
	const Elf64_Ehdr *eh;

	if (!path || !(file = read_whole(path, &size)))
		cr_skip_test("PVH_TEST_VMLINUX not set or file absent (make kernel)");

	err_clear(&e);
	cr_assert_eq(elf_parse(&img, file, size, &e), ELF_PVH, "%s", e.msg);
	cr_assert_eq(img.elf_class, 64);
	cr_assert_eq(img.machine, 62);
	cr_assert_eq(img.pvh_entry, 0x1000850);
	cr_assert_eq(img.pvh_entry_size, 8);
	cr_assert_eq(img.nsegments, 4);
	cr_assert_eq(img.span_start, 0x1000000);
	cr_assert_eq(img.span_end, 0x4a00000);
	cr_assert(!img.reloc.present);

	/* Independent reading through the C library's <elf.h>. */
	cr_assert_eq(size >= sizeof(*eh), true);
	eh = (const Elf64_Ehdr *)file;
	cr_assert_eq(img.entry, eh->e_entry);
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(file + eh->e_phoff + i * sizeof(*ph));

		if (ph->p_type == PT_LOAD) {
			const struct elf_segment *s = &img.segments[nload++];

			cr_assert_eq(s->index, i);
			cr_assert_eq(s->paddr, ph->p_paddr);
			cr_assert_eq(s->vaddr, ph->p_vaddr);
			cr_assert_eq(s->offset, ph->p_offset);
			cr_assert_eq(s->filesz, ph->p_filesz);
			cr_assert_eq(s->memsz, ph->p_memsz);
			cr_assert_eq(s->flags, ph->p_flags);
		} else if (ph->p_type == PT_NOTE) {
			size_t pos = 0;

			while (pos + sizeof(Elf64_Nhdr) <= ph->p_filesz) {
				const Elf64_Nhdr *nh = (const Elf64_Nhdr *)(file + ph->p_offset + pos);
				const char *name = (const char *)(nh + 1);
				size_t desc = pos + sizeof(*nh) + ((nh->n_namesz + 3) & ~3u);

				if (nh->n_namesz == 4 && !memcmp(name, "Xen", 4)) {
					cr_assert_lt(nxen, img.nnotes);
					cr_assert_eq(img.notes[nxen].type, nh->n_type);
					cr_assert_eq(img.notes[nxen].descsz, nh->n_descsz);
					cr_assert_eq(img.notes[nxen].desc_offset, ph->p_offset + desc);
					nxen++;
				}
				pos = desc + ((nh->n_descsz + 3) & ~3u);
			}
		}
	}
	cr_assert_eq(nload, 4);
	cr_assert_eq(nxen, img.nnotes);
	cr_assert_geq(nxen, 10);
	/* Linux's percpu segment: vaddr 0, placed by paddr. */
	cr_assert_eq(img.segments[2].vaddr, 0);
	cr_assert_eq(img.segments[2].paddr, 0x3044000);

	/* And through binutils: the descriptor sizes of the Xen notes, in order. */
	{
		char cmd[4096], line[1024];
		FILE *p;
		unsigned k = 0;

		snprintf(cmd, sizeof(cmd), "readelf -nW '%s' 2>/dev/null", path);
		p = popen(cmd, "r");
		if (p) {
			while (fgets(line, sizeof(line), p)) {
				char owner[32];
				unsigned descsz;

				if (sscanf(line, " %31s 0x%x", owner, &descsz) == 2 &&
				    !strcmp(owner, "Xen")) {
					cr_assert_lt(k, img.nnotes);
					cr_assert_eq(img.notes[k].descsz, descsz, "note %u", k);
					k++;
				}
			}
			if (pclose(p) == 0)
				cr_assert_eq(k, img.nnotes, "readelf saw %u Xen notes", k);
		}
	}
	free(file);
}
