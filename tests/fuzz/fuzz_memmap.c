/*
 * fuzz_memmap.c - fuzz target for memmap_normalise() and memmap_fit(),
 * driven by libFuzzer or by replay_main.c. Input bytes become raw entries
 * (small page-granular ones that overlap a lot, or raw 64-bit ones); the
 * normalised map must be sorted, disjoint, merged and agree with a direct
 * reading of the input at every boundary; shrinking must never add RAM.
 * Any broken promise aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvh/memmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FM_MAX_IN 300

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_memmap: broken: %s\n", what);
		abort();
	}
}

static unsigned fm_rank(uint32_t t)
{
	static const unsigned rank[8] = { 7, 1, 7, 3, 4, 5, 6, 2 };

	return t < 8 ? rank[t] : 7;
}

static uint64_t fm_end(const struct memmap_entry *e)
{
	uint64_t end;

	return __builtin_add_overflow(e->addr, e->size, &end) ? UINT64_MAX : end;
}

/* Type at a of the input by precedence, 0 in a hole. */
static uint32_t fm_input_type(const struct memmap_entry *in, unsigned n, uint64_t a)
{
	unsigned best = 0;
	uint32_t type = 0;

	for (unsigned i = 0; i < n; i++) {
		if (a < in[i].addr || a >= fm_end(&in[i]) || fm_rank(in[i].type) <= best)
			continue;
		best = fm_rank(in[i].type);
		type = in[i].type >= 1 && in[i].type <= 7 ? in[i].type : 2;
	}
	return type;
}

static uint32_t fm_output_type(const struct memmap *m, uint64_t a)
{
	for (unsigned i = 0; i < m->n; i++)
		if (a >= m->e[i].addr && a - m->e[i].addr < m->e[i].size)
			return m->e[i].type;
	return 0;
}

static void fm_check_at(const struct memmap_entry *in, unsigned n, const struct memmap *m,
			uint64_t a)
{
	check(fm_input_type(in, n, a) == fm_output_type(m, a), "type at a boundary");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct memmap_entry in[FM_MAX_IN];
	static struct memmap map, fitted;
	bool wide;
	unsigned n = 0, max;
	struct err err;

	if (size < 2)
		return 0;
	wide = data[0] & 1;
	max = data[1];
	data += 2;
	size -= 2;
	/* Narrow: 5 bytes (page, pages, type). Wide: 17 bytes (addr, size, type). */
	for (size_t step = wide ? 17 : 5; size >= step && n < FM_MAX_IN; data += step, size -= step) {
		if (wide) {
			in[n].addr = le64(data);
			in[n].size = le64(data + 8);
			in[n].type = data[16] % 10;
		} else {
			in[n].addr = (uint64_t)le16(data) * 0x1000;
			in[n].size = (uint64_t)(data[2] | (data[3] & 0x3) << 8) * 0x1000;
			in[n].type = data[4] % 10;
		}
		n++;
	}

	err_clear(&err);
	if (memmap_normalise(&map, in, n, &err) != 0) {
		check(strstr(err.msg, "memmap: more than 512 entries") != NULL, "error message");
		return 0;
	}
	for (unsigned i = 0; i < map.n; i++) {
		const struct memmap_entry *e = &map.e[i];

		check(e->size > 0 && e->type >= 1 && e->type <= 7, "entry shape");
		check(e->size <= UINT64_MAX - e->addr, "cut at 2^64 - 1");
		if (i) {
			const struct memmap_entry *p = &map.e[i - 1];

			check(e->addr >= p->addr + p->size, "sorted and disjoint");
			check(e->addr != p->addr + p->size || e->type != p->type, "merged");
		}
	}
	for (unsigned i = 0; i < n; i++) {
		uint64_t end = fm_end(&in[i]);

		if (in[i].size == 0)
			continue;
		fm_check_at(in, n, &map, in[i].addr);
		if (in[i].addr)
			fm_check_at(in, n, &map, in[i].addr - 1);
		fm_check_at(in, n, &map, end - 1);
		if (end != UINT64_MAX)
			fm_check_at(in, n, &map, end);
	}

	/* Shrink, keeping the first RAM entry: RAM may only shrink, never grow. */
	struct range keep = { 0, 0 };
	for (unsigned i = 0; i < map.n && keep.start == keep.end; i++)
		if (map.e[i].type == 1)
			keep = (struct range){ map.e[i].addr, map.e[i].addr + 1 };
	fitted = map;
	err_clear(&err);
	if (memmap_fit(&fitted, max, &keep, 1, &err) != 0) {
		check(strstr(err.msg, "memmap: cannot shrink") != NULL, "fit error message");
		return 0;
	}
	check(fitted.n <= max, "fit bound");
	for (unsigned i = 0; i < fitted.n; i++) {
		const struct memmap_entry *e = &fitted.e[i];

		if (e->type != 1)
			continue;
		check(fm_output_type(&map, e->addr) == 1, "fit claimed RAM at a start");
		check(fm_output_type(&map, e->addr + e->size - 1) == 1, "fit claimed RAM at an end");
	}
	/* No non-RAM range vanishes: it is merged into a stronger neighbour at worst. */
	for (unsigned i = 0; i < map.n; i++) {
		const struct memmap_entry *e = &map.e[i];
		uint32_t a = fm_output_type(&fitted, e->addr);
		uint32_t b = fm_output_type(&fitted, e->addr + e->size - 1);

		if (e->type == 1)
			continue;
		check(a != 0 && a != 1 && b != 0 && b != 1, "fit dropped a non-RAM range");
	}
	if (keep.start != keep.end)
		check(fm_output_type(&fitted, keep.start) == 1, "fit kept the keep range");
	return 0;
}
