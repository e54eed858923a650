/*
 * elf_source.c - where the ELF parser (elf.c) gets the file's bytes: the
 * caller's buffer for elf_parse, or an elf_file read on demand into scratch
 * for elf_parse_file (the UEFI loader, which reads no more of a 66 MB
 * kernel than its headers and notes). The parser's checks and messages are
 * the same for both; only running out of scratch or a failed read is
 * particular to the file source.
 */
#include "elf/elf_private.h"

typedef unsigned long long ull; /* what fmt's %llx takes */

/* What a zero-length fetch points at: never NULL, never dereferenced. */
static const uint8_t elf_src_empty[1];

void elf_src_init_mem(struct elf_src *s, const void *buf, uint64_t size)
{
	memset(s, 0, sizeof(*s));
	s->mem = buf;
	s->size = buf ? size : 0; /* no buffer: an empty file, reported as too small */
}

void elf_src_init_file(struct elf_src *s, const struct elf_file *f, uint8_t *scratch,
		       size_t scratch_size)
{
	memset(s, 0, sizeof(*s));
	s->file = f;
	s->size = f->size;
	s->scratch = scratch;
	s->scratch_size = scratch ? scratch_size : 0;
}

static int elf_src_fail_room(const char *what, unsigned index, uint64_t len, size_t room,
			     struct err *err)
{
	if (index == ELF_SRC_NO_INDEX)
		return err_fail(err, "elf: %s of 0x%llx bytes exceeds the 0x%llx bytes of scratch left",
				what, (ull)len, (ull)room);
	return err_fail(err,
			"elf: %s %u: notes of 0x%llx bytes exceed the 0x%llx bytes of scratch left",
			what, index, (ull)len, (ull)room);
}

int elf_src_fetch(struct elf_src *s, const char *what, unsigned index, uint64_t off,
		  uint64_t len, const uint8_t **out, struct err *err)
{
	size_t room;
	uint8_t *dst;

	/* The caller has said why in its own words; this guards the read itself. */
	if (off > s->size || len > s->size - off)
		return err_fail(err, "elf: %s: 0x%llx bytes at offset 0x%llx beyond file size 0x%llx",
				what, (ull)len, (ull)off, (ull)s->size);
	if (len == 0) {
		*out = elf_src_empty;
		return 0;
	}
	if (!s->file) {
		/* off + len <= size, and size bytes exist in memory, so off fits size_t. */
		*out = s->mem + (size_t)off;
		return 0;
	}

	room = s->scratch_size - s->scratch_used;
	if (len > room)
		return elf_src_fail_room(what, index, len, room, err);
	dst = s->scratch + s->scratch_used;
	if (s->file->read(s->file, off, dst, len) != 0)
		return err_fail(err, "elf: read of 0x%llx bytes at offset 0x%llx failed", (ull)len,
				(ull)off);
	s->scratch_used += (size_t)len; /* len <= room, a size_t */
	*out = dst;
	return 0;
}
