/*
 * test_loadopt.c - unit tests of loadopt_parse() (src/loader/config/
 * loadopt.c): UTF-16LE decoding (odd length, no NUL, byte-order mark,
 * binary data from firmware boot entries, non-ASCII), the shell's image word,
 * the options and the kernel command line after "--", and every error with
 * its message. Suite "loadopt", run by build/unit-tests.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "loader/config/loadopt.h"

static struct loadopt o;
static struct err err;
static uint8_t buf[20000];

/* UTF-16LE of an ASCII string, without a terminating NUL (extra_nul adds one). */
static size_t encode(const char *s, bool extra_nul)
{
	size_t n = 0;

	for (; *s; s++, n += 2) {
		buf[n] = (uint8_t)*s;
		buf[n + 1] = 0;
	}
	if (extra_nul) {
		buf[n] = buf[n + 1] = 0;
		n += 2;
	}
	return n;
}

static int parse_bytes(size_t bytes)
{
	err_clear(&err);
	memset(&o, 0x5a, sizeof(o));
	return loadopt_parse(&o, buf, bytes, &err);
}

static int parse(const char *s)
{
	return parse_bytes(encode(s, true));
}

static void expect_error(const char *s, const char *msg)
{
	cr_assert_eq(parse(s), -1, "accepted: %s", s);
	cr_assert_str_eq(err.msg, msg);
}

static void expect_nothing(void)
{
	cr_assert(!o.debug && !o.has_linux && !o.has_entry && !o.has_cmdline);
	cr_assert_eq(o.ninitrd, 0);
}

Test(loadopt, none)
{
	err_clear(&err);
	cr_assert_eq(loadopt_parse(&o, NULL, 0, &err), 0);
	expect_nothing();
	cr_assert(!o.binary);
	cr_assert_eq(parse(""), 0);
	expect_nothing();
	cr_assert_eq(parse_bytes(0), 0);
	expect_nothing();
	cr_assert_eq(parse_bytes(1), 0); /* one stray byte */
	cr_assert(o.odd_byte);
	expect_nothing();
	cr_assert_eq(parse("   \t "), 0);
	expect_nothing();
	cr_assert_str_eq(o.text, "     ");
}

Test(loadopt, shell_line_with_everything)
{
	cr_assert_eq(parse("FS0:\\EFI\\pvhboot.efi linux=/boot/vmlinux initrd=boot/a.img "
			   "initrd=\\b.img debug -- console=ttyS0  root=/dev/vda1 ro  "),
		     0, "%s", err.msg);
	cr_assert(!o.binary);
	cr_assert(o.debug);
	cr_assert(o.has_linux);
	cr_assert_str_eq(o.linux_path, "\\boot\\vmlinux");
	cr_assert_eq(o.ninitrd, 2);
	cr_assert_str_eq(o.initrd[0], "\\boot\\a.img");
	cr_assert_str_eq(o.initrd[1], "\\b.img");
	cr_assert(!o.has_entry);
	cr_assert(o.has_cmdline);
	cr_assert_str_eq(o.cmdline, "console=ttyS0  root=/dev/vda1 ro");
}

Test(loadopt, image_word_forms)
{
	static const char *const images[] = { "pvhboot.efi", "PVHBOOT.EFI", "FS0:pvhboot",
					      "\\EFI\\BOOT\\BOOTX64.EFI", "fs1:\\x" };

	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
		char line[128];

		strcpy(line, images[i]);
		strcat(line, " entry=deb*");
		cr_assert_eq(parse(line), 0, "%s: %s", images[i], err.msg);
		cr_assert(o.has_entry);
		cr_assert_str_eq(o.entry, "deb*");
	}
	/* Only the first word: a second image-like word is unknown. */
	expect_error("a.efi b.efi",
		     "load options: unknown word 'b.efi' (expected linux=, initrd=, entry=, reloc=, debug or --)");
	/* A first word that is an option is never taken for the image. */
	cr_assert_eq(parse("linux=FS0\\k debug"), 0, "%s", err.msg);
	cr_assert_str_eq(o.linux_path, "\\FS0\\k");
	cr_assert(o.debug);
	/* Not image-like: an error, not skipped. */
	expect_error("pvhboot debug",
		     "load options: unknown word 'pvhboot' (expected linux=, initrd=, entry=, reloc=, debug or --)");
	expect_error("x.ef",
		     "load options: unknown word 'x.ef' (expected linux=, initrd=, entry=, reloc=, debug or --)");
}

Test(loadopt, cmdline_after_double_dash)
{
	cr_assert_eq(parse("-- "), 0);
	cr_assert(o.has_cmdline);
	cr_assert_str_eq(o.cmdline, "");

	cr_assert_eq(parse("pvhboot.efi --\r\n quiet\t-- debug linux=x\n"), 0, "%s", err.msg);
	cr_assert(!o.debug);
	cr_assert(!o.has_linux);
	cr_assert_str_eq(o.cmdline, "quiet -- debug linux=x");

	/* "--x" is not the separator. */
	expect_error("--x", "load options: unknown word '--x' (expected linux=, initrd=, entry=, "
			    "reloc=, debug or --)");
}

Test(loadopt, not_nul_terminated_and_odd_length)
{
	size_t n = encode("debug", false);

	cr_assert_eq(parse_bytes(n), 0);
	cr_assert(o.debug);
	cr_assert(!o.odd_byte);
	buf[n] = 'X'; /* a stray odd byte */
	cr_assert_eq(parse_bytes(n + 1), 0);
	cr_assert(o.debug);
	cr_assert(o.odd_byte);
	cr_assert_str_eq(o.text, "debug");
}

Test(loadopt, stops_at_nul_and_skips_bom)
{
	size_t n;

	buf[0] = 0xff;
	buf[1] = 0xfe; /* U+FEFF */
	n = 2 + encode("debug", true);
	memmove(buf + 2, buf, n - 2);
	buf[0] = 0xff;
	buf[1] = 0xfe;
	buf[n] = 0x01; /* after the NUL: ignored, even binary */
	buf[n + 1] = 0x00;
	cr_assert_eq(parse_bytes(n + 2), 0, "%s", err.msg);
	cr_assert(!o.binary);
	cr_assert(o.debug);
	cr_assert_str_eq(o.text, "debug");
}

Test(loadopt, binary_is_no_options)
{
	/* OVMF-like optional data: a GUID and a few bytes. */
	static const uint8_t blob[] = { 0x4e, 0xac, 0x08, 0x81, 0x11, 0x9f, 0x59, 0x4d,
					0x85, 0x0e, 0xe2, 0x1a, 0x52, 0x2c, 0x59, 0xb2 };

	memcpy(buf, blob, sizeof(blob));
	cr_assert_eq(parse_bytes(sizeof(blob)), 0);
	cr_assert(o.binary);
	cr_assert(!err.set);
	expect_nothing();
	cr_assert_str_eq(o.text, "");

	/* Control characters. */
	encode("debug", false);
	buf[4] = 0x07;
	cr_assert_eq(parse_bytes(10), 0);
	cr_assert(o.binary);
	expect_nothing();

	/* An unpaired surrogate, and a high surrogate at the very end. */
	encode("ab", false);
	buf[2] = 0x00;
	buf[3] = 0xdc;
	cr_assert_eq(parse_bytes(4), 0);
	cr_assert(o.binary);
	buf[2] = 0x00;
	buf[3] = 0xd8;
	cr_assert_eq(parse_bytes(4), 0);
	cr_assert(o.binary);
	/* Printable but mostly not ASCII: binary that happens to decode. */
	encode("abc", false);
	buf[0] = 0x4e;
	buf[1] = 0xac;
	buf[2] = 0x08;
	buf[3] = 0x51;
	cr_assert_eq(parse_bytes(6), 0);
	cr_assert(o.binary);
	expect_nothing();
	/* U+FFFF is not a character. */
	encode("ab", false);
	buf[2] = 0xff;
	buf[3] = 0xff;
	cr_assert_eq(parse_bytes(4), 0);
	cr_assert(o.binary);
}

Test(loadopt, non_ascii_text_is_an_error)
{
	encode("debug xy", false);
	buf[14] = 0xe9; /* 'y' -> U+00E9 */
	cr_assert_eq(parse_bytes(16), -1);
	cr_assert_str_eq(err.msg, "load options: character 8 (U+00E9) is not ASCII");

	encode("a..b", false);
	buf[2] = 0x3d; /* U+D83D U+DE00: one character, an emoji */
	buf[3] = 0xd8;
	buf[4] = 0x00;
	buf[5] = 0xde;
	cr_assert_eq(parse_bytes(8), -1);
	cr_assert_str_eq(err.msg, "load options: character 2 (U+1F600) is not ASCII");

	encode("ab", false);
	buf[0] = 0xa0; /* no-break space: printable, not ASCII */
	buf[2] = 0x20;
	cr_assert_eq(parse_bytes(4), 0); /* half ASCII: not enough to be text */
	cr_assert(o.binary);
	encode("abc", false);
	buf[0] = 0xa0;
	cr_assert_eq(parse_bytes(6), -1);
	cr_assert_str_eq(err.msg, "load options: character 1 (U+00A0) is not ASCII");
}

Test(loadopt, word_errors)
{
	expect_error("x.efi frob",
		     "load options: unknown word 'frob' (expected linux=, initrd=, entry=, reloc=, debug or --)");
	expect_error("linux=", "load options: linux= needs a path");
	expect_error("linux=/a initrd=", "load options: initrd= needs a path");
	expect_error("entry=", "load options: entry= needs an entry id");
	expect_error("linux=/a linux=/b", "load options: linux= given twice");
	expect_error("entry=a entry=b", "load options: entry= given twice");
	expect_error("linux=/a entry=b", "load options: entry= and linux= exclude each other");
	expect_error("initrd=/i",
		     "load options: initrd= needs linux= (an entry names its own initrds)");
	expect_error("linux=FS0:\\k",
		     "load options: linux=: path 'FS0:\\k' names a device (':'): paths are on the "
		     "loader's volume");
	expect_error("linux=/k initrd=/d/",
		     "load options: initrd=: path '/d/' ends with a separator (a directory?)");
}

Test(loadopt, limits)
{
	static char line[6000];
	size_t len = 0;

	len += (size_t)sprintf(line, "linux=/k");
	for (int i = 0; i < 16; i++)
		len += (size_t)sprintf(line + len, " initrd=/i%d", i);
	cr_assert_eq(parse(line), 0, "%s", err.msg);
	cr_assert_eq(o.ninitrd, 16);
	cr_assert_str_eq(o.initrd[15], "\\i15");
	strcat(line, " initrd=/x");
	expect_error(line, "load options: initrd=: more than 16");

	memset(line, 0, sizeof(line));
	strcpy(line, "entry=");
	memset(line + 6, 'e', 128);
	expect_error(line, "load options: entry= id longer than 127 characters");
	line[6 + 127] = '\0';
	cr_assert_eq(parse(line), 0, "%s", err.msg);
	cr_assert_eq(strlen(o.entry), 127);

	memset(line, 0, sizeof(line));
	strcpy(line, "-- ");
	memset(line + 3, 'k', 4093);
	cr_assert_eq(parse(line), 0, "%s", err.msg); /* exactly 4096 characters */
	cr_assert_eq(strlen(o.cmdline), 4093);
	line[4096] = 'k';
	expect_error(line, "load options: longer than 4096 characters");
}

Test(loadopt, first_error_wins)
{
	err_clear(&err);
	err_fail(&err, "earlier");
	cr_assert_eq(loadopt_parse(&o, buf, encode("bogus", true), &err), -1);
	cr_assert_str_eq(err.msg, "earlier");
}

Test(loadopt, example_startup_nsh_line)
{
	char text[1024], *line = NULL;
	FILE *f = fopen("configs/esp-shell/startup.nsh", "rb");
	size_t n;

	if (!f)
		cr_skip_test("configs/esp-shell/startup.nsh not found (run from the top)");
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	/* The line that starts the loader, as the shell hands it over. */
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
		if (strstr(l, "pvhboot.efi"))
			line = l;
	cr_assert_not_null(line);
	cr_assert_eq(parse(line), 0, "%s", err.msg);
	cr_assert_str_eq(o.linux_path, "\\kernels\\vmlinux");
	cr_assert_eq(o.ninitrd, 1);
	cr_assert_str_eq(o.initrd[0], "\\kernels\\initrd.img");
	cr_assert_str_eq(o.cmdline, "root=/dev/vda1 ro console=ttyS0");
}

Test(loadopt, reloc_forces_a_base)
{
	cr_assert_eq(parse("pvhboot.efi reloc=0x4000000 -- quiet"), 0, "%s", err.msg);
	cr_assert(o.has_reloc);
	cr_assert_eq(o.reloc_base, 0x4000000);
	cr_assert_eq(parse("reloc=67108864"), 0, "%s", err.msg);
	cr_assert_eq(o.reloc_base, 0x4000000);
	expect_error("reloc=0x4000000 reloc=0x2000000", "load options: reloc= given twice");
	expect_error("reloc=64M", "load options: reloc=64M is not a number (0x... or decimal)");
	expect_error("reloc=", "load options: reloc= is not a number (0x... or decimal)");
}
