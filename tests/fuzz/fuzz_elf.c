/*
 * fuzz_elf.c - fuzz target for elf_parse(), driven by libFuzzer or by
 * replay_main.c over the seed corpus. Beyond "does not crash", it checks the
 * promises of elf.h on every result and aborts when one is broken.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct elf_image img;
	struct err err;
	enum elf_status st;

	err_clear(&err);
	st = elf_parse(&img, data, size, &err);
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
