/*
 * test_options.c - unit tests of options_parse() (src/loader/common/
 * options.c): the loader's own command line on multiboot, the "pvhboot."
 * words taken out of a PVH command line, and unknown options kept for the
 * warning. Suite "options", run by build/unit-tests.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "loader/common/options.h"

static struct loader_options opts;
static char rest[256];

static void parse(const char *in, bool all_words)
{
	memset(&opts, 0, sizeof(opts));
	memset(rest, 'X', sizeof(rest));
	options_parse(&opts, in, all_words, rest, sizeof(rest));
}

Test(options, multiboot_skips_path_like_first_word)
{
	parse("/boot/pvhboot.elf debug", true);
	cr_assert(opts.debug);
	cr_assert(!opts.exit_on_error);
	cr_assert_eq(opts.nunknown, 0);
	cr_assert_str_eq(rest, "");

	parse("\\EFI\\pvhboot.efi exit-on-error", true);
	cr_assert(opts.exit_on_error);
	cr_assert(!opts.debug);
	cr_assert_eq(opts.nunknown, 0);
}

Test(options, multiboot_first_word_without_slash_is_an_option)
{
	parse("  debug\texit-on-error  ", true);
	cr_assert(opts.debug);
	cr_assert(opts.exit_on_error);
	cr_assert_eq(opts.nunknown, 0);
}

Test(options, multiboot_only_the_first_path_is_skipped)
{
	parse("/pvhboot.elf /other debug", true);
	cr_assert(opts.debug);
	cr_assert_eq(opts.nunknown, 1);
	cr_assert_str_eq(opts.unknown[0], "/other");
}

Test(options, multiboot_accepts_prefixed_words)
{
	parse("/pvhboot.elf pvhboot.debug pvhboot.exit-on-error", true);
	cr_assert(opts.debug);
	cr_assert(opts.exit_on_error);
	cr_assert_eq(opts.nunknown, 0);
}

Test(options, pvh_strips_prefixed_words)
{
	parse("console=ttyS0 pvhboot.debug root=/dev/vda pvhboot.exit-on-error quiet", false);
	cr_assert(opts.debug);
	cr_assert(opts.exit_on_error);
	cr_assert_eq(opts.nunknown, 0);
	cr_assert_str_eq(rest, "console=ttyS0 root=/dev/vda quiet");
}

Test(options, pvh_keeps_path_like_first_word)
{
	/* The whole command line is the kernel's: nothing is a loader path here. */
	parse("/vmlinux console=ttyS0", false);
	cr_assert_str_eq(rest, "/vmlinux console=ttyS0");
	cr_assert(!opts.debug);
}

Test(options, pvh_unprefixed_option_names_go_to_the_kernel)
{
	parse("debug exit-on-error", false);
	cr_assert(!opts.debug);
	cr_assert(!opts.exit_on_error);
	cr_assert_eq(opts.nunknown, 0);
	cr_assert_str_eq(rest, "debug exit-on-error");
}

Test(options, pvh_bare_prefix_is_a_kernel_word)
{
	parse("pvhboot. quiet", false);
	cr_assert_eq(opts.nunknown, 0);
	cr_assert_str_eq(rest, "pvhboot. quiet");
}

Test(options, pvh_only_options_leaves_empty_rest)
{
	parse(" \tpvhboot.debug\t ", false);
	cr_assert(opts.debug);
	cr_assert_str_eq(rest, "");
}

Test(options, unknown_options_recorded)
{
	parse("console=ttyS0 pvhboot.verbose pvhboot.debug", false);
	cr_assert(opts.debug);
	cr_assert_eq(opts.nunknown, 1);
	cr_assert_str_eq(opts.unknown[0], "verbose");
	cr_assert_str_eq(rest, "console=ttyS0");

	parse("/pvhboot.elf quiet debug pvhboot.fast", true);
	cr_assert(opts.debug);
	cr_assert_eq(opts.nunknown, 2);
	cr_assert_str_eq(opts.unknown[0], "quiet");
	cr_assert_str_eq(opts.unknown[1], "fast");
}

Test(options, unknown_options_capped_and_truncated)
{
	parse("a b c d e f pvhboot.debug "
	      "a-very-long-option-name-that-does-not-fit-in-32-bytes",
	      true);
	cr_assert(opts.debug);
	cr_assert_eq(opts.nunknown, OPTIONS_MAX_UNKNOWN);
	cr_assert_str_eq(opts.unknown[0], "a");
	cr_assert_str_eq(opts.unknown[3], "d");

	parse("x pvhboot.a-very-long-option-name-that-does-not-fit-in-32-bytes", false);
	cr_assert_eq(opts.nunknown, 1);
	cr_assert_eq(strlen(opts.unknown[0]), sizeof(opts.unknown[0]) - 1);
	cr_assert_str_eq(opts.unknown[0], "a-very-long-option-name-that-do");
	cr_assert_str_eq(rest, "x");
}

Test(options, options_accumulate_across_calls)
{
	/* Multiboot reads its own command line, then the kernel's pvhboot. words. */
	parse("/pvhboot.elf debug", true);
	options_parse(&opts, "pvhboot.exit-on-error console=ttyS0", false, rest, sizeof(rest));
	cr_assert(opts.debug);
	cr_assert(opts.exit_on_error);
	cr_assert_str_eq(rest, "console=ttyS0");
}

Test(options, rest_is_bounded_and_terminated)
{
	char small[12];

	memset(&opts, 0, sizeof(opts));
	memset(small, 'X', sizeof(small));
	options_parse(&opts, "abcde fghij klmno pvhboot.debug", false, small, sizeof(small));
	/* "abcde fghij" is 11 bytes: with its NUL it fills the buffer exactly. */
	cr_assert_str_eq(small, "abcde fghij");
	cr_assert(opts.debug);

	memset(small, 'X', sizeof(small));
	options_parse(&opts, "abcdefghijkl", false, small, sizeof(small));
	cr_assert_str_eq(small, "");
}

Test(options, null_and_empty_input)
{
	parse(NULL, false);
	cr_assert_str_eq(rest, "");
	cr_assert(!opts.debug);
	parse("", true);
	cr_assert_eq(opts.nunknown, 0);
	memset(&opts, 0, sizeof(opts));
	options_parse(&opts, "pvhboot.debug kernel-word", false, NULL, 0);
	cr_assert(opts.debug);
}

Test(options, reloc_forces_a_base)
{
	parse("/boot/pvhboot.elf reloc=0x2000000 debug", true);
	cr_assert(opts.reloc_forced);
	cr_assert_eq(opts.reloc_base, 0x2000000);
	cr_assert_eq(opts.bad[0], '\0');

	parse("console=ttyS0 pvhboot.reloc=33554432 quiet", false);
	cr_assert(opts.reloc_forced);
	cr_assert_eq(opts.reloc_base, 0x2000000);
	cr_assert_str_eq(rest, "console=ttyS0 quiet");

	parse("reloc=0xFFFFFFFFFFFFFFFF", true);
	cr_assert_eq(opts.reloc_base, UINT64_MAX);
}

Test(options, reloc_malformed_is_recorded)
{
	static const char *const bad[] = { "reloc=0x", "reloc=12k", "reloc=0x10000000000000000",
					   "reloc=-1", "reloc=0xg" };

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse(bad[i], true);
		cr_assert(!opts.reloc_forced, "%s", bad[i]);
		cr_assert_str_eq(opts.bad, bad[i]);
	}
	/* "reloc=" alone is no reloc option at all: an unknown word. */
	parse("reloc=", true);
	cr_assert_eq(opts.nunknown, 1);
}
