/*
 * elf.c - elf_parse() and elf_parse_file(): the ELF header, the program
 * headers, the load segments and (through elf_note.c) the Xen notes of a
 * kernel image. Callers: every front end before planning (the UEFI one
 * through elf_parse_file), pvh-inspect, the unit tests and the ELF fuzzer.
 * One parser for both: its bytes come through elf_source.c, from memory or
 * read on demand; see elf.h for the promise.
 */
#include "elf/elf_private.h"

typedef unsigned long long ull; /* what fmt's %llx takes */

/* One program header, widened to 64 bits whatever the class. */
struct elf_phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

/* The table checks both the program and the section headers need. */
static int elf_check_table(const struct elf_src *b, const char *what, uint64_t off,
			   uint16_t num, uint16_t entsize, struct err *err)
{
	uint64_t len, end;

	/* 65535 * 64 cannot overflow; the sum can. */
	len = (uint64_t)num * entsize;
	if (add_overflows(off, len, &end))
		return err_fail(err, "elf: e_%soff 0x%llx + e_%snum %u * e_%sentsize %u overflows",
				what, (ull)off, what, num, what, entsize);
	if (end > b->size)
		return err_fail(err,
				"elf: e_%soff+e_%snum*e_%sentsize 0x%llx beyond file size 0x%llx",
				what, what, what, (ull)end, (ull)b->size);
	return 0;
}

/* The ELF header lies in the first 64 bytes (52 for ELF32), fetched at once. */
#define ELF_EHDR_MAX 64u

static int elf_read_ehdr(struct elf_image *img, struct elf_src *b, struct elf_hdr *hdr,
			 uint64_t *phoff, uint16_t *phnum, uint16_t *phentsize, struct err *err)
{
	struct byte_range h;
	const uint8_t *p;
	uint16_t want;
	unsigned ehsize;

	if (b->size < ELF_EI_NIDENT)
		return err_fail(err, "elf: file size 0x%llx smaller than e_ident (16 bytes)",
				(ull)b->size);
	h.size = b->size < ELF_EHDR_MAX ? b->size : ELF_EHDR_MAX;
	if (elf_src_fetch(b, "ELF header", ELF_SRC_NO_INDEX, 0, h.size, &h.base, err))
		return -1;
	p = bytes_at(&h, 0, ELF_EI_NIDENT);
	if (p[0] != 0x7f || p[1] != 'E' || p[2] != 'L' || p[3] != 'F')
		return err_fail(err, "elf: bad magic %02x %02x %02x %02x, expected 7f 45 4c 46",
				p[0], p[1], p[2], p[3]);
	if (p[ELF_EI_CLASS] != ELF_CLASS32 && p[ELF_EI_CLASS] != ELF_CLASS64)
		return err_fail(err, "elf: EI_CLASS %u, expected 1 (ELF32) or 2 (ELF64)",
				p[ELF_EI_CLASS]);
	if (p[ELF_EI_DATA] != ELF_DATA2LSB)
		return err_fail(err, "elf: EI_DATA %u, expected 1 (little-endian)", p[ELF_EI_DATA]);
	if (p[ELF_EI_VERSION] != ELF_EV_CURRENT)
		return err_fail(err, "elf: EI_VERSION %u, expected 1", p[ELF_EI_VERSION]);

	hdr->is64 = p[ELF_EI_CLASS] == ELF_CLASS64;
	ehsize = hdr->is64 ? 64 : 52;
	p = bytes_at(&h, 0, ehsize);
	if (!p)
		return err_fail(err, "elf: file size 0x%llx smaller than the ELF%u header (%u bytes)",
				(ull)b->size, hdr->is64 ? 64u : 32u, ehsize);

	img->elf_class = hdr->is64 ? 64 : 32;
	img->type = le16(p + 16);
	img->machine = le16(p + 18);
	if (img->type != ELF_ET_EXEC && img->type != ELF_ET_DYN)
		return err_fail(err, "elf: e_type %u, expected ET_EXEC (2) or ET_DYN (3)", img->type);
	if (img->machine != ELF_EM_386 && img->machine != ELF_EM_X86_64)
		return err_fail(err, "elf: e_machine %u, expected EM_386 (3) or EM_X86_64 (62)",
				img->machine);

	if (hdr->is64) {
		img->entry = le64(p + 24);
		*phoff = le64(p + 32);
		hdr->shoff = le64(p + 40);
		*phentsize = le16(p + 54);
		*phnum = le16(p + 56);
		hdr->shentsize = le16(p + 58);
		hdr->shnum = le16(p + 60);
	} else {
		img->entry = le32(p + 24);
		*phoff = le32(p + 28);
		hdr->shoff = le32(p + 32);
		*phentsize = le16(p + 42);
		*phnum = le16(p + 44);
		hdr->shentsize = le16(p + 46);
		hdr->shnum = le16(p + 48);
	}

	want = hdr->is64 ? 56 : 32;
	if (*phentsize != want)
		return err_fail(err, "elf: e_phentsize %u, expected %u for ELF%u", *phentsize, want,
				img->elf_class);
	/* PN_XNUM moves the real count into section 0; no kernel needs that. */
	if (*phnum == ELF_PN_XNUM)
		return err_fail(err, "elf: e_phnum 0x%x (PN_XNUM, extended numbering) not supported",
				*phnum);
	return elf_check_table(b, "ph", *phoff, *phnum, *phentsize, err);
}

/* The table was fetched as a whole, so each entry is in bounds. */
static void elf_read_phdr(const struct byte_range *tab, const struct elf_hdr *hdr, unsigned i,
			  struct elf_phdr *ph)
{
	const uint8_t *p;

	if (hdr->is64) {
		p = bytes_at(tab, (uint64_t)i * 56, 56);
		ph->type = le32(p + 0);
		ph->flags = le32(p + 4);
		ph->offset = le64(p + 8);
		ph->vaddr = le64(p + 16);
		ph->paddr = le64(p + 24);
		ph->filesz = le64(p + 32);
		ph->memsz = le64(p + 40);
		ph->align = le64(p + 48);
	} else {
		p = bytes_at(tab, (uint64_t)i * 32, 32);
		ph->type = le32(p + 0);
		ph->offset = le32(p + 4);
		ph->vaddr = le32(p + 8);
		ph->paddr = le32(p + 12);
		ph->filesz = le32(p + 16);
		ph->memsz = le32(p + 20);
		ph->flags = le32(p + 24);
		ph->align = le32(p + 28);
	}
}

/* The file bytes a PT_LOAD or PT_NOTE names must exist. */
static int elf_check_file_range(const struct elf_src *b, const char *what, unsigned i,
				const char *off_name, uint64_t off, const char *size_name,
				uint64_t size, struct err *err)
{
	uint64_t end;

	if (add_overflows(off, size, &end))
		return err_fail(err, "elf: %s %u: %s 0x%llx + %s 0x%llx overflows", what, i,
				off_name, (ull)off, size_name, (ull)size);
	if (end > b->size)
		return err_fail(err, "elf: %s %u: %s+%s 0x%llx beyond file size 0x%llx", what, i,
				off_name, size_name, (ull)end, (ull)b->size);
	return 0;
}

static int elf_add_load(struct elf_image *img, const struct elf_src *b, unsigned i,
			const struct elf_phdr *ph, struct err *err)
{
	struct elf_segment *s;
	uint64_t end;

	if (elf_check_file_range(b, "phdr", i, "p_offset", ph->offset, "p_filesz", ph->filesz, err))
		return -1;
	if (ph->filesz > ph->memsz)
		return err_fail(err, "elf: phdr %u: p_filesz 0x%llx > p_memsz 0x%llx", i,
				(ull)ph->filesz, (ull)ph->memsz);
	if (ph->memsz == 0)
		return 0; /* occupies nothing; not a segment to place */
	if (add_overflows(ph->paddr, ph->memsz, &end))
		return err_fail(err, "elf: phdr %u: p_paddr 0x%llx + p_memsz 0x%llx wraps", i,
				(ull)ph->paddr, (ull)ph->memsz);
	if (end > ELF_4GIB)
		return err_fail(err, "elf: phdr %u: p_paddr+p_memsz 0x%llx above 4 GiB", i, (ull)end);
	if (img->nsegments >= ELF_MAX_SEGMENTS)
		return err_fail(err, "elf: phdr %u: more than %u load segments", i,
				(unsigned)ELF_MAX_SEGMENTS);

	for (unsigned k = 0; k < img->nsegments; k++) {
		const struct elf_segment *o = &img->segments[k];

		if (ph->paddr < o->paddr + o->memsz && o->paddr < end)
			return err_fail(err,
					"elf: phdr %u: p_paddr range 0x%llx-0x%llx overlaps phdr %u 0x%llx-0x%llx",
					i, (ull)ph->paddr, (ull)end, o->index, (ull)o->paddr,
					(ull)(o->paddr + o->memsz));
	}

	s = &img->segments[img->nsegments++];
	s->index = i;
	s->offset = ph->offset;
	s->paddr = ph->paddr;
	s->vaddr = ph->vaddr;
	s->filesz = ph->filesz;
	s->memsz = ph->memsz;
	s->align = ph->align;
	s->flags = ph->flags;
	if (img->nsegments == 1 || ph->paddr < img->span_start)
		img->span_start = ph->paddr;
	if (end > img->span_end)
		img->span_end = end;
	return 0;
}

/*
 * Check one area's range against the file, fetch its bytes and scan them;
 * the bytes are released afterwards (the notes recorded are copies).
 */
static int elf_scan_area(struct elf_image *img, struct elf_src *b,
			 const struct elf_note_area *area, unsigned *scanned, struct err *err)
{
	const char *what = area->is_section ? "section" : "phdr";
	size_t mark = elf_src_mark(b);
	const uint8_t *bytes;
	int r;

	if (elf_check_file_range(b, what, area->index,
				 area->is_section ? "sh_offset" : "p_offset", area->offset,
				 area->is_section ? "sh_size" : "p_filesz", area->size, err) ||
	    elf_src_fetch(b, what, area->index, area->offset, area->size, &bytes, err))
		return -1;
	r = elf_note_scan(img, bytes, area, scanned, err);
	elf_src_release(b, mark);
	return r;
}

/* Xen's order: every PT_NOTE; only a file with none falls back to SHT_NOTE. */
static int elf_scan_section_notes(struct elf_image *img, struct elf_src *b,
				  const struct elf_hdr *hdr, unsigned *scanned, struct err *err)
{
	uint16_t want = hdr->is64 ? 64 : 40;
	struct byte_range tab;

	if (hdr->shnum == 0)
		return 0; /* no sections at all (or extended numbering, which no kernel uses) */
	if (hdr->shentsize != want)
		return err_fail(err, "elf: e_shentsize %u, expected %u for ELF%u", hdr->shentsize,
				want, img->elf_class);
	if (elf_check_table(b, "sh", hdr->shoff, hdr->shnum, hdr->shentsize, err))
		return -1;
	tab.size = (uint64_t)hdr->shnum * want;
	if (elf_src_fetch(b, "section header table", ELF_SRC_NO_INDEX, hdr->shoff, tab.size,
			  &tab.base, err))
		return -1;

	img->notes_from_sections = true;
	for (unsigned i = 0; i < hdr->shnum; i++) {
		/* The table was fetched as a whole, so each entry is in bounds. */
		const uint8_t *p = bytes_at(&tab, (uint64_t)i * want, want);
		struct elf_note_area area = { .is_section = true, .index = i };

		if (le32(p + 4) != ELF_SHT_NOTE)
			continue;
		area.offset = hdr->is64 ? le64(p + 24) : le32(p + 16);
		area.size = hdr->is64 ? le64(p + 32) : le32(p + 20);
		if (elf_scan_area(img, b, &area, scanned, err))
			return -1;
	}
	return 0;
}

static bool elf_entry_in_exec_segment(const struct elf_image *img)
{
	for (unsigned k = 0; k < img->nsegments; k++) {
		const struct elf_segment *s = &img->segments[k];

		if ((s->flags & ELF_PF_X) && img->pvh_entry >= s->paddr &&
		    img->pvh_entry - s->paddr < s->memsz)
			return true;
	}
	return false;
}

static enum elf_status elf_parse_src(struct elf_image *img, struct elf_src *b,
				     struct err *err)
{
	struct elf_hdr hdr = { 0 };
	struct byte_range tab;
	uint64_t phoff = 0;
	uint16_t phnum = 0, phentsize = 0;
	unsigned nnote_segments = 0, scanned = 0;
	size_t mark = elf_src_mark(b);
	struct elf_phdr ph;

	memset(img, 0, sizeof(*img));
	if (elf_read_ehdr(img, b, &hdr, &phoff, &phnum, &phentsize, err))
		return ELF_BAD;
	/* What the header said is copied out; its bytes can go. */
	elf_src_release(b, mark);
	tab.size = (uint64_t)phnum * phentsize;
	if (elf_src_fetch(b, "phdr table", ELF_SRC_NO_INDEX, phoff, tab.size, &tab.base, err))
		return ELF_BAD;

	for (unsigned i = 0; i < phnum; i++) {
		elf_read_phdr(&tab, &hdr, i, &ph);
		if (ph.type == ELF_PT_LOAD) {
			if (elf_add_load(img, b, i, &ph, err))
				return ELF_BAD;
		} else if (ph.type == ELF_PT_NOTE) {
			struct elf_note_area area = {
				.offset = ph.offset, .size = ph.filesz, .index = i,
			};

			nnote_segments++;
			if (elf_scan_area(img, b, &area, &scanned, err))
				return ELF_BAD;
		}
	}
	elf_src_release(b, mark);
	if (img->nsegments == 0) {
		err_fail(err, "elf: no PT_LOAD segment with p_memsz > 0 (e_phnum %u)", phnum);
		return ELF_BAD;
	}
	if (nnote_segments == 0 && elf_scan_section_notes(img, b, &hdr, &scanned, err))
		return ELF_BAD;

	if (!img->has_pvh_entry) {
		err_fail(err, "elf: no XEN_ELFNOTE_PHYS32_ENTRY note");
		return ELF_NO_PVH;
	}
	if (!elf_entry_in_exec_segment(img)) {
		err_fail(err, "elf: PHYS32_ENTRY 0x%llx outside every executable load segment",
			 (ull)img->pvh_entry);
		return ELF_BAD;
	}
	return ELF_PVH;
}

enum elf_status elf_parse(struct elf_image *img, const void *buf, uint64_t size,
			  struct err *err)
{
	struct elf_src b;

	elf_src_init_mem(&b, buf, size);
	return elf_parse_src(img, &b, err);
}

enum elf_status elf_parse_file(struct elf_image *img, const struct elf_file *f,
			       uint8_t *scratch, size_t scratch_size, struct err *err)
{
	struct elf_src b;

	if (!f || !f->read) {
		memset(img, 0, sizeof(*img));
		err_fail(err, "elf: no file to read (elf_file or its read function is NULL)");
		return ELF_BAD;
	}
	elf_src_init_file(&b, f, scratch, scratch_size);
	return elf_parse_src(img, &b, err);
}
