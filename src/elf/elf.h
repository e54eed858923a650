/*
 * elf.h - bounds-checked reading of ELF32/ELF64 little-endian x86 kernels:
 * headers, load segments and the Xen notes that make a kernel PVH-bootable.
 *
 * The reader takes (buffer, size), or a file it reads on demand (struct
 * elf_file), and never touches a byte outside it; every offset + size is
 * checked in arithmetic that cannot overflow. The first
 * problem found is recorded in struct err, naming the field, its value and
 * the bound ("elf: phdr 3: p_offset+p_filesz 0x... beyond file size 0x...").
 */
#ifndef PVHBOOT_ELF_H
#define PVHBOOT_ELF_H

#include "lib/env.h"
#include "lib/err.h"

#define ELF_MAX_SEGMENTS 32
#define ELF_MAX_NOTES 64

/* Result of elf_parse(); also pvh-inspect's exit status. */
enum elf_status {
	ELF_PVH = 0,    /* valid, carries a usable PHYS32 entry */
	ELF_NO_PVH = 1, /* valid ELF, no XEN_ELFNOTE_PHYS32_ENTRY */
	ELF_BAD = 2,    /* unreadable or malformed; err says why */
};

struct elf_segment {
	unsigned index; /* program header number */
	uint64_t offset;
	uint64_t paddr; /* where it is loaded: always p_paddr, never p_vaddr */
	uint64_t vaddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
	uint32_t flags; /* PF_X 1, PF_W 2, PF_R 4 */
};

/* One Xen note as found ("Xen" owner), for reporting. */
struct elf_note {
	uint32_t type;
	uint32_t descsz;
	uint64_t desc_offset; /* file offset of the descriptor */
	uint64_t value;       /* little-endian value if descsz is 1, 2, 4 or 8 */
};

struct elf_reloc {
	bool present;
	uint64_t align;
	uint64_t min;
	uint64_t max;
};

struct elf_image {
	unsigned elf_class; /* 32 or 64 */
	uint16_t machine;   /* EM_386 3, EM_X86_64 62 */
	uint16_t type;      /* ET_EXEC 2, ET_DYN 3 */
	uint64_t entry;     /* e_entry, for reporting only */
	bool notes_from_sections; /* no PT_NOTE: notes came from SHT_NOTE */

	unsigned nsegments; /* PT_LOAD with p_memsz > 0, in header order */
	struct elf_segment segments[ELF_MAX_SEGMENTS];
	uint64_t span_start; /* lowest p_paddr of a load segment */
	uint64_t span_end;   /* highest p_paddr + p_memsz (exclusive) */

	unsigned nnotes;
	struct elf_note notes[ELF_MAX_NOTES];

	bool has_pvh_entry;
	uint64_t pvh_entry; /* XEN_ELFNOTE_PHYS32_ENTRY */
	uint32_t pvh_entry_size; /* its descriptor size: 4 or 8 */
	struct elf_reloc reloc;  /* XEN_ELFNOTE_PHYS32_RELOC */
};

/*
 * Parse buf and fill img. Returns ELF_PVH, ELF_NO_PVH or ELF_BAD (with err
 * set). ELF_PVH also means: the entry lies inside an executable load
 * segment, load segments do not overlap each other, p_filesz <= p_memsz,
 * and every segment lies below 4 GiB.
 */
enum elf_status elf_parse(struct elf_image *img, const void *buf, uint64_t size,
			  struct err *err);

/* A file read on demand: read(f, off, buf, len) copies len bytes at offset off; 0 or -1. */
struct elf_file {
	uint64_t size;
	int (*read)(const struct elf_file *f, uint64_t off, void *buf, uint64_t len);
	void *ctx;
};

/* Scratch memory for elf_parse_file: headers, program headers, notes, section headers. */
#define ELF_SCRATCH_SIZE (128 * 1024)

/*
 * elf_parse for a file that is not in memory (the UEFI loader reads each load
 * segment straight to its destination afterwards). Reads through f->read only
 * what the parser needs: the ELF header, the program header table, the
 * PT_NOTE segments (or, without any, the section header table and the
 * SHT_NOTE sections), each range checked against f->size first. Same status,
 * image and messages as elf_parse on the whole file, unless a range does not
 * fit the scratch left ("elf: phdr table of 0x... bytes exceeds the 0x...
 * bytes of scratch left") or a read fails ("elf: read of 0x... bytes at
 * offset 0x... failed"), both ELF_BAD. Nothing in img points into scratch.
 */
enum elf_status elf_parse_file(struct elf_image *img, const struct elf_file *f,
			       uint8_t *scratch, size_t scratch_size, struct err *err);

/* "PHYS32_ENTRY", "GUEST_OS", ... or NULL for an unknown type. */
const char *elf_xen_note_name(uint32_t type);

#endif
