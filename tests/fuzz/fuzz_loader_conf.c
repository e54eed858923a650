/*
 * fuzz_loader_conf.c - fuzz target for loader_conf_parse()
 * (src/loader/config/loader_conf.c), driven by libFuzzer or by replay_main.c
 * over the seed corpus. Checks the promises of loader_conf.h on every result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/config/loader_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct loader_conf c;
	struct err err;

	err_clear(&err);
	if (loader_conf_parse(&c, data, size, "loader/loader.conf", &err) < 0) {
		check(err.set && !strncmp(err.msg, "loader/loader.conf:", 19));
		return 0;
	}
	check(!err.set);
	check(c.menu == LOADER_MENU_HIDDEN || c.menu == LOADER_MENU_TIMEOUT ||
	      c.menu == LOADER_MENU_FORCE);
	check((c.menu == LOADER_MENU_TIMEOUT) == (c.timeout_sec > 0));
	check(strlen(c.default_pattern) < CONFIG_ID_MAX);
	check(c.nunknown == 0 || (c.first_unknown_line > 0 && c.first_unknown[0]));
	return 0;
}
