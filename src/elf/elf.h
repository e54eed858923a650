/*
 * elf.h - bounds-checked reading of ELF32/ELF64 little-endian x86 kernels:
 * headers, load segments and the Xen notes that make a kernel PVH-bootable.
 *
 * The reader takes (buffer, size) and never touches a byte outside it; every
 * offset + size is checked in arithmetic that cannot overflow. The first
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

/* "PHYS32_ENTRY", "GUEST_OS", ... or NULL for an unknown type. */
const char *elf_xen_note_name(uint32_t type);

#endif
