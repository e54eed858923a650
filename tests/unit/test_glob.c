/*
 * test_glob.c - unit tests of glob_match() (src/loader/config/glob.c), the
 * pattern matcher of loader.conf's "default". The host's fnmatch(3) (flags
 * 0, C locale) is the oracle: hand-picked cases first, then many generated
 * patterns and strings over a small alphabet rich in special characters.
 * Suite "glob", run by build/unit-tests.
 */
#include <criterion/criterion.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "loader/config/glob.h"

static void expect_oracle(const char *pattern, const char *string)
{
	bool want = fnmatch(pattern, string, 0) == 0;

	cr_assert_eq(glob_match(pattern, string), want, "glob_match(\"%s\", \"%s\") should be %s",
		     pattern, string, want ? "true" : "false");
}

Test(glob, literal_and_wildcards)
{
	cr_assert(glob_match("linux-6.1", "linux-6.1"));
	cr_assert(!glob_match("linux-6.1", "linux-6.10"));
	cr_assert(glob_match("linux-*", "linux-6.1.0-10-amd64"));
	cr_assert(glob_match("*", ""));
	cr_assert(!glob_match("?", ""));
	cr_assert(glob_match("*-6.1.*-amd64", "debian-6.1.0-9-amd64"));
	cr_assert(!glob_match("*-6.1.*-amd64", "debian-6.1.0-9-686"));
	cr_assert(glob_match("a*b*c", "aXXbYYbc"));
	cr_assert(glob_match("**a", "a"));
	cr_assert(glob_match("*/x", "a/b/x")); /* '*' crosses '/' with flags 0 */
}

Test(glob, brackets)
{
	cr_assert(glob_match("[abc]", "b"));
	cr_assert(!glob_match("[abc]", "d"));
	cr_assert(glob_match("[a-z]x", "qx"));
	cr_assert(!glob_match("[a-z]x", "Qx"));
	cr_assert(glob_match("[!x]", "y"));
	cr_assert(!glob_match("[!x]", "x"));
	cr_assert(glob_match("[^x]", "y"));
	cr_assert(glob_match("[]]", "]"));
	cr_assert(glob_match("[!]]", "a"));
	cr_assert(!glob_match("[!]]", "]"));
	cr_assert(glob_match("[a-]", "-"));
	cr_assert(glob_match("[-a]", "-"));
	cr_assert(!glob_match("[z-a]", "m"));
	cr_assert(glob_match("[", "["));     /* not closed: itself */
	cr_assert(glob_match("[ab", "[ab"));
	cr_assert(!glob_match("[]", "]"));  /* "[]" is not closed either */
	cr_assert(glob_match("[]", "[]"));
}

Test(glob, escapes)
{
	cr_assert(glob_match("\\*", "*"));
	cr_assert(!glob_match("\\*", "a"));
	cr_assert(glob_match("a\\?", "a?"));
	cr_assert(!glob_match("a\\", "a\\")); /* a trailing '\' matches nothing */
	cr_assert(!glob_match("*\\", "x"));
	cr_assert(glob_match("[\\]]", "]"));
	cr_assert(glob_match("[a\\-z]", "-"));
	cr_assert(!glob_match("[a\\-z]", "m"));
}

Test(glob, hand_cases_agree_with_fnmatch)
{
	static const char *const cases[][2] = {
		{ "*a*a*a*", "aaa" },  { "*a*a*a*", "aa" },   { "a*", "" },
		{ "*?", "" },          { "*?", "x" },         { "?*?", "x" },
		{ "[a-c]*[!c]", "ab" }, { "[a-c]*[!c]", "ac" }, { "\\[x]", "[x]" },
		{ "[]-a]", "^" },      { "[]-a]", "b" },      { "[!a-]", "-" },
		{ "[\\]", "\\" },      { "[\\]]", "\\]" },    { "[[]", "[" },
		{ "[*]", "*" },        { "[?]", "x" },        { "a[!]b", "a!]b" },
		{ "**", "" },          { "*.conf", "arch.conf" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_oracle(cases[i][0], cases[i][1]);
}

/* A small deterministic generator (xorshift), so a failure repeats. */
static uint32_t rng_state = 2463534242u;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static char pick(const char *set)
{
	return set[rng() % strlen(set)];
}

/*
 * A pattern of up to 8 tokens: literals, '*', '?', escapes and closed
 * brackets (with '!', ranges, ']' first, '-' at the ends, escapes inside).
 */
static void gen_pattern(char *p, size_t size)
{
	static const char lit[] = "ab-]!^";
	size_t o = 0;
	unsigned ntok = rng() % 9;

	for (unsigned t = 0; t < ntok && o + 16 < size; t++) {
		switch (rng() % 7) {
		case 0:
		case 1:
			p[o++] = pick(lit);
			break;
		case 2:
			p[o++] = '*';
			break;
		case 3:
			p[o++] = '?';
			break;
		case 4:
			p[o++] = '\\';
			p[o++] = pick("ab*?[]\\-");
			break;
		default: {
			unsigned items = 1 + rng() % 3;

			p[o++] = '[';
			if (rng() % 3 == 0)
				p[o++] = pick("!^");
			if (rng() % 5 == 0)
				p[o++] = ']';
			else if (rng() % 6 == 0)
				p[o++] = '-';
			for (unsigned k = 0; k < items; k++) {
				if (rng() % 6 == 0) {
					p[o++] = '\\';
					p[o++] = pick("]-\\a");
				} else {
					p[o++] = pick("abc^!");
				}
				if (rng() % 3 == 0) {
					p[o++] = '-';
					p[o++] = pick("abc^");
				}
			}
			if (rng() % 6 == 0)
				p[o++] = '-';
			p[o++] = ']';
			break;
		}
		}
	}
	p[o] = '\0';
}

static void gen_string(char *s, size_t size)
{
	static const char alpha[] = "abc-]![^\\*?";
	size_t n = rng() % 7;

	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		s[i] = pick(alpha);
	s[n] = '\0';
}

Test(glob, generated_cases_agree_with_fnmatch)
{
	char pattern[160], string[16];
	unsigned matches = 0;

	for (unsigned i = 0; i < 20000; i++) {
		gen_pattern(pattern, sizeof(pattern));
		for (unsigned k = 0; k < 8; k++) {
			gen_string(string, sizeof(string));
			expect_oracle(pattern, string);
			matches += fnmatch(pattern, string, 0) == 0;
		}
	}
	/* The generator must exercise both outcomes, or the comparison says little. */
	cr_assert_gt(matches, 5000);
	cr_assert_lt(matches, 150000);
}

Test(glob, strings_built_to_match_agree_with_fnmatch)
{
	/* Random strings rarely match long patterns: also derive strings from them. */
	char pattern[160], string[64];

	for (unsigned i = 0; i < 20000; i++) {
		size_t o = 0;

		gen_pattern(pattern, sizeof(pattern));
		for (const char *p = pattern; *p && o + 4 < sizeof(string); p++) {
			if (*p == '*')
				for (unsigned r = rng() % 3; r; r--)
					string[o++] = pick("ab-");
			else if (*p == '\\' && p[1])
				string[o++] = *++p;
			else if (*p == '[' || *p == '?')
				string[o++] = pick("abc-]^!");
			else if (*p != ']')
				string[o++] = *p;
		}
		string[o] = '\0';
		expect_oracle(pattern, string);
	}
}
