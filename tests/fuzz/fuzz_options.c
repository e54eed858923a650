/*
 * fuzz_options.c - fuzz target for options_parse(), driven by libFuzzer or
 * by replay_main.c over the seed corpus (tests/fuzz/corpus/options/).
 * Input: byte 0 bit 0 = all_words (multiboot mode), byte 1 = size of the
 * rest buffer (0..255, a heap block of exactly that size so ASan sees a
 * write past it), then the command line (cut at its first NUL).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/common/options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Some word of rest is an option word that should have been taken out. */
static bool has_option_word(const char *s)
{
	while (*s) {
		while (is_space(*s))
			s++;
		if (strncmp(s, "pvhboot.", 8) == 0 && s[8] && !is_space(s[8]))
			return true;
		while (*s && !is_space(*s))
			s++;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct loader_options opts, again;
	bool all_words;
	size_t restsz;
	char *in, *rest, *rest2;

	if (size < 2)
		return 0;
	all_words = data[0] & 1;
	restsz = data[1];
	in = malloc(size - 1);
	rest = malloc(restsz ? restsz : 1);
	rest2 = malloc(restsz ? restsz : 1);
	check(in && rest && rest2);
	memcpy(in, data + 2, size - 2);
	in[size - 2] = '\0';

	memset(&opts, 0, sizeof(opts));
	options_parse(&opts, in, all_words, restsz ? rest : NULL, restsz);
	check(opts.nunknown <= OPTIONS_MAX_UNKNOWN);
	for (unsigned i = 0; i < opts.nunknown; i++)
		check(memchr(opts.unknown[i], '\0', sizeof(opts.unknown[i])) != NULL);
	if (restsz) {
		check(memchr(rest, '\0', restsz) != NULL);
		check(strlen(rest) <= strlen(in));
		if (all_words)
			check(rest[0] == '\0'); /* multiboot: every word is the loader's */
		else
			check(!has_option_word(rest));
		check(rest[0] == '\0' || (!is_space(rest[0]) && !is_space(rest[strlen(rest) - 1])));

		/* What is left for the kernel has no options in it: a second pass keeps it. */
		if (!all_words) {
			memset(&again, 0, sizeof(again));
			options_parse(&again, rest, false, rest2, restsz);
			check(!again.debug && !again.exit_on_error && again.nunknown == 0);
			check(strcmp(rest, rest2) == 0);
		}
	}
	free(in);
	free(rest);
	free(rest2);
	return 0;
}
