/* options.c - parsing the loader's own options (see options.h). */
#include "loader/common/options.h"

#define PREFIX "pvhboot."

static bool word_is(const char *w, size_t n, const char *name)
{
	return strlen(name) == n && memcmp(w, name, n) == 0;
}

bool options_parse_u64(const char *s, size_t n, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	}
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static void take_bad(struct loader_options *opts, const char *w, size_t n)
{
	size_t m = n < sizeof(opts->bad) - 1 ? n : sizeof(opts->bad) - 1;

	if (opts->bad[0])
		return;
	memcpy(opts->bad, w, m);
	opts->bad[m] = '\0';
}

static void take_option(struct loader_options *opts, const char *w, size_t n)
{
	if (n > 6 && memcmp(w, "reloc=", 6) == 0) {
		if (options_parse_u64(w + 6, n - 6, &opts->reloc_base))
			opts->reloc_forced = true;
		else
			take_bad(opts, w, n);
	} else if (word_is(w, n, "debug")) {
		opts->debug = true;
	} else if (word_is(w, n, "exit-on-error")) {
		opts->exit_on_error = true;
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
