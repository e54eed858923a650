/*
 * elf_private.h - what elf.c (headers, segments) and elf_note.c (Xen notes)
 * share: the one checked accessor every read goes through, the ELF
 * constants and the field offsets of both classes. Not for other modules:
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
 * The file as a bounded byte range. elf_bytes() is the only way to reach a
 * byte of it: it compares len with what remains after off, so neither the
 * test nor the pointer arithmetic can overflow.
 */
struct elf_buf {
	const uint8_t *base;
	uint64_t size;
};

static inline const uint8_t *elf_bytes(const struct elf_buf *b, uint64_t off, uint64_t len)
{
	if (off > b->size || len > b->size - off)
		return NULL;
	/* off <= size, and size bytes exist in memory, so off fits size_t. */
	return b->base + (size_t)off;
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
 * Read the notes of one area (already checked to lie inside the file):
 * record the Xen-owned ones in img and take PHYS32_ENTRY / PHYS32_RELOC
 * from them. Returns 0, or -1 with err set. *scanned counts notes of every
 * owner across all areas, for the cap.
 */
int elf_note_scan(struct elf_image *img, const struct elf_buf *b,
		  const struct elf_note_area *area, unsigned *scanned, struct err *err);

#endif
