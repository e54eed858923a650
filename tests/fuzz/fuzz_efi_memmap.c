/*
 * fuzz_efi_memmap.c - fuzz target for the UEFI memory map reader
 * (src/loader/config/efi_memmap.c). The first byte picks the descriptor size
 * (40, 48, 56, 64 or a bad one), the next 16 bytes a range to test with
 * efi_memmap_check_free(), the rest is the map (also read by
 * efi_memmap_convert and efi_memmap_free_now, whose merging runs when the
 * map has more than 64 ranges). Driven by libFuzzer or by
 * replay_main.c; it re-checks every answer by a plain walk of the bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/config/efi_memmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = { 40, 48, 56, 64, 44, 32 };
	static struct memmap_entry out[64];
	const uint8_t *map;
	size_t map_size, desc_size, count;
	struct range r;
	struct err err;
	unsigned n = 0;
	int rc;

	if (size < 17)
		return 0;
	desc_size = sizes[data[0] % 6];
	r.start = le64(data + 1);
	r.end = r.start + (le64(data + 9) & 0xffffffffull); /* may wrap: then empty */
	map = data + 17;
	map_size = size - 17;

	err_clear(&err);
	rc = efi_memmap_convert(map, map_size, desc_size, out, 64, &n, &err);
	if (rc < 0) {
		check(err.set && !strncmp(err.msg, "efi memmap: ", 12));
	} else {
		check(!err.set && desc_size >= 40 && desc_size % 8 == 0);
		check(map_size % desc_size == 0 && n <= map_size / desc_size && n <= 64);
		for (unsigned i = 0; i < n; i++) {
			check(out[i].size > 0 && out[i].size % 4096 == 0);
			check(out[i].addr + out[i].size > out[i].addr ||
			      out[i].addr + out[i].size == 0);
			check(out[i].type >= 1 && out[i].type <= 7 && out[i].type != 6);
		}
	}

	/* The memory free now: RAM entries only, no more of them than descriptors. */
	err_clear(&err);
	rc = efi_memmap_free_now(map, map_size, desc_size, out, 64, &n, &err);
	if (rc < 0) {
		check(err.set && !strncmp(err.msg, "efi memmap: ", 12));
	} else {
		check(n <= map_size / desc_size && n <= 64);
		for (unsigned i = 0; i < n; i++)
			check(out[i].type == 1 && out[i].size > 0 && out[i].size % 4096 == 0);
	}

	err_clear(&err);
	rc = efi_memmap_check_free(map, map_size, desc_size, r, &err);
	if (rc < 0) {
		check(err.set && !strncmp(err.msg, "efi memmap: ", 12));
		return 0;
	}
	check(efi_memmap_check(map_size, desc_size, &count, &err) == 0);
	/* Independently: no in-use descriptor touches r, and r is covered. */
	if (r.start >= r.end)
		return 0;
	for (size_t i = 0; i < count; i++) {
		const uint8_t *p = map + i * desc_size;
		uint64_t start = le64(p + 8), bytes = le64(p + 24) * 4096;

		if (bytes && !efi_memtype_free_after_exit(le32(p)))
			check(start >= r.end || start + bytes <= r.start);
	}
	for (uint64_t at = r.start; at < r.end;) {
		uint64_t next = at;

		for (size_t i = 0; i < count; i++) {
			const uint8_t *p = map + i * desc_size;
			uint64_t start = le64(p + 8), end = start + le64(p + 24) * 4096;

			if (start <= at && at < end && end > next)
				next = end;
		}
		check(next > at);
		at = next;
	}
	return 0;
}
