/*
 * pe.c - PE/COFF headers and section table (see pe.h). Callers: the UEFI
 * loader (its own image, as loaded), host tools and tests (files). Offsets
 * are those of the PE/COFF specification; every read goes through
 * bytes_at(), which compares the length with what remains of the buffer.
 */
#include "elf/pe.h"

#define ULL(v) ((unsigned long long)(v))

#define PE_DOS_MAGIC 0x5a4du /* "MZ" */
#define PE_DOS_LFANEW 0x3c
#define PE_SIGNATURE_SIZE 4
#define PE_COFF_SIZE 20
#define PE_OPT_MAGIC_PE32 0x10bu
#define PE_OPT_MAGIC_PE32PLUS 0x20bu
#define PE_SECTION_SIZE 40
#define PE_DIR_SECURITY 4

static bool pe_power_of_two(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* The optional header's fields this reader uses; opt points at its first byte. */
static int pe_read_optional(struct pe_image *pe, const uint8_t *opt, uint16_t opt_size,
			    struct err *err)
{
	uint16_t magic;
	uint32_t ndirs, dirs_at;

	if (opt_size < 2)
		return err_fail(err, "pe: SizeOfOptionalHeader %u: no optional header", opt_size);
	magic = le16(opt);
	if (magic == PE_OPT_MAGIC_PE32PLUS) {
		if (opt_size < 112)
			return err_fail(err, "pe: SizeOfOptionalHeader %u below 112 for PE32+",
					opt_size);
		pe->pe32plus = true;
		pe->image_base = le64(opt + 24);
		ndirs = le32(opt + 108);
		dirs_at = 112;
	} else if (magic == PE_OPT_MAGIC_PE32) {
		if (opt_size < 96)
			return err_fail(err, "pe: SizeOfOptionalHeader %u below 96 for PE32",
					opt_size);
		pe->image_base = le32(opt + 28);
		ndirs = le32(opt + 92);
		dirs_at = 96;
	} else {
		return err_fail(err, "pe: optional header magic 0x%x, not PE32 (0x10b) or PE32+ (0x20b)",
				magic);
	}
	pe->section_align = le32(opt + 32);
	pe->file_align = le32(opt + 36);
	pe->size_of_image = le32(opt + 56);
	pe->size_of_headers = le32(opt + 60);
	pe->subsystem = le16(opt + 68);
	if (!pe_power_of_two(pe->section_align))
		return err_fail(err, "pe: SectionAlignment 0x%x is not a power of two",
				pe->section_align);
	/* The security directory, if the header has room for it. */
	if (ndirs > PE_DIR_SECURITY &&
	    (uint32_t)dirs_at + 8u * (PE_DIR_SECURITY + 1) <= (uint32_t)opt_size) {
		pe->cert_off = le32(opt + dirs_at + 8 * PE_DIR_SECURITY);
		pe->cert_size = le32(opt + dirs_at + 8 * PE_DIR_SECURITY + 4);
	}
	return 0;
}

/* [vaddr, vaddr + extent) in memory: VirtualSize, or SizeOfRawData when that is 0. */
static uint64_t pe_virtual_extent(const struct pe_section *s)
{
	return s->vsize ? s->vsize : s->raw_size;
}

static bool pe_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

static int pe_check_section(const struct pe_image *pe, unsigned i, uint64_t len,
			    enum pe_layout layout, struct err *err)
{
	const struct pe_section *s = &pe->sections[i];
	uint64_t vend = (uint64_t)s->vaddr + pe_virtual_extent(s);
	uint64_t rend = (uint64_t)s->raw_off + s->raw_size;

	if (vend > pe->size_of_image)
		return err_fail(err,
				"pe: section %u '%s': VirtualAddress 0x%x + size 0x%llx beyond "
				"SizeOfImage 0x%x",
				i, s->name, s->vaddr, ULL(pe_virtual_extent(s)), pe->size_of_image);
	if (layout == PE_FILE && s->raw_size && rend > len)
		return err_fail(err,
				"pe: section %u '%s': PointerToRawData 0x%x + SizeOfRawData 0x%x "
				"beyond file size 0x%llx",
				i, s->name, s->raw_off, s->raw_size, ULL(len));
	for (unsigned j = 0; j < i; j++) {
		const struct pe_section *o = &pe->sections[j];

		if (pe_ranges_overlap(s->vaddr, pe_virtual_extent(s), o->vaddr,
				      pe_virtual_extent(o)))
			return err_fail(err,
					"pe: section %u '%s' [RVA 0x%x, 0x%llx) overlaps section %u "
					"'%s' [RVA 0x%x, 0x%llx)",
					i, s->name, s->vaddr, ULL(vend), j, o->name, o->vaddr,
					ULL((uint64_t)o->vaddr + pe_virtual_extent(o)));
		if (layout == PE_FILE &&
		    pe_ranges_overlap(s->raw_off, s->raw_size, o->raw_off, o->raw_size))
			return err_fail(err,
					"pe: section %u '%s' file bytes [0x%x, 0x%llx) overlap section "
					"%u '%s' [0x%x, 0x%llx)",
					i, s->name, s->raw_off, ULL(rend), j, o->name, o->raw_off,
					ULL((uint64_t)o->raw_off + o->raw_size));
	}
	return 0;
}

/* The headers are read from buf[0, have); sections are checked against len (>= have). */
static int pe_parse_in(struct pe_image *pe, const uint8_t *buf, uint64_t have, uint64_t len,
		       enum pe_layout layout, struct err *err)
{
	struct byte_range b = { buf, have };
	const uint8_t *p;
	uint32_t lfanew;
	uint16_t nsections, opt_size;
	uint64_t table, table_end;

	memset(pe, 0, sizeof(*pe));
	p = bytes_at(&b, 0, PE_DOS_LFANEW + 4);
	if (!p)
		return err_fail(err, "pe: %llu bytes, too short for a DOS header (64)", ULL(have));
	if (le16(p) != PE_DOS_MAGIC)
		return err_fail(err, "pe: DOS magic 0x%04x, not \"MZ\"", le16(p));
	lfanew = le32(p + PE_DOS_LFANEW);
	p = bytes_at(&b, lfanew, PE_SIGNATURE_SIZE + PE_COFF_SIZE);
	if (!p)
		return err_fail(err, "pe: e_lfanew 0x%x + 24 beyond the image size 0x%llx", lfanew,
				ULL(have));
	if (memcmp(p, "PE\0\0", 4) != 0)
		return err_fail(err, "pe: no \"PE\\0\\0\" signature at e_lfanew 0x%x", lfanew);
	pe->machine = le16(p + 4);
	nsections = le16(p + 6);
	opt_size = le16(p + 20);
	if (nsections > PE_MAX_SECTIONS)
		return err_fail(err, "pe: NumberOfSections %u, at most %u", nsections,
				(unsigned)PE_MAX_SECTIONS);
	const uint8_t *opt = bytes_at(&b, (uint64_t)lfanew + 24, opt_size);
	if (!opt)
		return err_fail(err, "pe: SizeOfOptionalHeader %u at 0x%llx beyond the image size 0x%llx",
				opt_size, ULL((uint64_t)lfanew + 24), ULL(have));
	if (pe_read_optional(pe, opt, opt_size, err))
		return -1;

	table = (uint64_t)lfanew + 24 + opt_size;
	table_end = table + (uint64_t)nsections * PE_SECTION_SIZE;
	p = bytes_at(&b, table, table_end - table);
	if (!p)
		return err_fail(err, "pe: section table [0x%llx, 0x%llx) beyond the image size 0x%llx",
				ULL(table), ULL(table_end), ULL(have));
	if (layout == PE_LOADED) {
		/* The firmware copies SizeOfHeaders bytes: the table must lie inside. */
		if (table_end > pe->size_of_headers)
			return err_fail(err, "pe: section table ends at 0x%llx, beyond SizeOfHeaders 0x%x",
					ULL(table_end), pe->size_of_headers);
		if (pe->size_of_image > len)
			return err_fail(err, "pe: SizeOfImage 0x%x beyond the loaded image's 0x%llx bytes",
					pe->size_of_image, ULL(len));
	} else if (pe->cert_size &&
		   (uint64_t)pe->cert_off + pe->cert_size > len) {
		return err_fail(err, "pe: security directory [0x%x, +0x%x) beyond file size 0x%llx",
				pe->cert_off, pe->cert_size, ULL(len));
	}

	pe->nsections = nsections;
	for (unsigned i = 0; i < nsections; i++) {
		const uint8_t *h = p + (size_t)i * PE_SECTION_SIZE;
		struct pe_section *s = &pe->sections[i];

		memcpy(s->name, h, 8);
		s->name[8] = '\0';
		s->vsize = le32(h + 8);
		s->vaddr = le32(h + 12);
		s->raw_size = le32(h + 16);
		s->raw_off = le32(h + 20);
		s->flags = le32(h + 36);
		if (pe_check_section(pe, i, len, layout, err))
			return -1;
	}
	return 0;
}

int pe_parse(struct pe_image *pe, const uint8_t *buf, uint64_t len, enum pe_layout layout,
	     struct err *err)
{
	return pe_parse_in(pe, buf, len, len, layout, err);
}

int pe_parse_headers(struct pe_image *pe, const uint8_t *buf, uint64_t have, uint64_t file_size,
		     struct err *err)
{
	if (have > file_size)
		return err_fail(err, "pe: %llu header bytes read from a file of %llu", ULL(have),
				ULL(file_size));
	return pe_parse_in(pe, buf, have, file_size, PE_FILE, err);
}

const struct pe_section *pe_find(const struct pe_image *pe, const char *name)
{
	size_t n = strlen(name);

	if (n > 8)
		return NULL;
	for (unsigned i = 0; i < pe->nsections; i++) {
		const char *have = pe->sections[i].name;
		if (memcmp(have, name, n) == 0 && (n == 8 || have[n] == '\0'))
			return &pe->sections[i];
	}
	return NULL;
}

void pe_section_span(const struct pe_section *s, enum pe_layout layout, uint64_t *off,
		     uint64_t *size)
{
	if (layout == PE_LOADED) {
		*off = s->vaddr;
		*size = s->vsize;
		return;
	}
	*off = s->raw_off;
	*size = (s->vsize && s->vsize < s->raw_size) ? s->vsize : s->raw_size;
}

uint64_t pe_next_rva(const struct pe_image *pe)
{
	uint64_t end = pe->size_of_headers;
	uint64_t align = pe->section_align;

	for (unsigned i = 0; i < pe->nsections; i++) {
		uint64_t e = (uint64_t)pe->sections[i].vaddr + pe_virtual_extent(&pe->sections[i]);
		if (e > end)
			end = e;
	}
	return (end + align - 1) & ~(align - 1);
}
