/*
 * elf_builder.h - test-only helper that writes small ELF32/ELF64 images into
 * memory, so the ELF tests (tests/unit/test_elf.c, test_inspect.c) can build
 * each edge case and then corrupt one field of it. Not part of any image.
 *
 * Layout: ELF header at 0, program headers at EB_PHOFF (room for
 * EB_MAX_PHDRS), appended data from EB_DATA on, section headers (if any
 * sections were declared) appended by eb_finish().
 */
#ifndef PVHBOOT_TEST_ELF_BUILDER_H
#define PVHBOOT_TEST_ELF_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EB_CAP 65536
#define EB_PHOFF 64
#define EB_MAX_PHDRS 40
#define EB_DATA 4096
#define EB_MAX_SECTIONS 8

struct eb {
	bool is64;
	uint8_t buf[EB_CAP];
	size_t size;
	unsigned phnum;
	unsigned nsec; /* declared sections, not counting the null section 0 */
	struct {
		uint32_t type;
		uint64_t offset, size;
	} sec[EB_MAX_SECTIONS];
};

enum eb_efield { EB_E_TYPE, EB_E_MACHINE, EB_E_ENTRY, EB_E_PHOFF, EB_E_SHOFF,
		 EB_E_PHENTSIZE, EB_E_PHNUM, EB_E_SHENTSIZE, EB_E_SHNUM };
enum eb_pfield { EB_P_TYPE, EB_P_FLAGS, EB_P_OFFSET, EB_P_VADDR, EB_P_PADDR,
		 EB_P_FILESZ, EB_P_MEMSZ, EB_P_ALIGN };

#define EB_PF_X 1u
#define EB_PF_W 2u
#define EB_PF_R 4u

/* ELF32 (EM_386) or ELF64 (EM_X86_64), ET_EXEC, no headers yet. */
void eb_init(struct eb *b, unsigned elf_class);
/* Append bytes at the next multiple of align (>= 1); returns their offset. */
uint64_t eb_append(struct eb *b, const void *data, size_t len, size_t align);
/* Add a program header (p_vaddr = p_paddr); returns its index. */
unsigned eb_phdr(struct eb *b, uint32_t type, uint32_t flags, uint64_t offset,
		 uint64_t paddr, uint64_t filesz, uint64_t memsz, uint64_t align);
void eb_set_phdr(struct eb *b, unsigned i, enum eb_pfield f, uint64_t v);
void eb_set_ehdr(struct eb *b, enum eb_efield f, uint64_t v);
/* File offset of a program header field, for tests that patch raw bytes. */
uint64_t eb_phdr_field_offset(const struct eb *b, unsigned i, enum eb_pfield f);
/* Declare a section; eb_finish() writes the section header table. */
void eb_section(struct eb *b, uint32_t type, uint64_t offset, uint64_t size);
void eb_finish(struct eb *b);

/*
 * Encode one note into out (namesz as given, so tests can lie about it):
 * header, name padded to 4, descriptor padded to 4. Returns its length.
 */
size_t eb_note(uint8_t *out, const char *name, uint32_t namesz, uint32_t type,
	       const void *desc, uint32_t descsz);

void eb_put16(uint8_t *p, uint16_t v);
void eb_put32(uint8_t *p, uint32_t v);
void eb_put64(uint8_t *p, uint64_t v);

/* Write the image to path (for the pvh-inspect test); false on failure. */
bool eb_write_file(const struct eb *b, const char *path);

/*
 * The whole file at path in a malloc'd buffer (one spare byte), its length
 * in *size; NULL if it cannot be opened. For tests that read real files.
 */
uint8_t *eb_read_file(const char *path, size_t *size);

#endif
