/*
 * fuzz_bzimage.c - fuzz target for the bzImage reader (src/elf/bzimage.c),
 * driven by libFuzzer or by replay_main.c over the seed corpus. Beyond
 * "does not crash", it checks the promises of bzimage.h on every result:
 * the payload lies inside the input after the setup code; the header read
 * from a prefix agrees with the whole-file parse; the version string is
 * printable and terminated; every lz4 block lies inside its stream (walked
 * over the payload, and over the whole input when it begins with the lz4
 * magic, so the block walker is fuzzed directly too). Aborts otherwise.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf/bzimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* Every block inside [data, data+size), in order, none empty or too big. */
static void walk_lz4(const uint8_t *data, uint64_t size)
{
	struct bzimage_lz4 r;
	struct err err;
	const uint8_t *block, *last_end = data;
	uint32_t len;
	int st;

	err_clear(&err);
	if (bzimage_lz4_init(&r, data, size, &err)) {
		check(err.set && strncmp(err.msg, "bzimage: lz4", 12) == 0);
		return;
	}
	while ((st = bzimage_lz4_next(&r, &block, &len, &err)) == 1) {
		check(len >= 1 && len <= BZIMAGE_LZ4_BLOCK_BOUND);
		check(block >= last_end + 4 && block <= data + size && len <= size - (uint64_t)(block - data));
		/* Touch the block's ends so ASan sees they are inside the input. */
		volatile uint8_t first = block[0], final = block[len - 1];

		(void)first;
		(void)final;
		last_end = block + len;
	}
	check(st == 0 || (st == -1 && err.set && strncmp(err.msg, "bzimage: lz4", 12) == 0));
	if (st == 0)
		check(r.size - r.pos == 0 || r.size - r.pos == 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bzimage_info info, head;
	struct err err, herr;
	int st, hst;
	size_t prefix = size < 0x1000 ? size : 0x1000;

	err_clear(&err);
	err_clear(&herr);
	st = bzimage_parse(&info, data, size, &err);
	hst = bzimage_parse_header(&head, data, prefix, size, &herr);
	if (st == 0) {
		size_t vlen = strlen(info.version);

		check(!err.set && bzimage_detect(data, size));
		check(info.protocol >= BZIMAGE_PROTOCOL_PAYLOAD);
		check(info.setup_sects >= 1 && info.setup_sects <= 255);
		check(info.setup_size == (info.setup_sects + 1u) * 512u && info.setup_size <= size);
		check(info.payload_offset >= info.setup_size && info.payload_length > 0);
		check(info.payload_offset < size && info.payload_length <= size - info.payload_offset);
		check(info.comp != BZIMAGE_COMP_UNKNOWN);
		check(bzimage_comp_of(data + info.payload_offset, info.payload_length) == info.comp);
		check(strcmp(bzimage_comp_name(info.comp), "unknown") != 0);
		check(vlen < BZIMAGE_VERSION_MAX && info.release_len <= vlen);
		for (size_t i = 0; i < vlen; i++)
			check(info.version[i] >= 0x20 && info.version[i] <= 0x7e);
		check(info.has_size_trailer == (info.payload_length >= 4));
		if (info.has_size_trailer) {
			const uint8_t *t = data + info.payload_offset + info.payload_length - 4;

			check(info.size_trailer == ((uint32_t)t[0] | (uint32_t)t[1] << 8 |
						    (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24));
		}
		if (info.comp == BZIMAGE_COMP_LZ4)
			walk_lz4(data + info.payload_offset, info.payload_length);
	} else {
		check(err.set && strncmp(err.msg, "bzimage: ", 9) == 0);
	}
	/* The header read from a prefix: same verdict on the header, same range. */
	if (hst == 0) {
		check(st == 0 || strstr(err.msg, "unknown compression"));
		check(head.payload_offset == info.payload_offset &&
		      head.payload_length == info.payload_length && head.protocol == info.protocol &&
		      head.setup_size == info.setup_size);
		check(head.comp == BZIMAGE_COMP_UNKNOWN || head.comp == info.comp);
		/* A version read from the prefix is the one read from the whole. */
		check(head.version[0] == '\0' || strcmp(head.version, info.version) == 0);
	} else if (!strstr(herr.msg, "bytes read")) {
		/* Failing for a reason other than the prefix's length: the whole
		 * file fails too, with the same message. */
		check(st == -1 && strcmp(herr.msg, err.msg) == 0);
	}
	if (size >= 4 && bzimage_comp_of(data, size) == BZIMAGE_COMP_LZ4)
		walk_lz4(data, size);
	return 0;
}
