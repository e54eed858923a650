/*
 * fuzz_pe.c - fuzz target for pe_parse() and pe_parse_headers() (src/elf/pe.c), driven by
 * libFuzzer or by replay_main.c over the seed corpus. The input is read in
 * both layouts; beyond "does not crash", every promise of pe.h is checked
 * and a broken one aborts: sections inside the buffer and SizeOfImage, no
 * two overlapping, each span readable, pe_find returning what it names.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf/pe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_image(const struct pe_image *pe, const uint8_t *data, size_t size,
			enum pe_layout layout)
{
	volatile uint8_t sink = 0;

	check(pe->nsections <= PE_MAX_SECTIONS);
	check(pe->section_align && !(pe->section_align & (pe->section_align - 1)));
	for (unsigned i = 0; i < pe->nsections; i++) {
		const struct pe_section *s = &pe->sections[i];
		uint64_t off, len;

		check(s->name[8] == '\0');
		pe_section_span(s, layout, &off, &len);
		if (layout == PE_LOADED || s->raw_size) {
			check(off + len <= size);
			if (len)
				sink ^= data[off] ^ data[off + len - 1];
		}
		check((uint64_t)s->vaddr + (s->vsize ? s->vsize : s->raw_size) <= pe->size_of_image);
		check(pe_next_rva(pe) >= (uint64_t)s->vaddr + s->vsize);
		if (s->name[0] && pe_find(pe, s->name) != s) {
			/* Only an earlier section of the same name may shadow it. */
			const struct pe_section *first = pe_find(pe, s->name);
			check(first && first < s && !strncmp(first->name, s->name, 8));
		}
	}
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pe_image pe;
	struct err err;

	err_clear(&err);
	if (pe_parse(&pe, data, size, PE_FILE, &err) == 0)
		check_image(&pe, data, size, PE_FILE);
	else
		check(err.set && err.msg[0]);
	err_clear(&err);
	if (pe_parse(&pe, data, size, PE_LOADED, &err) == 0) {
		check(pe.size_of_image <= size);
		check_image(&pe, data, size, PE_LOADED);
	} else {
		check(err.set && err.msg[0]);
	}
	/* Headers from a prefix: the same verdict as the whole file whenever the
	 * prefix holds them, and never a read past it. */
	if (size) {
		static struct pe_image whole;
		struct err e2;
		size_t have = data[0] % 2 ? size : size / 2;
		uint8_t *prefix = malloc(have ? have : 1);
		check(prefix != NULL);
		memcpy(prefix, data, have);
		err_clear(&err);
		err_clear(&e2);
		int r = pe_parse_headers(&pe, prefix, have, size, &err);
		check(r == 0 || (err.set && err.msg[0]));
		if (r == 0) {
			check(pe_parse(&whole, data, size, PE_FILE, &e2) == 0);
			check(whole.nsections == pe.nsections);
		}
		free(prefix);
	}
	return 0;
}
