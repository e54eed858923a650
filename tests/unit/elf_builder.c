/*
 * elf_builder.c - builds small ELF images in memory for the ELF tests (see
 * elf_builder.h). Writes fields by their System V ABI offsets, independently
 * of src/elf, so a mistake in the reader is not mirrored here.
 */
#include "elf_builder.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void eb_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void eb_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void eb_put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Offset and width of each header field in the two classes. */
struct eb_field {
	unsigned off32, w32, off64, w64;
};

static const struct eb_field eb_efields[] = {
	[EB_E_TYPE] = { 16, 2, 16, 2 },       [EB_E_MACHINE] = { 18, 2, 18, 2 },
	[EB_E_ENTRY] = { 24, 4, 24, 8 },      [EB_E_PHOFF] = { 28, 4, 32, 8 },
	[EB_E_SHOFF] = { 32, 4, 40, 8 },      [EB_E_PHENTSIZE] = { 42, 2, 54, 2 },
	[EB_E_PHNUM] = { 44, 2, 56, 2 },      [EB_E_SHENTSIZE] = { 46, 2, 58, 2 },
	[EB_E_SHNUM] = { 48, 2, 60, 2 },
};

static const struct eb_field eb_pfields[] = {
	[EB_P_TYPE] = { 0, 4, 0, 4 },    [EB_P_FLAGS] = { 24, 4, 4, 4 },
	[EB_P_OFFSET] = { 4, 4, 8, 8 },  [EB_P_VADDR] = { 8, 4, 16, 8 },
	[EB_P_PADDR] = { 12, 4, 24, 8 }, [EB_P_FILESZ] = { 16, 4, 32, 8 },
	[EB_P_MEMSZ] = { 20, 4, 40, 8 }, [EB_P_ALIGN] = { 28, 4, 48, 8 },
};

static void eb_put(uint8_t *p, unsigned width, uint64_t v)
{
	if (width == 2)
		eb_put16(p, (uint16_t)v);
	else if (width == 4)
		eb_put32(p, (uint32_t)v);
	else
		eb_put64(p, v);
}

void eb_set_ehdr(struct eb *b, enum eb_efield f, uint64_t v)
{
	const struct eb_field *d = &eb_efields[f];

	eb_put(b->buf + (b->is64 ? d->off64 : d->off32), b->is64 ? d->w64 : d->w32, v);
}

uint64_t eb_phdr_field_offset(const struct eb *b, unsigned i, enum eb_pfield f)
{
	const struct eb_field *d = &eb_pfields[f];

	return EB_PHOFF + (uint64_t)i * (b->is64 ? 56 : 32) + (b->is64 ? d->off64 : d->off32);
}

void eb_set_phdr(struct eb *b, unsigned i, enum eb_pfield f, uint64_t v)
{
	const struct eb_field *d = &eb_pfields[f];

	eb_put(b->buf + eb_phdr_field_offset(b, i, f), b->is64 ? d->w64 : d->w32, v);
}

void eb_init(struct eb *b, unsigned elf_class)
{
	memset(b, 0, sizeof(*b));
	b->is64 = elf_class == 64;
	memcpy(b->buf, "\177ELF", 4);
	b->buf[4] = b->is64 ? 2 : 1; /* EI_CLASS */
	b->buf[5] = 1;               /* EI_DATA: little-endian */
	b->buf[6] = 1;               /* EI_VERSION */
	eb_set_ehdr(b, EB_E_TYPE, 2);
	eb_set_ehdr(b, EB_E_MACHINE, b->is64 ? 62 : 3);
	eb_put32(b->buf + 20, 1); /* e_version */
	eb_set_ehdr(b, EB_E_PHOFF, EB_PHOFF);
	eb_put16(b->buf + (b->is64 ? 52 : 40), b->is64 ? 64 : 52); /* e_ehsize */
	eb_set_ehdr(b, EB_E_PHENTSIZE, b->is64 ? 56 : 32);
	eb_set_ehdr(b, EB_E_SHENTSIZE, b->is64 ? 64 : 40);
	b->size = EB_DATA;
}

uint64_t eb_append(struct eb *b, const void *data, size_t len, size_t align)
{
	size_t off = (b->size + align - 1) / align * align;

	assert(off + len <= EB_CAP);
	memcpy(b->buf + off, data, len);
	b->size = off + len;
	return off;
}

unsigned eb_phdr(struct eb *b, uint32_t type, uint32_t flags, uint64_t offset,
		 uint64_t paddr, uint64_t filesz, uint64_t memsz, uint64_t align)
{
	unsigned i = b->phnum++;

	assert(i < EB_MAX_PHDRS);
	eb_set_phdr(b, i, EB_P_TYPE, type);
	eb_set_phdr(b, i, EB_P_FLAGS, flags);
	eb_set_phdr(b, i, EB_P_OFFSET, offset);
	eb_set_phdr(b, i, EB_P_VADDR, paddr);
	eb_set_phdr(b, i, EB_P_PADDR, paddr);
	eb_set_phdr(b, i, EB_P_FILESZ, filesz);
	eb_set_phdr(b, i, EB_P_MEMSZ, memsz);
	eb_set_phdr(b, i, EB_P_ALIGN, align);
	eb_set_ehdr(b, EB_E_PHNUM, b->phnum);
	return i;
}

void eb_section(struct eb *b, uint32_t type, uint64_t offset, uint64_t size)
{
	assert(b->nsec < EB_MAX_SECTIONS);
	b->sec[b->nsec].type = type;
	b->sec[b->nsec].offset = offset;
	b->sec[b->nsec].size = size;
	b->nsec++;
}

void eb_finish(struct eb *b)
{
	size_t ent = b->is64 ? 64 : 40;
	uint8_t sh[64];
	uint64_t shoff;

	if (b->nsec == 0)
		return;
	memset(sh, 0, sizeof(sh));
	shoff = eb_append(b, sh, ent, 8); /* the null section 0 */
	for (unsigned i = 0; i < b->nsec; i++) {
		memset(sh, 0, sizeof(sh));
		eb_put32(sh + 4, b->sec[i].type);
		if (b->is64) {
			eb_put64(sh + 24, b->sec[i].offset);
			eb_put64(sh + 32, b->sec[i].size);
		} else {
			eb_put32(sh + 16, (uint32_t)b->sec[i].offset);
			eb_put32(sh + 20, (uint32_t)b->sec[i].size);
		}
		eb_append(b, sh, ent, 1);
	}
	eb_set_ehdr(b, EB_E_SHOFF, shoff);
	eb_set_ehdr(b, EB_E_SHNUM, b->nsec + 1);
}

size_t eb_note(uint8_t *out, const char *name, uint32_t namesz, uint32_t type,
	       const void *desc, uint32_t descsz)
{
	size_t npad = (namesz + 3u) & ~3u, dpad = (descsz + 3u) & ~3u;

	memset(out, 0, 12 + npad + dpad);
	eb_put32(out, namesz);
	eb_put32(out + 4, descsz);
	eb_put32(out + 8, type);
	memcpy(out + 12, name, namesz);
	if (descsz)
		memcpy(out + 12 + npad, desc, descsz);
	return 12 + npad + dpad;
}

bool eb_write_file(const struct eb *b, const char *path)
{
	FILE *f = fopen(path, "wb");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(b->buf, 1, b->size, f) == b->size;
	return fclose(f) == 0 && ok;
}

uint8_t *eb_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	/* An existing file that cannot be read whole is a broken test machine: abort. */
	assert(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	assert(n >= 0 && fseek(f, 0, SEEK_SET) == 0);
	buf = malloc((size_t)n + 1);
	assert(buf != NULL);
	assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}
