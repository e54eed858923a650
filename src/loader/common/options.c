/* options.c - parsing the loader's own options (see options.h). */
#include "loader/common/options.h"

#define PREFIX "pvhboot."

static bool word_is(const char *w, size_t n, const char *name)
{
	return strlen(name) == n && memcmp(w, name, n) == 0;
}

static void take_option(struct loader_options *opts, const char *w, size_t n)
{
	if (word_is(w, n, "debug")) {
		opts->debug = true;
	} else if (word_is(w, n, "exit-on-error")) {
		opts->exit_on_error = true;
	} else if (word_is(w, n, "disk-crc")) {
		opts->disk_crc = true;
	} else if (opts->nunknown < OPTIONS_MAX_UNKNOWN) {
		char *u = opts->unknown[opts->nunknown++];
		size_t m = n < sizeof(opts->unknown[0]) - 1 ? n : sizeof(opts->unknown[0]) - 1;
		memcpy(u, w, m);
		u[m] = '\0';
	}
}

void options_parse(struct loader_options *opts, const char *in, bool all_words, char *rest,
		   size_t restsz)
{
	size_t out = 0;
	bool first = true;

	if (rest && restsz)
		rest[0] = '\0';
	while (in && *in) {
		while (*in == ' ' || *in == '\t')
			in++;
		if (!*in)
			break;
		const char *w = in;
		size_t n = 0;
		while (w[n] && w[n] != ' ' && w[n] != '\t')
			n++;
		in = w + n;

		bool path = false;
		for (size_t i = 0; i < n; i++)
			path |= w[i] == '/' || w[i] == '\\';
		if (first && path && all_words) {
			first = false;
			continue;
		}
		first = false;

		size_t plen = sizeof(PREFIX) - 1;
		if (n > plen && memcmp(w, PREFIX, plen) == 0) {
			take_option(opts, w + plen, n - plen);
		} else if (all_words) {
			take_option(opts, w, n);
		} else if (rest && out + n + (out ? 1 : 0) < restsz) {
			if (out)
				rest[out++] = ' ';
			memcpy(rest + out, w, n);
			out += n;
			rest[out] = '\0';
		}
	}
}
