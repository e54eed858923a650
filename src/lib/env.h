/*
 * env.h - the one header that knows whether code is built freestanding (the
 * boot images) or hosted (unit tests, fuzzers, host tools).
 *
 * Every core and helper file includes this instead of C library headers, so
 * the same sources compile in both worlds. Freestanding builds use only the
 * compiler's own headers (stdint, stddef, stdbool, stdarg) and get mem*()
 * from src/lib/mem.c; hosted builds use the C library.
 */
#ifndef PVHBOOT_ENV_H
#define PVHBOOT_ENV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if __STDC_HOSTED__
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define UNUSED __attribute__((unused))

/*
 * A bounded byte range in memory and its one checked accessor: bytes_at()
 * compares len with what remains after off, so neither the test nor the
 * pointer arithmetic can overflow (NULL when the range is not all there).
 * The PE and bzImage readers reach every byte through it.
 */
struct byte_range {
	const uint8_t *base;
	uint64_t size;
};

static inline const uint8_t *bytes_at(const struct byte_range *b, uint64_t off, uint64_t len)
{
	if (off > b->size || len > b->size - off)
		return NULL;
	/* off <= size, and size bytes exist in memory, so off fits size_t. */
	return b->base + (size_t)off;
}

/* Little-endian loads from unaligned bytes: every parser reads through these. */
static inline uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static inline uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/* Overflow-safe arithmetic: true when the result did not fit. */
#define add_overflows(a, b, res) __builtin_add_overflow((a), (b), (res))
#define mul_overflows(a, b, res) __builtin_mul_overflow((a), (b), (res))

/* Round up to a power-of-two alignment; returns false on overflow. */
static inline bool align_up_u64(uint64_t v, uint64_t align, uint64_t *out)
{
	uint64_t t;

	if (align == 0)
		align = 1;
	if (add_overflows(v, align - 1, &t))
		return false;
	*out = t & ~(align - 1);
	return true;
}

#endif
