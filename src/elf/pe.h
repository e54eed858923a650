/*
 * pe.h - bounds-checked reading of PE/COFF images (UEFI applications and
 * unified kernel images): the headers and the section table, and the bytes
 * of a named section.
 *
 * Callers: the UEFI loader, which finds its own sections (.linux, .initrd,
 * .cmdline ...) in the image the firmware loaded, and the host tools that
 * build such images. A PE image is read in one of two layouts: as a file
 * (sections at PointerToRawData) or as the firmware loaded it (sections at
 * VirtualAddress from the image base). Every offset and size is checked
 * against what the buffer holds, in arithmetic that cannot overflow; the
 * first problem is recorded in struct err naming the section, the field,
 * its value and the bound ("pe: section 3 '.linux': ...").
 */
#ifndef PVHBOOT_PE_H
#define PVHBOOT_PE_H

#include "lib/env.h"
#include "lib/err.h"

/* The PE/COFF specification's limit on NumberOfSections for images. */
#define PE_MAX_SECTIONS 96
#define PE_MACHINE_X86_64 0x8664
#define PE_MACHINE_I386 0x14c

enum pe_layout {
	PE_FILE,   /* the bytes of the file */
	PE_LOADED, /* the image as loaded: offsets are relative virtual addresses */
};

struct pe_section {
	char name[9]; /* the 8-byte field, NUL-terminated ("/4": a long name, kept as is) */
	uint32_t vaddr;    /* VirtualAddress (RVA) */
	uint32_t vsize;    /* VirtualSize */
	uint32_t raw_off;  /* PointerToRawData */
	uint32_t raw_size; /* SizeOfRawData */
	uint32_t flags;    /* Characteristics */
};

struct pe_image {
	uint16_t machine;
	bool pe32plus;           /* optional header magic 0x20b (else 0x10b, PE32) */
	uint64_t image_base;
	uint32_t section_align;
	uint32_t file_align;
	uint32_t size_of_image;
	uint32_t size_of_headers;
	uint16_t subsystem;
	uint32_t cert_off, cert_size; /* the security directory (a file offset), 0 if none */
	unsigned nsections;
	struct pe_section sections[PE_MAX_SECTIONS];
};

/*
 * Reads the headers and section table of the image in buf[0, len), laid out
 * as `layout` says. Refuses sections outside the buffer (or, loaded, outside
 * SizeOfImage) and sections whose ranges overlap. Returns 0 or -1 with err.
 */
int pe_parse(struct pe_image *pe, const uint8_t *buf, uint64_t len, enum pe_layout layout,
	     struct err *err);

/*
 * The same for a file of file_size bytes of which only the first `have` are
 * in buf: enough for the headers and the section table, which must lie
 * there; the sections are checked against file_size. For listing images
 * (the type 2 entries in /EFI/Linux) without reading them whole.
 */
int pe_parse_headers(struct pe_image *pe, const uint8_t *buf, uint64_t have, uint64_t file_size,
		     struct err *err);

/* The first section named `name` (compared over the 8-byte field), or NULL. */
const struct pe_section *pe_find(const struct pe_image *pe, const char *name);

/*
 * Where the data of a section lies in the buffer pe_parse read: the file
 * bytes [PointerToRawData, + min(VirtualSize, SizeOfRawData)) (VirtualSize
 * 0: all of SizeOfRawData), or loaded, [VirtualAddress, + VirtualSize): the
 * size the section's creator gave, without the padding to FileAlignment.
 */
void pe_section_span(const struct pe_section *s, enum pe_layout layout, uint64_t *off,
		     uint64_t *size);

/* The highest RVA any section or the headers reach, rounded up to SectionAlignment. */
uint64_t pe_next_rva(const struct pe_image *pe);

#endif
