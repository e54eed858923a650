/*
 * elf_private.h - what elf.c (headers, segments) and elf_note.c (Xen notes)
 * share, and elf_source.c provides: the source of the file's bytes (memory
 * or an elf_file read into scratch), the one checked accessor every read
 * of fetched bytes goes through, the ELF constants. Not for other modules:
 * they see only elf.h.
 */
#ifndef PVHBOOT_ELF_PRIVATE_H
#define PVHBOOT_ELF_PRIVATE_H

#include "elf/elf.h"

/* e_ident and header constants (System V ABI; spelled here because the core
 * may include no C library header such as <elf.h>). */
#define ELF_EI_NIDENT 16
#define ELF_EI_CLASS 4
#define ELF_EI_DATA 5
#define ELF_EI_VERSION 6
#define ELF_CLASS32 1
#define ELF_CLASS64 2
#define ELF_DATA2LSB 1
#define ELF_EV_CURRENT 1
#define ELF_ET_EXEC 2
#define ELF_ET_DYN 3
#define ELF_EM_386 3
#define ELF_EM_X86_64 62
#define ELF_PN_XNUM 0xffffu
#define ELF_PT_LOAD 1
#define ELF_PT_NOTE 4
#define ELF_SHT_NOTE 7
#define ELF_PF_X 1u

#define ELF_4GIB 0x100000000ull
/* Notes read in one file before it is called broken (Xen caps this too). */
#define ELF_MAX_NOTES_SCANNED 1024

/*
 * A table or a note area fetched from the file is a struct byte_range
 * (lib/env.h): bytes_at() is the only way to reach a byte of it, and it
 * compares len with what remains after off, so neither the test nor the
 * pointer arithmetic can overflow.
 */

/*
 * Where the file's bytes come from, so elf_parse and elf_parse_file share
 * one parser: a buffer holding the whole file (fetch returns pointers into
 * it) or an elf_file read on demand into scratch (a bump allocator that
 * the parser rewinds with elf_src_release once a range is no longer needed).
 */
struct elf_src {
	uint64_t size;                /* file size: the bound of every check */
	const uint8_t *mem;           /* whole file, when file is NULL */
	const struct elf_file *file;  /* read on demand, or NULL */
	uint8_t *scratch;
	size_t scratch_size;
	size_t scratch_used;
};

/* No index to print after the name of a fetched range. */
#define ELF_SRC_NO_INDEX (~0u)

void elf_src_init_mem(struct elf_src *s, const void *buf, uint64_t size);
void elf_src_init_file(struct elf_src *s, const struct elf_file *f, uint8_t *scratch,
		       size_t scratch_size);

/*
 * Make bytes [off, off+len) of the file reachable at *out; they stay valid
 * until the scratch is released below them. The caller checks the range
 * against s->size first, with its own message; fetch checks again (a
 * range outside the file is never read) and fails, with err set, when the
 * range does not fit the scratch left or the read fails. what (and index
 * unless ELF_SRC_NO_INDEX) name the range: "phdr table", "phdr" 2.
 */
int elf_src_fetch(struct elf_src *s, const char *what, unsigned index, uint64_t off,
		  uint64_t len, const uint8_t **out, struct err *err);

/* Scratch position to come back to; releasing frees what was fetched since. */
static inline size_t elf_src_mark(const struct elf_src *s)
{
	return s->scratch_used;
}

static inline void elf_src_release(struct elf_src *s, size_t mark)
{
	s->scratch_used = mark;
}

/* Header facts both files need, read once by elf.c. */
struct elf_hdr {
	bool is64;
	uint64_t shoff;
	uint16_t shentsize;
	uint16_t shnum;
};

/* A range of the file that holds notes, and how to name it in messages. */
struct elf_note_area {
	uint64_t offset;
	uint64_t size;
	bool is_section; /* false: phdr number, true: section number */
	unsigned index;
};

/*
 * Read the notes of one area, whose area->size bytes (already checked to
 * lie inside the file and fetched) are at bytes: record the Xen-owned ones
 * in img and take PHYS32_ENTRY / PHYS32_RELOC from them. Nothing recorded
 * points into bytes. Returns 0, or -1 with err set. *scanned counts notes
 * of every owner across all areas, for the cap.
 */
int elf_note_scan(struct elf_image *img, const uint8_t *bytes,
		  const struct elf_note_area *area, unsigned *scanned, struct err *err);

#endif
