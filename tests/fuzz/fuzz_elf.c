/*
 * fuzz_elf.c - fuzz target for elf_parse() and elf_parse_file(), driven by
 * libFuzzer or by replay_main.c over the seed corpus. Beyond "does not
 * crash", it checks the promises of elf.h on every result, and that the file
 * reader (here over the same bytes, each read bounds-checked) gives the same
 * status, image and message as the in-memory parser; it aborts otherwise.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf/elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_image(const struct elf_image *img, const uint8_t *data, size_t size)
{
	check(img->elf_class == 32 || img->elf_class == 64);
	check(img->nsegments >= 1 && img->nsegments <= ELF_MAX_SEGMENTS);
	check(img->nnotes <= ELF_MAX_NOTES);
	for (unsigned i = 0; i < img->nsegments; i++) {
		const struct elf_segment *s = &img->segments[i];

		check(s->memsz > 0 && s->filesz <= s->memsz);
		check(s->offset <= size && s->filesz <= size - s->offset);
		check(s->paddr < 0x100000000ull && s->memsz <= 0x100000000ull - s->paddr);
		check(s->paddr >= img->span_start && s->paddr + s->memsz <= img->span_end);
		check(i == 0 || s->index > img->segments[i - 1].index);
		for (unsigned k = 0; k < i; k++) {
			const struct elf_segment *o = &img->segments[k];

			check(s->paddr >= o->paddr + o->memsz || o->paddr >= s->paddr + s->memsz);
		}
	}
	for (unsigned i = 0; i < img->nnotes; i++) {
		const struct elf_note *n = &img->notes[i];

		check(n->desc_offset <= size && n->descsz <= size - n->desc_offset);
		/* Touch the descriptor so ASan sees it is inside the input. */
		if (n->descsz) {
			volatile uint8_t last = data[n->desc_offset + n->descsz - 1];

			(void)last;
		}
		check(elf_xen_note_name(n->type) == NULL || strlen(elf_xen_note_name(n->type)) > 0);
	}
	if (img->reloc.present)
		check(img->nnotes > 0);
}

struct fuzz_file {
	struct elf_file f;
	const uint8_t *data;
};

static int fuzz_read(const struct elf_file *f, uint64_t off, void *buf, uint64_t len)
{
	const struct fuzz_file *ff = f->ctx;

	/* The parser must never ask for a byte outside the file, nor for none. */
	check(off <= f->size && len <= f->size - off && len > 0);
	memcpy(buf, ff->data + off, (size_t)len);
	return 0;
}

static bool same_image(const struct elf_image *a, const struct elf_image *b)
{
	bool same = a->elf_class == b->elf_class && a->machine == b->machine &&
		    a->type == b->type && a->entry == b->entry &&
		    a->notes_from_sections == b->notes_from_sections &&
		    a->nsegments == b->nsegments && a->span_start == b->span_start &&
		    a->span_end == b->span_end && a->nnotes == b->nnotes &&
		    a->has_pvh_entry == b->has_pvh_entry && a->pvh_entry == b->pvh_entry &&
		    a->pvh_entry_size == b->pvh_entry_size &&
		    a->reloc.present == b->reloc.present && a->reloc.align == b->reloc.align &&
		    a->reloc.min == b->reloc.min && a->reloc.max == b->reloc.max;

	for (unsigned i = 0; same && i < ELF_MAX_SEGMENTS; i++) {
		const struct elf_segment *x = &a->segments[i], *y = &b->segments[i];

		same = x->index == y->index && x->offset == y->offset && x->paddr == y->paddr &&
		       x->vaddr == y->vaddr && x->filesz == y->filesz && x->memsz == y->memsz &&
		       x->align == y->align && x->flags == y->flags;
	}
	for (unsigned i = 0; same && i < ELF_MAX_NOTES; i++) {
		const struct elf_note *x = &a->notes[i], *y = &b->notes[i];

		same = x->type == y->type && x->descsz == y->descsz &&
		       x->desc_offset == y->desc_offset && x->value == y->value;
	}
	return same;
}

/* The file reader agrees with elf_parse, unless its scratch ran out. */
static void check_file_reader(const uint8_t *data, size_t size, enum elf_status st,
			      const struct elf_image *img, const struct err *err)
{
	static uint8_t scratch[ELF_SCRATCH_SIZE];
	static struct elf_image fimg;
	struct fuzz_file ff = { .f = { .size = size, .read = fuzz_read }, .data = data };
	struct err ferr;
	enum elf_status fst;

	ff.f.ctx = &ff;
	err_clear(&ferr);
	fst = elf_parse_file(&fimg, &ff.f, scratch, sizeof(scratch), &ferr);
	/* Only a file bigger than the scratch can hold a range that does not fit. */
	if (fst == ELF_BAD && strstr(ferr.msg, "bytes of scratch left")) {
		check(size > ELF_SCRATCH_SIZE);
		return;
	}
	check(fst == st);
	check(ferr.set == err->set && strcmp(ferr.msg, err->msg) == 0);
	check(same_image(&fimg, img));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct elf_image img;
	struct err err;
	enum elf_status st;

	err_clear(&err);
	st = elf_parse(&img, data, size, &err);
	check_file_reader(data, size, st, &img, &err);
	switch (st) {
	case ELF_BAD:
		/* Every failure says why, in the subsystem's words. */
		check(err.set && strncmp(err.msg, "elf: ", 5) == 0);
		break;
	case ELF_NO_PVH:
		check(!img.has_pvh_entry);
		check_image(&img, data, size);
		break;
	case ELF_PVH: {
		bool inside = false;

		check(!err.set);
		check(img.has_pvh_entry && img.pvh_entry < 0x100000000ull);
		check(img.pvh_entry_size == 4 || img.pvh_entry_size == 8);
		check_image(&img, data, size);
		for (unsigned i = 0; i < img.nsegments; i++) {
			const struct elf_segment *s = &img.segments[i];

			if ((s->flags & 1) && img.pvh_entry >= s->paddr &&
			    img.pvh_entry < s->paddr + s->memsz)
				inside = true;
		}
		check(inside);
		break;
	}
	default:
		abort();
	}
	return 0;
}
