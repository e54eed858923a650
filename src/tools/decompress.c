/*
 * decompress.c - decomp_payload(): each compression the kernel's build can
 * use, through its Debian library, into one growing buffer that refuses to
 * grow past the cap (see decompress.h). Caller: pvh-extract. The lz4
 * legacy framing comes from the core's reader (bzimage_lz4_next); each of
 * its blocks is an independent LZ4 block that liblz4 decompresses.
 */
#include <bzlib.h>
#include <limits.h>
#include <lz4.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "tools/decompress.h"

typedef unsigned long long ull;

/* The output: room for limit = cap + 1 bytes at most, so that one byte
 * past the cap is seen without decompressing further. */
struct grow {
	const char *name; /* the compression, for messages */
	uint8_t *p;
	size_t len, cap, limit, max;
};

static int grow_bomb(struct grow *g, struct err *err)
{
	return err_fail(err, "%s: the payload decompresses to more than the cap of 0x%llx bytes "
			"(%llu MiB)", g->name, (ull)g->max, (ull)(g->max >> 20));
}

/* At least need free bytes after len (fewer only at the limit: then the
 * caller's next write reaches the limit and is refused). */
static int grow_room(struct grow *g, size_t need, struct err *err)
{
	size_t ncap;
	uint8_t *n;

	if (g->cap - g->len >= need)
		return 0;
	if (g->cap == g->limit)
		return g->len == g->limit ? grow_bomb(g, err) : 0;
	ncap = g->cap;
	while (ncap - g->len < need && ncap < g->limit)
		ncap = ncap > g->limit / 2 ? g->limit : ncap * 2;
	n = realloc(g->p, ncap);
	if (!n)
		return err_fail(err, "%s: out of memory for 0x%llx bytes of output", g->name,
				(ull)ncap);
	g->p = n;
	g->cap = ncap;
	return 0;
}

/* Room for the next call of a streaming decoder, at most 1 GiB at once
 * (zlib and libbz2 count in unsigned int). */
static size_t grow_avail(const struct grow *g)
{
	size_t a = g->cap - g->len;

	return a > (1u << 30) ? (1u << 30) : a;
}

static const char *lzma_ret_name(lzma_ret r)
{
	switch (r) {
	case LZMA_MEM_ERROR:
		return "LZMA_MEM_ERROR";
	case LZMA_MEMLIMIT_ERROR:
		return "LZMA_MEMLIMIT_ERROR: needs more memory than the limit";
	case LZMA_FORMAT_ERROR:
		return "LZMA_FORMAT_ERROR: not this format";
	case LZMA_OPTIONS_ERROR:
		return "LZMA_OPTIONS_ERROR: unsupported options";
	case LZMA_DATA_ERROR:
		return "LZMA_DATA_ERROR: corrupt data";
	case LZMA_BUF_ERROR:
		return "LZMA_BUF_ERROR: the input ends inside the stream";
	default:
		return "liblzma error";
	}
}

static int unxz(struct grow *g, bool alone, const uint8_t *in, size_t in_len, struct err *err)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r;
	int st = 0;

	/* No LZMA_CONCATENATED: the stream's end is the payload's end. */
	r = alone ? lzma_alone_decoder(&s, DECOMP_LZMA_MEMLIMIT)
		  : lzma_stream_decoder(&s, DECOMP_LZMA_MEMLIMIT, 0);
	if (r != LZMA_OK)
		return err_fail(err, "%s: decoder set-up failed (%s)", g->name, lzma_ret_name(r));
	s.next_in = in;
	s.avail_in = in_len;
	for (;;) {
		size_t avail;

		if (grow_room(g, 1, err)) {
			st = -1;
			break;
		}
		avail = grow_avail(g);
		s.next_out = g->p + g->len;
		s.avail_out = avail;
		r = lzma_code(&s, LZMA_FINISH);
		g->len += avail - s.avail_out;
		if (r == LZMA_STREAM_END)
			break;
		if (r != LZMA_OK) {
			st = err_fail(err, "%s: %s after 0x%llx of 0x%llx input bytes", g->name,
				      lzma_ret_name(r), (ull)(in_len - s.avail_in), (ull)in_len);
			break;
		}
	}
	lzma_end(&s);
	return st;
}

static int gunzip(struct grow *g, const uint8_t *in, size_t in_len, struct err *err)
{
	z_stream z;
	int r, st = 0;

	memset(&z, 0, sizeof(z));
	if (in_len > UINT_MAX)
		return err_fail(err, "%s: 0x%llx input bytes, more than zlib takes at once",
				g->name, (ull)in_len);
	/* 16 + 15: a gzip wrapper, the largest window. */
	if (inflateInit2(&z, 16 + 15) != Z_OK)
		return err_fail(err, "%s: decoder set-up failed", g->name);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)in_len;
	for (;;) {
		uInt avail;

		if (grow_room(g, 1, err)) {
			st = -1;
			break;
		}
		avail = (uInt)grow_avail(g);
		z.next_out = g->p + g->len;
		z.avail_out = avail;
		r = inflate(&z, Z_NO_FLUSH);
		g->len += avail - z.avail_out;
		if (r == Z_STREAM_END)
			break;
		if (r == Z_OK)
			continue;
		if (r == Z_BUF_ERROR && z.avail_in == 0)
			st = err_fail(err, "%s: the input ends inside the stream after 0x%llx bytes",
				      g->name, (ull)in_len);
		else
			st = err_fail(err, "%s: corrupt data (%s) after 0x%llx of 0x%llx input bytes",
				      g->name, z.msg ? z.msg : "zlib error",
				      (ull)(in_len - z.avail_in), (ull)in_len);
		break;
	}
	inflateEnd(&z);
	return st;
}

static int unzstd(struct grow *g, const uint8_t *in, size_t in_len, struct err *err)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	ZSTD_inBuffer ib = { in, in_len, 0 };
	int st = 0;

	if (!d)
		return err_fail(err, "%s: decoder set-up failed", g->name);
	for (;;) {
		ZSTD_outBuffer ob;
		size_t r;

		if (grow_room(g, 1, err)) {
			st = -1;
			break;
		}
		ob.dst = g->p + g->len;
		ob.size = grow_avail(g);
		ob.pos = 0;
		r = ZSTD_decompressStream(d, &ob, &ib);
		g->len += ob.pos;
		if (ZSTD_isError(r)) {
			/* ib.pos is not kept up to date on an error: no offset. */
			st = err_fail(err, "%s: corrupt data (%s) in 0x%llx input bytes", g->name,
				      ZSTD_getErrorName(r), (ull)in_len);
			break;
		}
		if (r == 0)
			break; /* the frame is complete */
		/* All input taken, output not filled: it waits for more. */
		if (ib.pos == ib.size && ob.pos < ob.size) {
			st = err_fail(err, "%s: the input ends inside the frame after 0x%llx bytes",
				      g->name, (ull)in_len);
			break;
		}
	}
	ZSTD_freeDCtx(d);
	return st;
}

static int bunzip2(struct grow *g, const uint8_t *in, size_t in_len, struct err *err)
{
	bz_stream b;
	int r, st = 0;

	memset(&b, 0, sizeof(b));
	if (in_len > UINT_MAX)
		return err_fail(err, "%s: 0x%llx input bytes, more than libbz2 takes at once",
				g->name, (ull)in_len);
	if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK)
		return err_fail(err, "%s: decoder set-up failed", g->name);
	b.next_in = (char *)(uintptr_t)in;
	b.avail_in = (unsigned)in_len;
	for (;;) {
		unsigned avail;

		if (grow_room(g, 1, err)) {
			st = -1;
			break;
		}
		avail = (unsigned)grow_avail(g);
		b.next_out = (char *)(g->p + g->len);
		b.avail_out = avail;
		r = BZ2_bzDecompress(&b);
		g->len += avail - b.avail_out;
		if (r == BZ_STREAM_END)
			break;
		if (r == BZ_OK && b.avail_in == 0 && b.avail_out > 0) {
			st = err_fail(err, "%s: the input ends inside the stream after 0x%llx bytes",
				      g->name, (ull)in_len);
			break;
		}
		if (r != BZ_OK) {
			st = err_fail(err, "%s: %s after 0x%llx of 0x%llx input bytes", g->name,
				      r == BZ_DATA_ERROR ? "corrupt data (BZ_DATA_ERROR)"
				      : r == BZ_DATA_ERROR_MAGIC ? "not bzip2 data (BZ_DATA_ERROR_MAGIC)"
				      : r == BZ_MEM_ERROR ? "out of memory (BZ_MEM_ERROR)"
							  : "libbz2 error",
				      (ull)(in_len - b.avail_in), (ull)in_len);
			break;
		}
	}
	BZ2_bzDecompressEnd(&b);
	return st;
}

static int unlz4(struct grow *g, const uint8_t *in, size_t in_len, struct err *err)
{
	struct bzimage_lz4 r;
	const uint8_t *block;
	uint32_t len;
	int more;

	if (bzimage_lz4_init(&r, in, in_len, err))
		return -1;
	while ((more = bzimage_lz4_next(&r, &block, &len, err)) == 1) {
		int n;

		/* A block gives at most 8 MiB; near the cap, less room is
		 * given, and a block that needs more is the cap's error. */
		if (grow_room(g, BZIMAGE_LZ4_BLOCK_OUT, err))
			return -1;
		if (g->len == g->limit)
			return grow_bomb(g, err);
		n = LZ4_decompress_safe((const char *)block, (char *)(g->p + g->len), (int)len,
					(int)(g->cap - g->len < BZIMAGE_LZ4_BLOCK_OUT
						      ? g->cap - g->len
						      : BZIMAGE_LZ4_BLOCK_OUT));
		if (n < 0) {
			if (g->cap == g->limit && g->cap - g->len < BZIMAGE_LZ4_BLOCK_OUT)
				return grow_bomb(g, err);
			return err_fail(err, "lz4: block %u at 0x%llx: corrupt data (LZ4_decompress_safe "
					"%d)", r.block - 1, (ull)(block - in - 4), n);
		}
		g->len += (size_t)n;
	}
	return more;
}

int decomp_payload(enum bzimage_comp comp, const uint8_t *in, size_t in_len, size_t max,
		   size_t hint, struct decomp_out *out, struct err *err)
{
	struct grow g = { .name = bzimage_comp_name(comp), .max = max };
	int st;

	out->data = NULL;
	out->len = 0;
	if (max == SIZE_MAX)
		max--;
	g.limit = max + 1;
	g.cap = hint && hint < g.limit ? hint + 1 : (g.limit < (16u << 20) ? g.limit : 16u << 20);
	g.p = malloc(g.cap);
	if (!g.p)
		return err_fail(err, "%s: out of memory for 0x%llx bytes of output", g.name,
				(ull)g.cap);
	switch (comp) {
	case BZIMAGE_COMP_XZ:
		st = unxz(&g, false, in, in_len, err);
		break;
	case BZIMAGE_COMP_LZMA:
		st = unxz(&g, true, in, in_len, err);
		break;
	case BZIMAGE_COMP_GZIP:
		st = gunzip(&g, in, in_len, err);
		break;
	case BZIMAGE_COMP_ZSTD:
		st = unzstd(&g, in, in_len, err);
		break;
	case BZIMAGE_COMP_BZIP2:
		st = bunzip2(&g, in, in_len, err);
		break;
	case BZIMAGE_COMP_LZ4:
		st = unlz4(&g, in, in_len, err);
		break;
	case BZIMAGE_COMP_NONE:
		st = grow_room(&g, in_len, err);
		if (!st && g.cap - g.len < in_len)
			st = grow_bomb(&g, err);
		if (!st) {
			memcpy(g.p, in, in_len);
			g.len = in_len;
		}
		break;
	case BZIMAGE_COMP_LZO:
		st = err_fail(err, "lzo: not supported (a kernel built with CONFIG_KERNEL_LZO; "
			      "rebuild it with xz, zstd, lz4 or gzip)");
		break;
	case BZIMAGE_COMP_UNKNOWN:
	default:
		st = err_fail(err, "unknown compression");
		break;
	}
	if (!st && g.len > max)
		st = grow_bomb(&g, err);
	if (st) {
		free(g.p);
		return -1;
	}
	out->data = g.p;
	out->len = g.len;
	return 0;
}
