/*
 * sha256.h - SHA-256 (FIPS 180-4) over a buffer, incrementally. Callers: the
 * UEFI loader, which prints the digest of each TPM measurement it asks the
 * firmware to extend (the firmware computes its own: this one is for the
 * log), and the tests. Pure: builds freestanding and hosted.
 */
#ifndef PVHBOOT_SHA256_H
#define PVHBOOT_SHA256_H

#include "lib/env.h"

#define SHA256_DIGEST_SIZE 32

struct sha256 {
	uint32_t h[8];
	uint64_t bytes; /* message length so far */
	uint8_t block[64];
	unsigned used; /* bytes in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t digest[SHA256_DIGEST_SIZE]);
/* One call: the digest of data[0, len). */
void sha256(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE]);

#endif
