/*
 * test_loader_conf.c - unit tests of loader_conf_parse() and
 * loader_conf_defaults() (src/loader/config/loader_conf.c): default pattern,
 * timeout values and menu modes, ignored keys, and every error with its
 * message. Suite "loader_conf", run by build/unit-tests.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "loader/config/loader_conf.h"

#define FILE_L "loader/loader.conf"

static struct loader_conf c;
static struct err err;

static int parse(const char *text)
{
	err_clear(&err);
	memset(&c, 0xa5, sizeof(c)); /* parse must set every field */
	return loader_conf_parse(&c, text, strlen(text), FILE_L, &err);
}

static void expect_error(const char *text, const char *msg)
{
	cr_assert_eq(parse(text), -1, "accepted: %s", text);
	cr_assert_str_eq(err.msg, msg);
}

Test(loader_conf, defaults_when_absent)
{
	memset(&c, 0xa5, sizeof(c));
	loader_conf_defaults(&c);
	cr_assert_eq(c.menu, LOADER_MENU_HIDDEN);
	cr_assert_eq(c.timeout_sec, 0);
	cr_assert_str_eq(c.default_pattern, "");
	cr_assert_eq(c.nunknown, 0);

	cr_assert_eq(parse(""), 0);
	cr_assert_eq(c.menu, LOADER_MENU_HIDDEN);
	cr_assert_str_eq(c.default_pattern, "");
}

Test(loader_conf, systemd_style_file)
{
	const char *text = "# systemd-boot style\n"
			   "default  debian-*\n"
			   "timeout 5\r\n"
			   "console-mode max\n"
			   "editor no\n"
			   "auto-entries  0\n";

	cr_assert_eq(parse(text), 0, "%s", err.msg);
	cr_assert_str_eq(c.default_pattern, "debian-*");
	cr_assert_eq(c.menu, LOADER_MENU_TIMEOUT);
	cr_assert_eq(c.timeout_sec, 5);
	cr_assert_eq(c.nunknown, 3);
	cr_assert_str_eq(c.first_unknown, "console-mode");
	cr_assert_eq(c.first_unknown_line, 4);
}

Test(loader_conf, timeout_values)
{
	cr_assert_eq(parse("timeout 0\n"), 0);
	cr_assert_eq(c.menu, LOADER_MENU_HIDDEN);
	cr_assert_eq(c.timeout_sec, 0);

	cr_assert_eq(parse("timeout menu-force\n"), 0);
	cr_assert_eq(c.menu, LOADER_MENU_FORCE);
	cr_assert_eq(c.timeout_sec, 0);

	cr_assert_eq(parse("timeout 3\ntimeout menu-hidden\n"), 0);
	cr_assert_eq(c.menu, LOADER_MENU_HIDDEN);
	cr_assert_eq(c.timeout_sec, 0);

	cr_assert_eq(parse("timeout menu-disabled\n"), 0);
	cr_assert_eq(c.menu, LOADER_MENU_HIDDEN);

	cr_assert_eq(parse("timeout menu-force\ntimeout 007\n"), 0); /* last one wins */
	cr_assert_eq(c.menu, LOADER_MENU_TIMEOUT);
	cr_assert_eq(c.timeout_sec, 7);

	cr_assert_eq(parse("timeout 4294967295\n"), 0);
	cr_assert_eq(c.timeout_sec, 4294967295u);
}

Test(loader_conf, timeout_errors)
{
	expect_error("default x\ntimeout 5s\n",
		     "loader/loader.conf:2: timeout: '5s' is not a number of seconds, menu-force or "
		     "menu-hidden");
	expect_error("timeout -1\n",
		     "loader/loader.conf:1: timeout: '-1' is not a number of seconds, menu-force or "
		     "menu-hidden");
	expect_error("\n\n\ntimeout menu\n",
		     "loader/loader.conf:4: timeout: 'menu' is not a number of seconds, menu-force "
		     "or menu-hidden");
	expect_error("timeout 4294967296\n",
		     "loader/loader.conf:1: timeout: '4294967296' larger than 4294967295 seconds");
	expect_error("timeout 99999999999999999999999999\n",
		     "loader/loader.conf:1: timeout: '99999999999999999999999999' larger than "
		     "4294967295 seconds");
	expect_error("timeout\n", "loader/loader.conf:1: key 'timeout' has no value");
}

Test(loader_conf, default_errors)
{
	char text[300];

	strcpy(text, "default ");
	memset(text + 8, 'd', 128);
	text[8 + 128] = '\0';
	expect_error(text, "loader/loader.conf:1: default: longer than 127 characters");
	text[8 + 127] = '\0';
	cr_assert_eq(parse(text), 0, "%s", err.msg);
	cr_assert_eq(strlen(c.default_pattern), 127);
}

Test(loader_conf, nul_and_long_line)
{
	static char text[5000];

	err_clear(&err);
	cr_assert_eq(loader_conf_parse(&c, "timeout 1\0", 10, FILE_L, &err), -1);
	cr_assert_str_eq(err.msg, "loader/loader.conf:1: NUL byte in the file (offset 0x9)");

	memset(text, '#', 4097);
	text[4097] = '\0';
	expect_error(text, "loader/loader.conf:1: line longer than 4096 bytes");
}

Test(loader_conf, example_in_configs)
{
	static char text[4096];
	FILE *f = fopen("configs/esp-bls/loader/loader.conf", "rb");
	size_t n;

	if (!f)
		cr_skip_test("configs/esp-bls/loader/loader.conf not found (run from the top)");
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	err_clear(&err);
	cr_assert_eq(loader_conf_parse(&c, text, n, FILE_L, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.default_pattern, "pvh-*");
	cr_assert_eq(c.menu, LOADER_MENU_TIMEOUT);
	cr_assert_eq(c.timeout_sec, 3);
	cr_assert_eq(c.nunknown, 0);
}
