/*
 * test_elf_file.c - unit tests of elf_parse_file (src/elf), the reader the
 * UEFI loader uses on a kernel it has not read into memory. Oracle: elf_parse
 * on the whole buffer, which must agree field by field and message by
 * message: on every image test_elf.c builds (rebuilt here with
 * elf_builder.h), on every truncation and single-byte corruption of the
 * basic images, and on Debian 12's vmlinux (PVH_TEST_VMLINUX), of which only
 * the headers and notes may be read. Also: failing reads, scratch too small.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf/elf.h"
#include "elf_builder.h"

#define TEXT_PADDR 0x100000u
#define DATA_PADDR 0x200000u
#define ENTRY 0x100010u

static struct eb b;

/* --- readers ---------------------------------------------------------------- */

/*
 * An elf_file over a buffer or a file descriptor that counts what is read,
 * checks every request lies inside f.size, and can fail its Nth read.
 */
struct test_file {
	struct elf_file f;
	const uint8_t *data; /* NULL: read fd with pread */
	int fd;
	uint64_t bytes, calls;
	uint64_t fail_call; /* 1-based; 0 never */
};

static int test_read(const struct elf_file *f, uint64_t off, void *buf, uint64_t len)
{
	struct test_file *t = f->ctx;

	cr_assert(off <= f->size && len <= f->size - off,
		  "read of 0x%llx at 0x%llx outside file size 0x%llx", (unsigned long long)len,
		  (unsigned long long)off, (unsigned long long)f->size);
	cr_assert_gt(len, 0, "zero-length read at 0x%llx", (unsigned long long)off);
	t->calls++;
	if (t->calls == t->fail_call)
		return -1;
	t->bytes += len;
	if (t->data) {
		memcpy(buf, t->data + off, len);
		return 0;
	}
	return pread(t->fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

static void test_file_mem(struct test_file *t, const uint8_t *data, uint64_t size)
{
	memset(t, 0, sizeof(*t));
	t->f.size = size;
	t->f.read = test_read;
	t->f.ctx = t;
	t->data = data;
	t->fd = -1;
}

/* --- the comparison ------------------------------------------------------------ */

struct result {
	enum elf_status st;
	struct elf_image img;
	struct err err;
};

static struct result want, got;
static uint8_t scratch[ELF_SCRATCH_SIZE];

static void expect_same_image(const struct elf_image *a, const struct elf_image *c,
			      const char *label)
{
	cr_assert_eq(a->elf_class, c->elf_class, "%s: elf_class", label);
	cr_assert_eq(a->machine, c->machine, "%s: machine", label);
	cr_assert_eq(a->type, c->type, "%s: type", label);
	cr_assert_eq(a->entry, c->entry, "%s: entry", label);
	cr_assert_eq(a->notes_from_sections, c->notes_from_sections, "%s: notes_from_sections",
		     label);
	cr_assert_eq(a->nsegments, c->nsegments, "%s: nsegments", label);
	/* All slots, not only the used ones: both start from zero. */
	for (unsigned i = 0; i < ELF_MAX_SEGMENTS; i++) {
		const struct elf_segment *x = &a->segments[i], *y = &c->segments[i];

		cr_assert_eq(x->index, y->index, "%s: segment %u index", label, i);
		cr_assert_eq(x->offset, y->offset, "%s: segment %u offset", label, i);
		cr_assert_eq(x->paddr, y->paddr, "%s: segment %u paddr", label, i);
		cr_assert_eq(x->vaddr, y->vaddr, "%s: segment %u vaddr", label, i);
		cr_assert_eq(x->filesz, y->filesz, "%s: segment %u filesz", label, i);
		cr_assert_eq(x->memsz, y->memsz, "%s: segment %u memsz", label, i);
		cr_assert_eq(x->align, y->align, "%s: segment %u align", label, i);
		cr_assert_eq(x->flags, y->flags, "%s: segment %u flags", label, i);
	}
	cr_assert_eq(a->span_start, c->span_start, "%s: span_start", label);
	cr_assert_eq(a->span_end, c->span_end, "%s: span_end", label);
	cr_assert_eq(a->nnotes, c->nnotes, "%s: nnotes", label);
	for (unsigned i = 0; i < ELF_MAX_NOTES; i++) {
		const struct elf_note *x = &a->notes[i], *y = &c->notes[i];

		cr_assert_eq(x->type, y->type, "%s: note %u type", label, i);
		cr_assert_eq(x->descsz, y->descsz, "%s: note %u descsz", label, i);
		cr_assert_eq(x->desc_offset, y->desc_offset, "%s: note %u desc_offset", label, i);
		cr_assert_eq(x->value, y->value, "%s: note %u value", label, i);
	}
	cr_assert_eq(a->has_pvh_entry, c->has_pvh_entry, "%s: has_pvh_entry", label);
	cr_assert_eq(a->pvh_entry, c->pvh_entry, "%s: pvh_entry", label);
	cr_assert_eq(a->pvh_entry_size, c->pvh_entry_size, "%s: pvh_entry_size", label);
	cr_assert_eq(a->reloc.present, c->reloc.present, "%s: reloc.present", label);
	cr_assert_eq(a->reloc.align, c->reloc.align, "%s: reloc.align", label);
	cr_assert_eq(a->reloc.min, c->reloc.min, "%s: reloc.min", label);
	cr_assert_eq(a->reloc.max, c->reloc.max, "%s: reloc.max", label);
}

static void expect_same_result(const char *label)
{
	cr_assert_eq(got.st, want.st, "%s: status %d, elf_parse %d (\"%s\" vs \"%s\")", label,
		     got.st, want.st, got.err.msg, want.err.msg);
	cr_assert_eq(got.err.set, want.err.set, "%s: err.set", label);
	cr_assert_str_eq(got.err.msg, want.err.msg, "%s: message", label);
	expect_same_image(&got.img, &want.img, label);
}

/*
 * Parse data[0, size) both ways and compare. The scratch is poisoned before
 * and after: no result may depend on leftover bytes or point into it.
 * Returns the byte count the file reader was asked for.
 */
static uint64_t agree(const uint8_t *data, uint64_t size, const char *label)
{
	struct test_file t;
	size_t poison;

	err_clear(&want.err);
	want.st = elf_parse(&want.img, data, size, &want.err);
	test_file_mem(&t, data, size);
	/* Fetched ranges may overlap in the file: at most about twice its size is used. */
	poison = size < sizeof(scratch) / 2 - 64 ? 2 * (size_t)size + 64 : sizeof(scratch);
	memset(scratch, 0xa5, poison);
	err_clear(&got.err);
	memset(&got.img, 0x5a, sizeof(got.img)); /* elf_parse_file must clear it */
	got.st = elf_parse_file(&got.img, &t.f, scratch, sizeof(scratch), &got.err);
	memset(scratch, 0x3c, poison);
	expect_same_result(label);
	return t.bytes;
}

static void agree_b(const char *label)
{
	agree(b.buf, b.size, label);
}

/* --- the images test_elf.c builds ------------------------------------------------ */

static size_t note_u64(uint8_t *out, uint32_t type, uint64_t v, uint32_t descsz)
{
	uint8_t d[8];

	eb_put64(d, v);
	return eb_note(out, "Xen", 4, type, d, descsz);
}

/* test_elf.c's standard image: text R-X, data RW-, then a PT_NOTE of notes. */
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

static void std_image(unsigned cls, uint32_t entry_sz, uint64_t entry)
{
	uint8_t notes[256];
	size_t n = eb_note(notes, "Xen", 4, 6, "pvhtest", 8);

	n += note_u64(notes + n, 18, entry, entry_sz);
	std_image_notes(cls, notes, n, 4);
}

/* No PT_NOTE: the entry note in an SHT_NOTE section after a PROGBITS one. */
static void section_image(unsigned cls)
{
	uint8_t notes[64];
	size_t n = note_u64(notes, 18, ENTRY, cls == 64 ? 8 : 4);
	uint64_t off;

	std_image(cls, cls == 64 ? 8 : 4, ENTRY);
	eb_set_phdr(&b, 2, EB_P_TYPE, 6); /* PT_PHDR */
	off = eb_append(&b, notes, n, 4);
	eb_section(&b, SHT_PROGBITS, EB_DATA, 4);
	eb_section(&b, SHT_NOTE, off, n);
	eb_finish(&b);
}

/* The basic images, which the sweeps below cut and corrupt. */
static void base_image(unsigned k)
{
	switch (k) {
	case 0: std_image(64, 8, ENTRY); break;
	case 1: std_image(32, 4, ENTRY); break;
	case 2: section_image(64); break;
	case 3: section_image(32); break;
	default: {
		uint8_t notes[128], d[12];
		size_t n;

		eb_put32(d, 0x200000);
		eb_put32(d + 4, 0x1000000);
		eb_put32(d + 8, 0x3fffffff);
		n = eb_note(notes, "Linux", 6, 1, d, 4);
		n += eb_note(notes + n, "Xen", 4, 19, d, 12);
		n += note_u64(notes + n, 18, ENTRY, 4);
		std_image_notes(64, notes, n, 8);
		break;
	}
	}
}
#define NBASE 5

/* Each good image of test_elf.c, and its corruptions one by one. */
Test(elf_file, images_of_test_elf)
{
	char label[64];

	for (unsigned k = 0; k < NBASE; k++) {
		base_image(k);
		snprintf(label, sizeof(label), "base %u", k);
		agree_b(label);
		cr_assert_eq(want.st, ELF_PVH, "%s: %s", label, want.err.msg);
	}

	std_image(64, 4, ENTRY);
	agree_b("elf64 entry4");
	std_image(32, 8, ENTRY);
	agree_b("elf32 entry8");
	std_image(64, 8, ENTRY);
	eb_set_ehdr(&b, EB_E_TYPE, 3);
	agree_b("et_dyn");
	eb_set_phdr(&b, 1, EB_P_VADDR, 0);
	agree_b("paddr not vaddr");
	eb_phdr(&b, PT_LOAD, EB_PF_R, 0, TEXT_PADDR, 0, 0, 0);
	agree_b("zero memsz load");
	std_image(64, 8, TEXT_PADDR + 0xfff);
	agree_b("entry at last byte");
	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 1, EB_P_PADDR, 0xfffff000u);
	eb_set_phdr(&b, 1, EB_P_MEMSZ, 0x1000);
	agree_b("segment ending at 4 GiB");
	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 1, EB_P_PADDR, TEXT_PADDR + 0x1000);
	agree_b("adjacent segments");
}

Test(elf_file, notes_of_test_elf)
{
	uint8_t notes[24 * 70], d[24];
	size_t n;
	uint64_t off;

	/* Sections ignored when a PT_NOTE exists, even a bad section table. */
	n = eb_note(notes, "Xen", 4, 6, "os", 3);
	std_image_notes(64, notes, n, 4);
	n = note_u64(notes, 18, ENTRY, 8);
	off = eb_append(&b, notes, n, 4);
	eb_section(&b, SHT_NOTE, off, n);
	eb_finish(&b);
	agree_b("sections ignored");
	cr_assert_eq(got.st, ELF_NO_PVH);
	eb_set_ehdr(&b, EB_E_SHENTSIZE, 12);
	agree_b("sections ignored, bad shentsize");

	/* Section errors. */
	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 2, EB_P_TYPE, 6);
	off = eb_append(&b, notes, n, 4);
	eb_section(&b, SHT_NOTE, off, 0x10000);
	eb_finish(&b);
	agree_b("section beyond file");
	cr_assert(strstr(got.err.msg, "section 1: sh_offset+sh_size"), "%s", got.err.msg);
	eb_set_ehdr(&b, EB_E_SHENTSIZE, 40);
	agree_b("shentsize 40");
	eb_set_ehdr(&b, EB_E_SHENTSIZE, 64);
	eb_set_ehdr(&b, EB_E_SHOFF, b.size - 64);
	agree_b("shoff near end");
	eb_set_ehdr(&b, EB_E_SHOFF, UINT64_MAX - 8);
	agree_b("shoff overflow");

	/* A second PT_NOTE segment. */
	std_image(64, 8, ENTRY);
	eb_set_phdr(&b, 2, EB_P_FILESZ, 24);
	off = eb_append(&b, notes, n, 4);
	eb_phdr(&b, PT_NOTE, EB_PF_R, off, 0, n, n, 4);
	agree_b("second PT_NOTE");
	cr_assert_eq(got.st, ELF_PVH);

	std_image(64, 2, ENTRY);
	agree_b("descsz 2");
	std_image(64, 0, ENTRY);
	agree_b("descsz 0");
	memset(d, 0, sizeof(d));
	std_image_notes(64, notes, eb_note(notes, "Xen", 4, 18, d, 16), 4);
	agree_b("descsz 16");
	std_image(64, 8, 0x100000010ull);
	agree_b("entry above 4 GiB");

	n = note_u64(notes, 18, ENTRY, 4);
	n += note_u64(notes + n, 18, ENTRY, 8);
	std_image_notes(64, notes, n, 4);
	agree_b("same entry twice");
	n += note_u64(notes + n, 18, ENTRY + 4, 4);
	std_image_notes(64, notes, n, 4);
	agree_b("conflicting entries");
	cr_assert_str_eq(got.err.msg,
			 "elf: note PHYS32_ENTRY: second value 0x100014 differs from 0x100010");

	eb_put32(d, ENTRY);
	std_image_notes(64, notes, eb_note(notes, "Xem", 4, 18, d, 4), 4);
	agree_b("owner Xem");
	std_image_notes(64, notes, eb_note(notes, "Xen", 3, 18, d, 4), 4);
	agree_b("owner namesz 3");

	n = 0;
	for (int i = 0; i < 8; i++)
		n += eb_note(notes + n, "", 0, 0, NULL, 0);
	n += note_u64(notes + n, 18, ENTRY, 4);
	std_image_notes(64, notes, n, 4);
	agree_b("zero sizes");

	n = note_u64(notes, 18, ENTRY, 4);
	memset(notes + n, 0xee, 8);
	std_image_notes(64, notes, n + 8, 4);
	agree_b("trailing bytes");

	n = note_u64(notes, 18, ENTRY, 4);
	n += eb_note(notes + n, "Xen", 4, 6, "linux", 6);
	std_image_notes(64, notes, n - 2, 4);
	agree_b("last padding cut");

	memset(notes, 0, 64);
	eb_put32(notes, 0xffffffffu);
	eb_put32(notes + 4, 4);
	eb_put32(notes + 8, 18);
	std_image_notes(64, notes, 32, 4);
	agree_b("namesz huge");
	eb_put32(notes, 4);
	eb_put32(notes + 4, 0xfffffffdu);
	memcpy(notes + 12, "Xen", 4);
	std_image_notes(64, notes, 32, 4);
	agree_b("descsz huge");

	n = 0;
	for (int i = 0; i < 70; i++)
		n += note_u64(notes + n, 6, 0, 4);
	std_image_notes(64, notes, n, 4);
	agree_b("too many Xen notes");
	cr_assert_str_eq(got.err.msg, "elf: phdr 2: note 64: more than 64 Xen notes");

	eb_put64(d, 0x1000);
	eb_put64(d + 8, 0x100000);
	eb_put64(d + 16, 0xffffffffull);
	n = eb_note(notes, "Xen", 4, 19, d, 24);
	n += note_u64(notes + n, 18, ENTRY, 4);
	std_image_notes(32, notes, n, 4);
	agree_b("reloc 24");
	cr_assert(got.img.reloc.present);
	n = eb_note(notes, "Xen", 4, 19, d, 8);
	std_image_notes(64, notes, n, 4);
	agree_b("reloc 8");
	std_image_notes(64, notes, eb_note(notes, "Xen", 4, 19, d, 12), 4);
	agree_b("reloc without entry");
}

Test(elf_file, too_many_notes)
{
	static uint8_t notes[12 * 1100];
	size_t n = 0;

	for (int i = 0; i < 1100; i++)
		n += eb_note(notes + n, "", 0, 0, NULL, 0);
	std_image_notes(64, notes, n, 4);
	agree_b("too many notes");
	cr_assert_str_eq(got.err.msg, "elf: phdr 2: note 1024: more than 1024 notes in the file");
}

Test(elf_file, segments_and_headers_of_test_elf)
{
	static const struct {
		const char *label;
		unsigned cls;
		int phdr; /* -1: ehdr field */
		int field;
		uint64_t value;
	} edits[] = {
		{ "text not executable", 64, 0, EB_P_FLAGS, EB_PF_R },
		{ "overlap", 64, 1, EB_P_PADDR, TEXT_PADDR + 0xfff },
		{ "filesz > memsz", 64, 1, EB_P_MEMSZ, 0x1f },
		{ "memsz 0 with filesz", 64, 1, EB_P_MEMSZ, 0 },
		{ "above 4 GiB", 64, 1, EB_P_PADDR, 0x100000000ull },
		{ "above 4 GiB elf32", 32, 1, EB_P_PADDR, 0xffffff00u },
		{ "wraps", 64, 1, EB_P_PADDR, 0xffffffffffff0000ull },
		{ "offset overflow", 64, 0, EB_P_OFFSET, 0xffffffffffffff00ull },
		{ "filesz overflow", 64, 0, EB_P_FILESZ, 0xffffffffffffffffull },
		{ "note beyond file", 32, 2, EB_P_FILESZ, 0x100000 },
		{ "note offset beyond file", 64, 2, EB_P_OFFSET, 0x100000 },
		{ "no load", 64, 0, EB_P_TYPE, 0x6474e551 },
		{ "e_type 1", 64, -1, EB_E_TYPE, 1 },
		{ "e_machine 40", 64, -1, EB_E_MACHINE, 40 },
		{ "e_machine 62 in elf32", 32, -1, EB_E_MACHINE, 62 },
		{ "phentsize 32", 64, -1, EB_E_PHENTSIZE, 32 },
		{ "phentsize 56", 32, -1, EB_E_PHENTSIZE, 56 },
		{ "PN_XNUM", 64, -1, EB_E_PHNUM, 0xffff },
		{ "phnum 0xfffe", 64, -1, EB_E_PHNUM, 0xfffe },
		{ "phnum 0", 64, -1, EB_E_PHNUM, 0 },
		{ "phoff overflow", 64, -1, EB_E_PHOFF, 0xfffffffffffffff0ull },
		{ "phoff elf32", 32, -1, EB_E_PHOFF, 0xffffffffu },
		{ "phoff inside data", 64, -1, EB_E_PHOFF, EB_DATA },
	};

	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		std_image(edits[i].cls, edits[i].cls == 64 ? 8 : 4, ENTRY);
		if (edits[i].phdr < 0)
			eb_set_ehdr(&b, (enum eb_efield)edits[i].field, edits[i].value);
		else
			eb_set_phdr(&b, (unsigned)edits[i].phdr, (enum eb_pfield)edits[i].field,
				    edits[i].value);
		agree_b(edits[i].label);
	}

	std_image(64, 8, DATA_PADDR + 4);
	agree_b("entry in data");
	std_image(32, 4, TEXT_PADDR + 0x1000);
	agree_b("entry past text");
	std_image(64, 8, ENTRY);
	for (unsigned i = 0; i < ELF_MAX_SEGMENTS; i++)
		eb_phdr(&b, PT_LOAD, EB_PF_R, 0, 0x400000 + i * 0x1000, 0, 0x1000, 0);
	agree_b("too many segments");
	cr_assert_str_eq(got.err.msg, "elf: phdr 33: more than 32 load segments");

	for (unsigned k = 0; k < 4; k++) {
		static const uint8_t at[] = { 0, 4, 5, 6 };

		std_image(64, 8, ENTRY);
		b.buf[at[k]] ^= 0x40;
		agree_b("ident");
		cr_assert_eq(got.st, ELF_BAD);
	}
}

/* Every prefix of every basic image: the same status and the same words. */
Test(elf_file, truncations)
{
	char label[64];

	for (unsigned k = 0; k < NBASE; k++) {
		base_image(k);
		for (size_t len = 0; len <= b.size; len++) {
			snprintf(label, sizeof(label), "base %u cut at %zu", k, len);
			agree(b.buf, len, label);
		}
	}
}

/* Every byte of the headers, tables and notes of every basic image, corrupted. */
Test(elf_file, corruptions)
{
	static const uint8_t values[] = { 0x00, 0xff, 0x01, 0x80 };
	char label[80];
	unsigned differ = 0;

	for (unsigned k = 0; k < NBASE; k++) {
		base_image(k);
		for (size_t at = 0; at < b.size; at++) {
			uint8_t keep = b.buf[at];

			/* The gap before EB_DATA is padding nothing reads. */
			if (at >= EB_PHOFF + EB_MAX_PHDRS * 56 && at < EB_DATA)
				continue;
			for (size_t v = 0; v < sizeof(values); v++) {
				b.buf[at] = values[v] == 0x01 ? (uint8_t)(keep ^ 1) : values[v];
				snprintf(label, sizeof(label), "base %u byte 0x%zx = 0x%02x", k, at,
					 b.buf[at]);
				agree_b(label);
				differ += want.st != ELF_PVH;
			}
			b.buf[at] = keep;
		}
	}
	/* The sweep reached the error paths, not only harmless bytes. */
	cr_assert_gt(differ, 1000, "only %u corruptions changed the verdict", differ);
}

/* --- what only the file reader can meet ---------------------------------------- */

Test(elf_file, reads_only_what_it_needs)
{
	struct test_file t;
	struct err e;

	std_image(64, 8, ENTRY);
	test_file_mem(&t, b.buf, b.size);
	err_clear(&e);
	cr_assert_eq(elf_parse_file(&got.img, &t.f, scratch, sizeof(scratch), &e), ELF_PVH, "%s",
		     e.msg);
	/* Header, three program headers, 48 bytes of notes; no segment data. */
	cr_assert_eq(t.calls, 3);
	cr_assert_eq(t.bytes, 64 + 3 * 56 + 48);

	section_image(32);
	test_file_mem(&t, b.buf, b.size);
	err_clear(&e);
	cr_assert_eq(elf_parse_file(&got.img, &t.f, scratch, sizeof(scratch), &e), ELF_PVH, "%s",
		     e.msg);
	/* Header (52 of 64 fetched), phdrs, section table (null + 2), one note section. */
	cr_assert_eq(t.calls, 4);
	cr_assert_eq(t.bytes, 64 + 3 * 32 + 3 * 40 + 20);
}

Test(elf_file, read_failures)
{
	static const char *const msgs[] = {
		"elf: read of 0x40 bytes at offset 0x0 failed",
		"elf: read of 0xa8 bytes at offset 0x40 failed",
		"elf: read of 0x30 bytes at offset 0x1000 failed",
	};
	struct test_file t;
	struct err e;

	std_image(64, 8, ENTRY);
	for (unsigned k = 0; k < 3; k++) {
		test_file_mem(&t, b.buf, b.size);
		t.fail_call = k + 1;
		err_clear(&e);
		cr_assert_eq(elf_parse_file(&got.img, &t.f, scratch, sizeof(scratch), &e), ELF_BAD,
			     "failing read %u", k + 1);
		cr_assert_str_eq(e.msg, msgs[k]);
		cr_assert_eq(t.calls, k + 1, "no read after the failing one");
	}

	/* The section path too: its table is the third read. */
	section_image(64);
	test_file_mem(&t, b.buf, b.size);
	t.fail_call = 3;
	err_clear(&e);
	cr_assert_eq(elf_parse_file(&got.img, &t.f, scratch, sizeof(scratch), &e), ELF_BAD);
	cr_assert(strstr(e.msg, "elf: read of 0xc0 bytes at offset 0x"), "%s", e.msg);
}

Test(elf_file, no_file)
{
	struct elf_file f = { .size = 100 };
	struct err e;

	err_clear(&e);
	cr_assert_eq(elf_parse_file(&got.img, NULL, scratch, sizeof(scratch), &e), ELF_BAD);
	cr_assert(strstr(e.msg, "elf: no file to read"), "%s", e.msg);
	err_clear(&e);
	cr_assert_eq(elf_parse_file(&got.img, &f, scratch, sizeof(scratch), &e), ELF_BAD);
	cr_assert(strstr(e.msg, "elf: no file to read"), "%s", e.msg);
}

static enum elf_status parse_with_scratch(size_t room, struct err *e)
{
	struct test_file t;

	test_file_mem(&t, b.buf, b.size);
	err_clear(e);
	return elf_parse_file(&got.img, &t.f, room ? scratch : NULL, room, e);
}

/* The header is released once read: the phdr table gets the whole scratch. */
Test(elf_file, scratch_too_small)
{
	struct err e;

	std_image(64, 8, ENTRY);
	cr_assert_eq(parse_with_scratch(0, &e), ELF_BAD);
	cr_assert_str_eq(e.msg, "elf: ELF header of 0x40 bytes exceeds the 0x0 bytes of scratch left");
	cr_assert_eq(parse_with_scratch(63, &e), ELF_BAD);
	cr_assert_str_eq(e.msg,
			 "elf: ELF header of 0x40 bytes exceeds the 0x3f bytes of scratch left");
	cr_assert_eq(parse_with_scratch(0xa7, &e), ELF_BAD);
	cr_assert_str_eq(e.msg, "elf: phdr table of 0xa8 bytes exceeds the 0xa7 bytes of scratch left");
	cr_assert_eq(parse_with_scratch(0xa8, &e), ELF_BAD);
	cr_assert_str_eq(e.msg,
			 "elf: phdr 2: notes of 0x30 bytes exceed the 0x0 bytes of scratch left");
	cr_assert_eq(parse_with_scratch(0xa8 + 0x2f, &e), ELF_BAD);
	cr_assert_str_eq(e.msg,
			 "elf: phdr 2: notes of 0x30 bytes exceed the 0x2f bytes of scratch left");
	cr_assert_eq(parse_with_scratch(0xa8 + 0x30, &e), ELF_PVH, "%s", e.msg);

	/* Sections: after the phdr table is released, table then notes. */
	section_image(64);
	cr_assert_eq(parse_with_scratch(0xbf, &e), ELF_BAD);
	cr_assert_str_eq(e.msg, "elf: section header table of 0xc0 bytes exceeds the 0xbf bytes of scratch left");
	cr_assert_eq(parse_with_scratch(0xc0, &e), ELF_BAD);
	cr_assert_str_eq(e.msg,
			 "elf: section 2: notes of 0x18 bytes exceed the 0x0 bytes of scratch left");
	cr_assert_eq(parse_with_scratch(0xc0 + 0x18, &e), ELF_PVH, "%s", e.msg);
}

/*
 * A phdr table larger than ELF_SCRATCH_SIZE: elf_parse reads it, the file
 * reader names it. One entry less and it fits, and then the notes do not.
 */
Test(elf_file, phdr_table_beyond_scratch)
{
	const uint64_t phoff = 0x10000;
	const unsigned fits = ELF_SCRATCH_SIZE / 56; /* 2340 */
	uint64_t size = phoff + (uint64_t)(fits + 1) * 56;
	uint8_t *big = calloc(1, size);
	struct test_file t;
	struct err e;

	cr_assert_not_null(big);
	std_image(64, 8, ENTRY);
	memcpy(big, b.buf, b.size);
	memcpy(big + phoff, b.buf + EB_PHOFF, 3 * 56); /* the rest: PT_NULL */
	eb_put64(big + 32, phoff);

	for (unsigned phnum = fits + 1; phnum >= fits - 1; phnum--) {
		eb_put16(big + 56, (uint16_t)phnum);
		err_clear(&e);
		cr_assert_eq(elf_parse(&want.img, big, size, &e), ELF_PVH, "%s", e.msg);
		test_file_mem(&t, big, size);
		err_clear(&e);
		got.st = elf_parse_file(&got.img, &t.f, scratch, sizeof(scratch), &e);
		if (phnum == fits + 1) {
			cr_assert_eq(got.st, ELF_BAD);
			cr_assert_str_eq(e.msg, "elf: phdr table of 0x20018 bytes exceeds the 0x20000 bytes of scratch left");
		} else if (phnum == fits) {
			cr_assert_eq(got.st, ELF_BAD);
			cr_assert_str_eq(e.msg, "elf: phdr 2: notes of 0x30 bytes exceed the 0x20 bytes of scratch left");
		} else {
			cr_assert_eq(got.st, ELF_PVH, "%s", e.msg);
			expect_same_image(&got.img, &want.img, "phnum fits - 1");
		}
	}
	free(big);
}

/* --- Debian 12's vmlinux --------------------------------------------------------- */

Test(elf_file, debian12_vmlinux)
{
	const char *path = getenv("PVH_TEST_VMLINUX");
	struct test_file t;
	struct stat st;
	uint8_t *whole;
	Elf64_Ehdr eh;
	uint64_t expect_bytes;
	int fd;

	if (!path || (fd = open(path, O_RDONLY)) < 0)
		cr_skip_test("PVH_TEST_VMLINUX not set or file absent (make kernel)");
	cr_assert_eq(fstat(fd, &st), 0);

	/* Through the file, as the UEFI loader will. */
	memset(&t, 0, sizeof(t));
	t.f.size = (uint64_t)st.st_size;
	t.f.read = test_read;
	t.f.ctx = &t;
	t.fd = fd;
	err_clear(&got.err);
	got.st = elf_parse_file(&got.img, &t.f, scratch, sizeof(scratch), &got.err);
	cr_assert_eq(got.st, ELF_PVH, "%s", got.err.msg);
	cr_assert_eq(got.img.pvh_entry, 0x1000850);
	cr_assert_eq(got.img.nsegments, 4);

	/* A small part of 66 MB: exactly the header, the phdrs and the PT_NOTEs. */
	cr_assert_lt(t.bytes, 64 * 1024, "read 0x%llx bytes", (unsigned long long)t.bytes);
	cr_assert_eq(pread(fd, &eh, sizeof(eh), 0), (ssize_t)sizeof(eh));
	expect_bytes = sizeof(eh) + (uint64_t)eh.e_phnum * eh.e_phentsize;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		cr_assert_eq(pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))),
			     (ssize_t)sizeof(ph));
		if (ph.p_type == PT_NOTE)
			expect_bytes += ph.p_filesz;
	}
	cr_assert_eq(t.bytes, expect_bytes);
	cr_assert_lt(t.calls, 10);

	/* And elf_parse over the whole file agrees field by field. */
	whole = malloc((size_t)st.st_size);
	cr_assert_not_null(whole);
	cr_assert_eq(pread(fd, whole, (size_t)st.st_size, 0), (ssize_t)st.st_size);
	err_clear(&want.err);
	want.st = elf_parse(&want.img, whole, (uint64_t)st.st_size, &want.err);
	expect_same_result("vmlinux");
	/* And the memory-backed reader over the same bytes. */
	cr_assert_eq(agree(whole, (uint64_t)st.st_size, "vmlinux in memory"), expect_bytes);
	free(whole);
	close(fd);
}
