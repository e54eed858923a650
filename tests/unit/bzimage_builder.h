/*
 * bzimage_builder.h - test-only helper that writes small bzImages into
 * memory, so the bzImage tests (tests/unit/test_bzimage.c, test_extract.c)
 * can build each case and then corrupt one field of it. Fields are written
 * at the offsets Linux's Documentation/arch/x86/boot.rst gives, spelled
 * here independently of src/elf/bzimage.h. Not part of any image.
 *
 * Layout: setup_sects 1 (the 32-bit code at 0x400), boot flag, "HdrS",
 * boot protocol 2.15, kernel_version string BZB_VERSION at 0x300, 16 bytes
 * of "32-bit code", the payload at BZB_PAYLOAD (payload_offset 0x10), then
 * 16 bytes of padding.
 */
#ifndef PVHBOOT_TEST_BZIMAGE_BUILDER_H
#define PVHBOOT_TEST_BZIMAGE_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BZB_SETUP_SIZE 0x400u
#define BZB_PAYLOAD 0x410u
#define BZB_PAD 16u
#define BZB_VERSION "6.1.0-test-amd64 (test@pvhboot) #1 SMP"

struct bzb {
	uint8_t *buf; /* malloc'd */
	size_t size;
};

/* A bzImage around payload (len bytes, copied as is). */
void bzb_make(struct bzb *b, const void *payload, size_t len);
/* The same with the kernel build's size trailer (le32 trailer) after payload. */
void bzb_make_trailer(struct bzb *b, const void *payload, size_t len, uint32_t trailer);
void bzb_free(struct bzb *b);
/* Store v little-endian in width bytes at off (inside the image). */
void bzb_set(struct bzb *b, size_t off, unsigned width, uint64_t v);
bool bzb_write_file(const struct bzb *b, const char *path);

#endif
