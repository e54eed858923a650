/*
 * test_uki_text.c - unit tests of uki_text.c: section text, os-release's
 * PRETTY_NAME, load options as a command line. Suite "uki_text", run by
 * build/unit-tests.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "loader/config/uki_text.h"

Test(uki_text, section_text)
{
	char out[16];
	const char cmd[] = "quiet\nroot=/dev/vda1 \n\0junk";

	uki_text_copy(out, sizeof(out), (const uint8_t *)cmd, sizeof(cmd), true);
	cr_assert_str_eq(out, "quiet root=/dev");
	uki_text_copy(out, sizeof(out), (const uint8_t *)"a\tb\n\n", 5, false);
	cr_assert_str_eq(out, "a\tb", "not one line: inner tab kept, trailing breaks dropped");
	uki_text_copy(out, sizeof(out), (const uint8_t *)"abc", 0, true);
	cr_assert_str_eq(out, "");
	uki_text_copy(out, 1, (const uint8_t *)"abc", 3, true);
	cr_assert_str_eq(out, "", "a one-byte destination holds the NUL only");
}

Test(uki_text, pretty_name)
{
	char t[32] = "unchanged";
	const char *debian = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n";

	cr_assert(uki_osrel_pretty_name(t, sizeof(t), debian));
	cr_assert_str_eq(t, "Debian GNU/Linux 12 (bookworm)");
	cr_assert(uki_osrel_pretty_name(t, sizeof(t), "ID=x\r\nPRETTY_NAME='Single'\r\n"));
	cr_assert_str_eq(t, "Single");
	cr_assert(uki_osrel_pretty_name(t, sizeof(t), "PRETTY_NAME=bare"));
	cr_assert_str_eq(t, "bare");
	cr_assert(uki_osrel_pretty_name(t, 5, "PRETTY_NAME=\"toolong\""));
	cr_assert_str_eq(t, "tool");
	cr_assert(uki_osrel_pretty_name(t, sizeof(t), "PRETTY_NAME=\""));
	cr_assert_str_eq(t, "", "a lone quote");
	strcpy(t, "unchanged");
	cr_assert_not(uki_osrel_pretty_name(t, sizeof(t), "NAME=x\nXPRETTY_NAME=y\n"));
	cr_assert_str_eq(t, "unchanged");
}

Test(uki_text, load_options)
{
	char out[64];
	const uint8_t opts[] = { 'a', 0, '=', 0, '1', 0, '\n', 0, 'b', 0, ' ', 0, 0, 0, 'z', 0 };
	const uint8_t binary[] = { 0x01, 0x00, 0x02, 0x00 };
	const uint8_t wide[] = { 'a', 0, 0xe9, 0x00 };

	cr_assert(uki_options_text(out, sizeof(out), opts, sizeof(opts)));
	cr_assert_str_eq(out, "a=1 b", "line end to a space, trailing blank dropped, cut at NUL");
	cr_assert(uki_options_text(out, sizeof(out), opts, 5), "odd length: the last byte dropped");
	cr_assert_str_eq(out, "a=");
	cr_assert_not(uki_options_text(out, sizeof(out), binary, sizeof(binary)));
	cr_assert_str_eq(out, "");
	cr_assert_not(uki_options_text(out, sizeof(out), wide, sizeof(wide)));
	cr_assert(uki_options_text(out, sizeof(out), NULL, 0));
	cr_assert_str_eq(out, "");
	cr_assert(uki_options_text(out, 3, opts, sizeof(opts)));
	cr_assert_str_eq(out, "a=");
}
