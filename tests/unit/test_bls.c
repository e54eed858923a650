/*
 * test_bls.c - unit tests of the Boot Loader Specification entries of the
 * UEFI loader: bls_parse() and bls_id_from_filename() (src/loader/config/
 * bls.c, with conf_line.c and cfg_path.c), the version comparison
 * (verscmp.c) and the menu order and default (menu_select.c). Suite "bls",
 * run by build/unit-tests.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "loader/config/bls.h"
#include "loader/config/menu_select.h"
#include "loader/config/verscmp.h"

#define FILE_A "loader/entries/a.conf"

static struct bls_entry e;
static struct err err;

static int parse(const char *text)
{
	err_clear(&err);
	return bls_parse(&e, NULL, text, strlen(text), FILE_A, &err);
}

static void expect_error(const char *text, const char *msg)
{
	cr_assert_eq(parse(text), -1, "accepted: %s", text);
	cr_assert(err.set);
	cr_assert_str_eq(err.msg, msg);
}

Test(bls, debian_like_entry)
{
	const char *text = "# Boot Loader Specification type #1 entry\n"
			   "title      Debian GNU/Linux 12 (bookworm)\n"
			   "version    6.1.0-10-amd64\n"
			   "machine-id 6a9857a393724b7a981ebb5b8495b9ea\n"
			   "sort-key   debian\n"
			   "options    root=UUID=1234 ro\n"
			   "linux      /6a9857a3/6.1.0-10-amd64/vmlinux\n"
			   "initrd     /6a9857a3/6.1.0-10-amd64/microcode.img\n"
			   "initrd     /6a9857a3/6.1.0-10-amd64/initrd.img\n"
			   "options    console=ttyS0 quiet\n"
			   "architecture x64\n";

	cr_assert_eq(parse(text), 0, "%s", err.msg);
	cr_assert(!err.set);
	cr_assert_str_eq(e.id, "a");
	cr_assert_str_eq(e.title, "Debian GNU/Linux 12 (bookworm)");
	cr_assert_str_eq(e.version, "6.1.0-10-amd64");
	cr_assert_str_eq(e.machine_id, "6a9857a393724b7a981ebb5b8495b9ea");
	cr_assert_str_eq(e.sort_key, "debian");
	cr_assert_str_eq(e.architecture, "x64");
	cr_assert_str_eq(e.linux_path, "\\6a9857a3\\6.1.0-10-amd64\\vmlinux");
	cr_assert_eq(e.ninitrd, 2);
	cr_assert_str_eq(e.initrd[0], "\\6a9857a3\\6.1.0-10-amd64\\microcode.img");
	cr_assert_str_eq(e.initrd[1], "\\6a9857a3\\6.1.0-10-amd64\\initrd.img");
	cr_assert_str_eq(e.options, "root=UUID=1234 ro console=ttyS0 quiet");
	cr_assert_eq(e.nunknown, 0);
	cr_assert_str_eq(bls_display_title(&e), "Debian GNU/Linux 12 (bookworm)");
}

Test(bls, whitespace_crlf_comments_and_bom)
{
	const char *text = "\xef\xbb\xbf  # indented comment\r\n"
			   "\r\n"
			   "\t \n"
			   "  linux\t \tvmlinux  \t\r\n"
			   "options  a=1   b=2 \t\r\n"
			   "title x";

	cr_assert_eq(parse(text), 0, "%s", err.msg);
	cr_assert_str_eq(e.linux_path, "\\vmlinux");
	cr_assert_str_eq(e.options, "a=1   b=2"); /* inside the value: verbatim */
	cr_assert_str_eq(e.title, "x");           /* last line with no newline */
	cr_assert_str_eq(bls_display_title(&e), "x");
}

Test(bls, paths_converted_to_uefi)
{
	cr_assert_eq(parse("linux boot//vmlinux\ninitrd \\x\\\\y/z.img\n"), 0, "%s", err.msg);
	cr_assert_str_eq(e.linux_path, "\\boot\\vmlinux");
	cr_assert_str_eq(e.initrd[0], "\\x\\y\\z.img");
}

Test(bls, last_value_wins_and_ignored_keys)
{
	cr_assert_eq(parse("title one\ntitle two\nlinux /k\ndevicetree /dtb\n"
			   "devicetree-overlay /o\n"),
		     0, "%s", err.msg);
	cr_assert_str_eq(e.title, "two");
	cr_assert_not(e.is_efi);
	cr_assert_eq(e.nunknown, 0);
	cr_assert_str_eq(bls_display_title(&e), "two");
}

/* systemd-boot's entries for programs and unified kernel images. */
Test(bls, efi_and_uki_entries)
{
	cr_assert_eq(parse("title Shell\nefi /EFI/tools/shell.efi\noptions -nostartup\n"), 0, "%s",
		     err.msg);
	cr_assert(e.is_efi);
	cr_assert_str_eq(e.efi_path, "\\EFI\\tools\\shell.efi");
	cr_assert_str_eq(e.linux_path, "");
	cr_assert_str_eq(e.options, "-nostartup");
	cr_assert_eq(e.nunknown, 0);

	cr_assert_eq(parse("uki /EFI/Linux/a.efi\nefi /b.efi\n"), 0, "%s", err.msg);
	cr_assert(e.is_efi);
	cr_assert_str_eq(e.efi_path, "\\EFI\\Linux\\a.efi", "uki wins over a later efi");
	cr_assert_eq(parse("efi /b.efi\nuki /EFI/Linux/a.efi\n"), 0, "%s", err.msg);
	cr_assert_str_eq(e.efi_path, "\\EFI\\Linux\\a.efi", "uki wins over an earlier efi");

	cr_assert_eq(parse("linux /vmlinuz\nuki /u.efi\n"), 0, "%s", err.msg);
	cr_assert(e.is_efi);
	cr_assert_str_eq(e.efi_path, "\\u.efi");
	cr_assert_str_eq(e.linux_path, "\\vmlinuz");
}

Test(bls, unknown_keys_are_a_warning)
{
	cr_assert_eq(parse("linux /k\nfrobnicate yes\nsplash /s.bmp\n"), 0, "%s", err.msg);
	cr_assert(!err.set);
	cr_assert_eq(e.nunknown, 2);
	cr_assert_str_eq(e.first_unknown, "frobnicate");
	cr_assert_eq(e.first_unknown_line, 2);
}

Test(bls, no_title_shows_id)
{
	err_clear(&err);
	cr_assert_eq(bls_parse(&e, "my-entry", "linux /k", 8, FILE_A, &err), 0, "%s", err.msg);
	cr_assert_str_eq(e.id, "my-entry");
	cr_assert_str_eq(bls_display_title(&e), "my-entry");
}

Test(bls, sixteen_initrds_fit)
{
	char text[2048];
	size_t o = 0;

	o += (size_t)snprintf(text + o, sizeof(text) - o, "linux /k\n");
	for (int i = 0; i < 16; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "initrd /i%d\n", i);
	cr_assert_eq(parse(text), 0, "%s", err.msg);
	cr_assert_eq(e.ninitrd, 16);
	cr_assert_str_eq(e.initrd[15], "\\i15");

	o += (size_t)snprintf(text + o, sizeof(text) - o, "initrd /one-too-many\n");
	expect_error(text, "loader/entries/a.conf:18: initrd: more than 16");
}

Test(bls, errors_name_file_and_line)
{
	expect_error("title x\n", "loader/entries/a.conf: no 'linux', 'efi' or 'uki' line");
	expect_error("", "loader/entries/a.conf: no 'linux', 'efi' or 'uki' line");
	expect_error("efi FS0:\\x.efi\n",
		     "loader/entries/a.conf:1: efi: path 'FS0:\\x.efi' names a device (':'): "
		     "paths are on the loader's volume");
	expect_error("linux /k\n\ntitle\n", "loader/entries/a.conf:3: key 'title' has no value");
	expect_error("linux /k\n  initrd   \r\n", "loader/entries/a.conf:2: key 'initrd' has no value");
	expect_error("linux FS0:\\vmlinux\n",
		     "loader/entries/a.conf:1: linux: path 'FS0:\\vmlinux' names a device (':'): "
		     "paths are on the loader's volume");
	expect_error("linux /k\ninitrd /boot/\n",
		     "loader/entries/a.conf:2: initrd: path '/boot/' ends with a separator (a directory?)");
	expect_error("linux /k\xc3\xa9\n",
		     "loader/entries/a.conf:1: linux: path '/k\xc3\xa9': byte 0xc3 at 2 is not printable ASCII");
}

Test(bls, nul_byte_is_an_error)
{
	static const char text[] = "linux /k\ntitle a\0b\n";

	err_clear(&err);
	cr_assert_eq(bls_parse(&e, NULL, text, sizeof(text) - 1, FILE_A, &err), -1);
	cr_assert_str_eq(err.msg, "loader/entries/a.conf:2: NUL byte in the file (offset 0x10)");
}

Test(bls, long_lines_and_values)
{
	static char text[8192];

	/* 4096 bytes of line pass; 4097 do not. "options " + 4088 = 4096. */
	memset(text, 0, sizeof(text));
	strcpy(text, "linux /k\noptions ");
	memset(text + strlen(text), 'o', 4088);
	cr_assert_eq(parse(text), 0, "%s", err.msg);
	cr_assert_eq(strlen(e.options), 4088);
	strcat(text, "o\n");
	expect_error(text, "loader/entries/a.conf:2: line longer than 4096 bytes");

	/* Two options lines that fit one by one but not joined. */
	memset(text, 0, sizeof(text));
	strcpy(text, "linux /k\noptions ");
	memset(text + strlen(text), 'a', 3000);
	strcat(text, "\noptions ");
	memset(text + strlen(text), 'b', 1095);
	cr_assert_eq(parse(text), 0, "%s", err.msg); /* 3000 + 1 + 1095 = 4096 */
	cr_assert_eq(strlen(e.options), 4096);
	strcat(text, "\noptions c\n");
	expect_error(text, "loader/entries/a.conf:4: options: longer than 4096 bytes in total");

	memset(text, 0, sizeof(text));
	strcpy(text, "linux /k\ntitle ");
	memset(text + strlen(text), 't', 128);
	expect_error(text, "loader/entries/a.conf:2: title: longer than 127 characters");

	memset(text, 0, sizeof(text));
	strcpy(text, "linux /");
	memset(text + strlen(text), 'p', 255);
	expect_error(text, "loader/entries/a.conf:1: linux: path '/ppppppppppppppppppppppppppp"
			   "pppppppppppppppppppppppppppppppppppp...' longer than 255 characters");
	text[strlen(text) - 1] = '\0'; /* 255 characters with the '\' */
	cr_assert_eq(parse(text), 0, "%s", err.msg);
	cr_assert_eq(strlen(e.linux_path), 255);
}

Test(bls, id_from_filename)
{
	char id[16];

	err_clear(&err);
	cr_assert_eq(bls_id_from_filename(id, sizeof(id), "loader/entries/deb-6.1.conf", &err), 0);
	cr_assert_str_eq(id, "deb-6.1");
	cr_assert_eq(bls_id_from_filename(id, sizeof(id), "\\loader\\entries\\X.CONF", &err), 0);
	cr_assert_str_eq(id, "X");
	cr_assert_eq(bls_id_from_filename(id, sizeof(id), "plain", &err), 0);
	cr_assert_str_eq(id, "plain");
	cr_assert_eq(bls_id_from_filename(id, sizeof(id), "e/.conf", &err), -1);
	cr_assert_str_eq(err.msg, "e/.conf: no entry id in the file name");
	err_clear(&err);
	cr_assert_eq(bls_id_from_filename(id, sizeof(id), "0123456789abcdef.conf", &err), -1);
	cr_assert_str_eq(err.msg,
			 "0123456789abcdef.conf: entry id '0123456789abcdef' longer than 15 characters");
}

Test(bls, given_id_checked)
{
	char long_id[200];

	err_clear(&err);
	cr_assert_eq(bls_parse(&e, "", "linux /k", 8, FILE_A, &err), -1);
	cr_assert_str_eq(err.msg, "loader/entries/a.conf: empty entry id");
	memset(long_id, 'i', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	err_clear(&err);
	cr_assert_eq(bls_parse(&e, long_id, "linux /k", 8, FILE_A, &err), -1);
	cr_assert(strstr(err.msg, "' longer than 127 characters"), "%s", err.msg);
	cr_assert(!strncmp(err.msg, "loader/entries/a.conf: entry id 'iiii", 36), "%s", err.msg);
}

Test(bls, first_error_wins)
{
	err_clear(&err);
	err_fail(&err, "earlier");
	cr_assert_eq(bls_parse(&e, NULL, "title x", 7, FILE_A, &err), -1);
	cr_assert_str_eq(err.msg, "earlier");
}

/* --- version comparison ------------------------------------------------- */

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void expect_newer(const char *newer, const char *older)
{
	cr_assert_gt(verscmp(newer, older), 0, "'%s' should be newer than '%s'", newer, older);
	cr_assert_lt(verscmp(older, newer), 0, "'%s' should be older than '%s'", older, newer);
}

Test(bls, version_compare)
{
	expect_newer("6.1.0-10", "6.1.0-9");
	expect_newer("6.1.0-10-amd64", "6.1.0-9-amd64");
	expect_newer("6.10", "6.9");
	expect_newer("6.1.1", "6.1");
	expect_newer("6.1", "6.1~rc7");
	expect_newer("6.1~rc7", "6.1~rc6");
	expect_newer("1.0^patch", "1.0");
	expect_newer("1.0.1", "1.0^patch");
	expect_newer("1.0.1", "1.0-1");     /* '-' is older than '.' */
	expect_newer("1.0a", "1.0.x");      /* '.' is older than letters */
	expect_newer("1.0", "1.a");         /* numbers newer than letters */
	expect_newer("1.0", "1.zz");
	expect_newer("abc", "abb");
	expect_newer("abcd", "abc");
	expect_newer("2", "1_9");           /* '_' only separates */
	expect_newer("", "~");
	cr_assert_eq(verscmp("6.1.0-010", "6.1.0-10"), 0);
	cr_assert_eq(verscmp("1_2", "1+2"), 0);
	cr_assert_eq(verscmp("", ""), 0);
	cr_assert_eq(verscmp(NULL, ""), 0);
	cr_assert_eq(verscmp("99999999999999999999999", "99999999999999999999998"), 1);
}

Test(bls, version_compare_is_antisymmetric)
{
	static const char *const v[] = { "",       "~",      "1",       "1.0",     "1.0~rc1",
					 "1.0-1",  "1.0^p1", "1.0.1",   "1a",      "1.a",
					 "a",      "6.1.0-9", "6.1.0-10", "0",     "00",
					 "1.01",   "1.1",    "1..1",    "-1",      "^",
					 "x86_64", "1_0",    "abc~",    "abc" };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cr_assert_eq(verscmp(v[i], v[i]), 0, "%s", v[i]);
		for (size_t j = 0; j < sizeof(v) / sizeof(v[0]); j++) {
			cr_assert_eq(sign(verscmp(v[i], v[j])), -sign(verscmp(v[j], v[i])),
				     "'%s' vs '%s'", v[i], v[j]);
			/* Transitivity over every triple. */
			for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
				if (verscmp(v[i], v[j]) < 0 && verscmp(v[j], v[k]) < 0)
					cr_assert_lt(verscmp(v[i], v[k]), 0, "%s < %s < %s", v[i],
						     v[j], v[k]);
		}
	}
}

/* --- menu order and default ------------------------------------------------ */

static struct bls_entry menu[8];

static void make_entry(unsigned i, const char *id, const char *version, const char *sort_key)
{
	memset(&menu[i], 0, sizeof(menu[i]));
	strcpy(menu[i].id, id);
	strcpy(menu[i].version, version);
	strcpy(menu[i].sort_key, sort_key);
	strcpy(menu[i].linux_path, "\\k");
}

static void expect_order(unsigned n, const char *const *ids)
{
	unsigned order[8];

	memset(order, 0xff, sizeof(order));
	menu_sort(menu, n, order);
	for (unsigned i = 0; i < n; i++) {
		cr_assert_lt(order[i], n);
		cr_assert_str_eq(menu[order[i]].id, ids[i], "position %u", i);
	}
}

Test(bls, menu_order)
{
	static const char *const want[] = {
		"deb-6.1.0-10", "deb-6.1.0-9", "deb-5.10", "fedora-6.5", "zz-nokey-6.2",
		"aa-nokey-6.2", "old", "alsoold",
	};

	make_entry(0, "deb-5.10", "5.10.0-20", "debian");
	make_entry(1, "old", "", "");
	make_entry(2, "zz-nokey-6.2", "6.2", "");
	make_entry(3, "deb-6.1.0-9", "6.1.0-9", "debian");
	make_entry(4, "fedora-6.5", "6.5.1", "fedora");
	make_entry(5, "aa-nokey-6.2", "6.2", "");
	make_entry(6, "deb-6.1.0-10", "6.1.0-10", "debian");
	make_entry(7, "alsoold", "", "");
	/* Same version: by id, the newer-looking id first ("zz" > "aa"; "old" > "alsoold"). */
	expect_order(8, want);
	cr_assert_lt(menu_entry_cmp(&menu[6], &menu[3]), 0);
	cr_assert_gt(menu_entry_cmp(&menu[1], &menu[0]), 0);
	cr_assert_eq(menu_entry_cmp(&menu[1], &menu[1]), 0);
}

Test(bls, menu_sort_is_stable_for_ties)
{
	unsigned order[3];

	make_entry(0, "same", "1", "k");
	make_entry(1, "same", "1", "k");
	make_entry(2, "same", "1", "k");
	menu_sort(menu, 3, order);
	cr_assert_eq(order[0], 0);
	cr_assert_eq(order[1], 1);
	cr_assert_eq(order[2], 2);
}

Test(bls, default_selection)
{
	unsigned order[8];

	make_entry(0, "debian-6.1.0-9", "6.1.0-9", "");
	make_entry(1, "debian-6.1.0-10", "6.1.0-10", "");
	make_entry(2, "arch", "6.5", "");
	make_entry(3, "rescue", "", "");
	menu_sort(menu, 4, order);
	cr_assert_str_eq(menu[order[0]].id, "arch");
	cr_assert_str_eq(menu[order[1]].id, "debian-6.1.0-10");
	cr_assert_str_eq(menu[order[2]].id, "debian-6.1.0-9");
	cr_assert_str_eq(menu[order[3]].id, "rescue");

	cr_assert_eq(menu_pick_default(menu, order, 4, NULL), 0);
	cr_assert_eq(menu_pick_default(menu, order, 4, ""), 0);
	cr_assert_eq(menu_pick_default(menu, order, 4, "no-such-*"), 0);
	cr_assert_eq(menu_pick_default(menu, order, 4, "rescue"), 3);
	cr_assert_eq(menu_pick_default(menu, order, 4, "debian-*"), 1); /* newest debian */
	cr_assert_eq(menu_pick_default(menu, order, 4, "debian-6.1.0-?"), 2);
	cr_assert_eq(menu_pick_default(menu, order, 4, "rescue.conf"), 3); /* systemd style */
	cr_assert_eq(menu_pick_default(menu, order, 4, "*.conf"), 0);
	cr_assert_eq(menu_pick_default(menu, order, 0, "rescue"), 0);
	cr_assert(menu_id_matches(&menu[3], "[qr]escue"));
	cr_assert(!menu_id_matches(&menu[3], "rescue.con"));
}

/* --- the example ESP shipped in configs/ ------------------------------------ */

static size_t slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		cr_skip_test("%s not found (run from the top of the tree)", path);
	n = fread(buf, 1, size, f);
	fclose(f);
	return n;
}

Test(bls, example_entry_in_configs)
{
	static char text[8192];
	size_t n = slurp("configs/esp-bls/loader/entries/pvh-linux.conf", text, sizeof(text));

	err_clear(&err);
	cr_assert_eq(bls_parse(&e, NULL, text, n, "loader/entries/pvh-linux.conf", &err), 0, "%s",
		     err.msg);
	cr_assert_str_eq(e.id, "pvh-linux");
	cr_assert_str_eq(e.linux_path, "\\kernels\\vmlinux-6.1.0-10-amd64");
	cr_assert_eq(e.ninitrd, 1);
	cr_assert_str_eq(e.options, "root=/dev/vda1 ro console=ttyS0 tsc_early_khz=2096000");
	cr_assert_eq(e.nunknown, 0);
}
