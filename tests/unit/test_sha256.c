/*
 * test_sha256.c - unit tests of sha256.c against FIPS 180-2's examples and
 * fed in pieces across every block-boundary case. Suite
 * "sha256", run by build/unit-tests.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sha256.h"

static void hexdigest(const uint8_t d[SHA256_DIGEST_SIZE], char out[65])
{
	for (unsigned i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void expect(const void *data, size_t len, const char *want)
{
	uint8_t d[SHA256_DIGEST_SIZE];
	char hex[65];

	sha256(data, len, d);
	hexdigest(d, hex);
	cr_assert_str_eq(hex, want, "sha256 of %zu bytes", len);
}

Test(sha256, fips_examples)
{
	expect("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	expect("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	expect("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	static char million[1000000];
	memset(million, 'a', sizeof(million));
	expect(million, sizeof(million),
	       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Fed in pieces of every size from 1 to 130: the same digest as in one call. */
Test(sha256, incremental_equals_one_shot)
{
	uint8_t buf[1000], one[SHA256_DIGEST_SIZE], inc[SHA256_DIGEST_SIZE];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	sha256(buf, sizeof(buf), one);
	for (size_t piece = 1; piece <= 130; piece++) {
		struct sha256 s;
		sha256_init(&s);
		for (size_t at = 0; at < sizeof(buf); at += piece)
			sha256_update(&s, buf + at, sizeof(buf) - at < piece ? sizeof(buf) - at : piece);
		sha256_final(&s, inc);
		cr_assert(memcmp(one, inc, sizeof(one)) == 0, "pieces of %zu", piece);
	}
}
