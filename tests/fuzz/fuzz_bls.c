/*
 * fuzz_bls.c - fuzz target for bls_parse() (src/loader/config/bls.c), driven
 * by libFuzzer or by replay_main.c over the seed corpus. It also runs the
 * menu order over the parsed entry, and glob_match() and verscmp() over the
 * first two lines of the input. Beyond "does not crash", it checks the
 * promises of bls.h and aborts when one is broken.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/config/bls.h"
#include "loader/config/glob.h"
#include "loader/config/menu_select.h"
#include "loader/config/verscmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_path(const char *p)
{
	size_t n = strlen(p);

	check(n >= 2 && n < CONFIG_PATH_MAX && p[0] == '\\' && p[n - 1] != '\\');
	for (size_t i = 0; i < n; i++) {
		check(p[i] != '/' && p[i] != ':' && p[i] >= 0x20 && p[i] < 0x7f);
		check(i == 0 || p[i] != '\\' || p[i - 1] != '\\');
	}
}

/* The first two lines as C strings, for the glob and version checks. */
static void check_strings(const uint8_t *data, size_t size)
{
	char a[80], b[80];
	size_t i = 0, n = 0;
	int ab, ba;

	while (i < size && data[i] != '\n' && n < sizeof(a) - 1)
		a[n++] = data[i] ? (char)data[i++] : (i++, '?');
	a[n] = '\0';
	while (i < size && data[i] != '\n')
		i++;
	i++;
	n = 0;
	while (i < size && data[i] != '\n' && n < sizeof(b) - 1)
		b[n++] = data[i] ? (char)data[i++] : (i++, '?');
	b[n] = '\0';
	(void)glob_match(a, b);
	(void)glob_match(b, a);
	check(glob_match("*", a));
	ab = verscmp(a, b);
	ba = verscmp(b, a);
	check((ab > 0) == (ba < 0) && (ab == 0) == (ba == 0));
	check(verscmp(a, a) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bls_entry e[2];
	unsigned order[2];
	struct err err;

	check_strings(data, size);
	err_clear(&err);
	if (bls_parse(&e[0], NULL, data, size, "loader/entries/f.conf", &err) < 0) {
		check(err.set && !strncmp(err.msg, "loader/entries/f.conf", 21));
		return 0;
	}
	check(!err.set);
	check(strcmp(e[0].id, "f") == 0);
	/* An entry boots a PVH "linux", or an "efi"/"uki" image, or both are given. */
	check(e[0].linux_path[0] || e[0].efi_path[0]);
	if (e[0].linux_path[0])
		check_path(e[0].linux_path);
	if (e[0].efi_path[0])
		check_path(e[0].efi_path);
	check(e[0].ninitrd <= CONFIG_MAX_INITRDS);
	for (unsigned i = 0; i < e[0].ninitrd; i++)
		check_path(e[0].initrd[i]);
	check(strlen(e[0].options) <= CONFIG_OPTIONS_MAX);
	check(strlen(e[0].title) < CONFIG_TEXT_MAX && strlen(e[0].version) < CONFIG_TEXT_MAX);
	check(e[0].nunknown == 0 || e[0].first_unknown_line > 0);
	check(bls_display_title(&e[0])[0] != '\0');

	/* Against a fixed entry: the order must not depend on the input order. */
	memset(&e[1], 0, sizeof(e[1]));
	strcpy(e[1].id, "g");
	strcpy(e[1].version, "6.1.0-10");
	menu_sort(e, 2, order);
	check(order[0] != order[1] && order[0] < 2 && order[1] < 2);
	if (menu_entry_cmp(&e[0], &e[1]) != 0)
		check((menu_entry_cmp(&e[0], &e[1]) < 0) == (order[0] == 0));
	check(menu_pick_default(e, order, 2, e[0].title) < 2);
	return 0;
}
