/*
 * fuzz_loadopt.c - fuzz target for loadopt_parse() (src/loader/config/
 * loadopt.c): the input is the raw UTF-16LE load options. Driven by
 * libFuzzer or by replay_main.c over the seed corpus; checks the promises of
 * loadopt.h on every result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/config/loadopt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_ascii(const char *s, size_t max)
{
	size_t n = strlen(s);

	check(n <= max);
	for (size_t i = 0; i < n; i++)
		check(s[i] >= 0x20 && s[i] < 0x7f);
}

static void check_path(const char *p)
{
	check_ascii(p, CONFIG_PATH_MAX - 1);
	check(p[0] == '\\' && strchr(p, '/') == NULL && strchr(p, ':') == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct loadopt o;
	struct err err;

	err_clear(&err);
	if (loadopt_parse(&o, data, size, &err) < 0) {
		check(err.set && !strncmp(err.msg, "load options: ", 14));
		return 0;
	}
	check(!err.set);
	check(o.odd_byte == ((size & 1) != 0));
	if (o.binary) {
		check(!o.debug && !o.has_linux && !o.has_entry && !o.has_cmdline && !o.ninitrd);
		check(o.text[0] == '\0');
		return 0;
	}
	check_ascii(o.text, CONFIG_OPTIONS_MAX);
	check(strlen(o.text) <= size / 2);
	check(o.ninitrd <= CONFIG_MAX_INITRDS);
	check(!o.ninitrd || o.has_linux);
	check(!(o.has_linux && o.has_entry));
	if (o.has_linux)
		check_path(o.linux_path);
	for (unsigned i = 0; i < o.ninitrd; i++)
		check_path(o.initrd[i]);
	if (o.has_entry)
		check(o.entry[0] && strchr(o.entry, ' ') == NULL);
	check_ascii(o.cmdline, CONFIG_OPTIONS_MAX);
	check(o.has_cmdline || o.cmdline[0] == '\0');
	check(o.cmdline[0] != ' ' && (!o.cmdline[0] || o.cmdline[strlen(o.cmdline) - 1] != ' '));
	return 0;
}
