/*
 * fuzz_plan.c - fuzz target for plan_build(), driven by libFuzzer or by
 * replay_main.c. Input bytes become a small plan_input (a memory map with
 * holes in a 64 MiB space, segments, modules, busy ranges, a relocation
 * note, forced base or given delta, a live range); every plan that
 * is built is run on the memory model of tests/unit/plan_model.h, which
 * checks every promise of plan.h. Any broken promise aborts with the reason.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/plan_model.h"
#include "pvh/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fp_reader {
	const uint8_t *p;
	size_t left;
};

/* Reads n bytes as a little-endian number; missing bytes read as zero. */
static uint64_t fp_take(struct fp_reader *r, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t b = 0;

		if (r->left) {
			b = *r->p++;
			r->left--;
		}
		v |= b << (8 * i);
	}
	return v;
}

/* Mostly page-granular addresses and sizes below 64 MiB, sometimes odd. */
static uint64_t fp_addr(struct fp_reader *r)
{
	uint64_t v = fp_take(r, 2) * 0x1000 / 4;

	return fp_take(r, 1) & 1 ? v + fp_take(r, 1) : v & ~0xfffull;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct memmap_entry raw[16];
	static struct memmap map;
	static struct plan_input in;
	static struct plan plan, again;
	struct fp_reader r = { data, size };
	struct err err;
	char why[256];
	unsigned n = 0;

	raw[n++] = (struct memmap_entry){ 0x100000, 16 * 0x100000 + fp_take(&r, 2) * 0x1000, 1 };
	for (unsigned h = (unsigned)fp_take(&r, 1) % 8; h; h--)
		raw[n++] = (struct memmap_entry){ fp_addr(&r), fp_addr(&r),
						  (uint32_t)fp_take(&r, 1) % 8 };
	err_clear(&err);
	if (memmap_normalise(&map, raw, n, &err) != 0)
		abort();

	memset(&in, 0, sizeof(in));
	in.map = &map;
	in.nsegments = (unsigned)fp_take(&r, 1) % 7;
	for (unsigned i = 0; i < in.nsegments; i++) {
		struct plan_segment *s = &in.segments[i];

		s->dst = fp_addr(&r);
		s->memsz = fp_addr(&r) / 8 + 1;
		s->filesz = fp_take(&r, 1) & 1 ? s->memsz : s->memsz * fp_take(&r, 1) / 256;
		s->src = fp_take(&r, 1) & 1 ? s->dst : fp_addr(&r);
	}
	in.nmodules = (unsigned)fp_take(&r, 1) % 5;
	for (unsigned i = 0; i < in.nmodules; i++) {
		in.modules[i].addr = fp_addr(&r);
		in.modules[i].size = fp_addr(&r) / 8;
	}
	in.nbusy = (unsigned)fp_take(&r, 1) % 3;
	for (unsigned i = 0; i < in.nbusy; i++) {
		in.busy[i].start = fp_addr(&r);
		in.busy[i].end = in.busy[i].start + fp_addr(&r) / 16;
	}
	in.bootdata_size = fp_take(&r, 2);
	in.handoff_size = fp_take(&r, 2) / 4;
	/* Relocation note (any alignment, odd ones included), forced base, given delta, live range. */
	unsigned flags = (unsigned)fp_take(&r, 1);
	in.reloc.relocatable = flags & 1;
	in.reloc.align = flags & 0x10 ? fp_take(&r, 4) : 1ull << (fp_take(&r, 1) % 32);
	in.reloc.min = fp_addr(&r);
	in.reloc.max = flags & 0x20 ? fp_take(&r, 8) : fp_addr(&r) * 4;
	in.reloc.forced = flags & 2;
	in.reloc.base = fp_addr(&r);
	in.delta_given = flags & 4;
	in.delta = fp_take(&r, 1) & 1 ? fp_addr(&r) : -fp_addr(&r);
	if (flags & 8) {
		in.nlive = 1;
		in.live[0].start = fp_addr(&r);
		in.live[0].end = in.live[0].start + fp_addr(&r) / 16;
	}

	err_clear(&err);
	if (plan_build(&plan, &in, &err) != 0) {
		if (strncmp(err.msg, "plan: ", 6) != 0)
			abort();
		return 0;
	}
	if (pm_check_plan(&in, &plan, why, sizeof(why)) != 0) {
		fprintf(stderr, "fuzz_plan: %s\n", why);
		abort();
	}
	/* The same input gives the same plan. */
	if (plan_build(&again, &in, &err) != 0 || memcmp(&plan, &again, sizeof(plan)) != 0)
		abort();
	return 0;
}
