/*
 * fuzz_uki_text.c - fuzz target for uki_text.c (section text, PRETTY_NAME,
 * load options), driven by libFuzzer or by replay_main.c over the seeds in
 * tests/fuzz/corpus/uki_text/. Input: byte 0 = destination size (1..256,
 * a heap block of exactly that size so ASan sees a write past it), then
 * the bytes, read in all three ways. Promises checked: the result is
 * NUL-terminated within the destination, one-line text has no tab or line
 * end and no trailing blank.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/config/uki_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_one_line(const char *s, size_t dstsz)
{
	size_t n = strnlen(s, dstsz);

	check(n < dstsz);
	for (size_t i = 0; i < n; i++)
		check(s[i] != '\t' && s[i] != '\n' && s[i] != '\r');
	check(n == 0 || s[n - 1] != ' ');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t dstsz = (size_t)data[0] + 1;
	const uint8_t *in = data + 1;
	size_t len = size - 1;
	char *dst = malloc(dstsz);
	char *text = malloc(len + 1);

	check(dst && text);
	uki_text_copy(dst, dstsz, in, len, true);
	check_one_line(dst, dstsz);
	uki_text_copy(dst, dstsz, in, len, false);
	check(strnlen(dst, dstsz) < dstsz);

	memcpy(text, in, len);
	text[len] = '\0';
	if (uki_osrel_pretty_name(dst, dstsz, text))
		check(strnlen(dst, dstsz) < dstsz);

	if (uki_options_text(dst, dstsz, in, (uint32_t)(len > 0xffffffffu ? 0xffffffffu : len))) {
		check_one_line(dst, dstsz);
		for (const char *p = dst; *p; p++)
			check(*p >= 0x20 && *p <= 0x7e);
	} else {
		check(dst[0] == '\0');
	}
	free(text);
	free(dst);
	return 0;
}
