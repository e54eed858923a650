/*
 * test_bzimage.c - unit tests of the bzImage reader (src/elf/bzimage.c):
 * hand-made images from bzimage_builder.c, each field broken in turn with
 * its message checked; the lz4 legacy block walker; and Debian's three
 * cached kernels (cache/kernel*, found beside PVH_TEST_VMLINUX), whose
 * readings are compared with independent facts: the offset at which
 * scripts/extract-vmlinux.sh finds the payload (the first occurrence of
 * the compression's magic, 0x52cc in all three), the size of the vmlinux
 * it wrote, the version of the package the kernel came from.
 */
#include <criterion/criterion.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzimage_builder.h"
#include "elf_builder.h"
#include "elf/bzimage.h"

static struct bzb b;
static struct bzimage_info info;
static struct err err;

static int parse(void)
{
	err_clear(&err);
	return bzimage_parse(&info, b.buf, b.size, &err);
}

static void expect_error(const char *what, const char *msg)
{
	cr_assert_eq(parse(), -1, "%s: parsed", what);
	cr_assert(err.set);
	cr_assert_str_eq(err.msg, msg, "%s", what);
}

static const uint8_t xz_magic[] = { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x11, 0x22 };

static void xz_image(void)
{
	bzb_make_trailer(&b, xz_magic, sizeof(xz_magic), 0x12345678);
}

Test(bzimage, good_header)
{
	xz_image();
	cr_assert_eq(parse(), 0, "%s", err.msg);
	cr_assert_eq(info.protocol, 0x020f);
	cr_assert_eq(info.setup_sects, 1);
	cr_assert_eq(info.setup_size, 0x400);
	cr_assert_eq(info.loadflags, 1);
	cr_assert_eq(info.xloadflags, 0x7f);
	cr_assert_eq(info.init_size, 0x1000000);
	cr_assert_eq(info.payload_offset, BZB_PAYLOAD);
	cr_assert_eq(info.payload_length, sizeof(xz_magic) + 4);
	cr_assert_eq(info.comp, BZIMAGE_COMP_XZ);
	cr_assert_str_eq(bzimage_comp_name(info.comp), "xz");
	cr_assert(info.has_size_trailer);
	cr_assert_eq(info.size_trailer, 0x12345678);
	cr_assert_str_eq(info.version, BZB_VERSION);
	cr_assert_eq(info.release_len, strlen("6.1.0-test-amd64"));
	cr_assert(bzimage_detect(b.buf, b.size));
	bzb_free(&b);
}

Test(bzimage, setup_sects_zero_means_four)
{
	uint8_t *big;

	xz_image();
	/* Move the payload to 0xa10 (5 sectors of setup, then 0x10). */
	big = calloc(1, 0xa10 + b.size - BZB_PAYLOAD);
	cr_assert_not_null(big);
	memcpy(big, b.buf, BZB_SETUP_SIZE);
	memcpy(big + 0xa10, b.buf + BZB_PAYLOAD, b.size - BZB_PAYLOAD);
	free(b.buf);
	b.size = 0xa10 + b.size - BZB_PAYLOAD;
	b.buf = big;
	bzb_set(&b, 0x1f1, 1, 0);
	cr_assert_eq(parse(), 0, "%s", err.msg);
	cr_assert_eq(info.setup_sects, 4);
	cr_assert_eq(info.setup_size, 0xa00);
	cr_assert_eq(info.payload_offset, 0xa10);
	cr_assert_eq(info.comp, BZIMAGE_COMP_XZ);
	bzb_free(&b);
}

Test(bzimage, every_magic)
{
	static const struct {
		uint8_t magic[6];
		size_t len;
		enum bzimage_comp comp;
		const char *name;
	} cases[] = {
		{ { 0x1f, 0x8b, 0x08 }, 3, BZIMAGE_COMP_GZIP, "gzip" },
		{ { 'B', 'Z', 'h' }, 3, BZIMAGE_COMP_BZIP2, "bzip2" },
		{ { 0x5d, 0x00, 0x00 }, 3, BZIMAGE_COMP_LZMA, "lzma" },
		{ { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00 }, 6, BZIMAGE_COMP_XZ, "xz" },
		{ { 0x89, 0x4c, 0x5a, 0x4f }, 4, BZIMAGE_COMP_LZO, "lzo" },
		{ { 0x02, 0x21, 0x4c, 0x18 }, 4, BZIMAGE_COMP_LZ4, "lz4" },
		{ { 0x28, 0xb5, 0x2f, 0xfd }, 4, BZIMAGE_COMP_ZSTD, "zstd" },
		{ { 0x7f, 'E', 'L', 'F' }, 4, BZIMAGE_COMP_NONE, "uncompressed" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bzb_make_trailer(&b, cases[i].magic, cases[i].len, 0);
		cr_assert_eq(parse(), 0, "%s: %s", cases[i].name, err.msg);
		cr_assert_eq(info.comp, cases[i].comp, "%s", cases[i].name);
		cr_assert_str_eq(bzimage_comp_name(info.comp), cases[i].name);
		/* One byte short of the magic is not that compression. */
		cr_assert_neq(bzimage_comp_of(cases[i].magic, cases[i].len - 1), cases[i].comp,
			      "%s", cases[i].name);
		bzb_free(&b);
	}
	cr_assert_str_eq(bzimage_comp_name(BZIMAGE_COMP_UNKNOWN), "unknown");
}

Test(bzimage, unknown_compression)
{
	static const uint8_t junk[] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };

	bzb_make(&b, junk, sizeof(junk));
	expect_error("junk", "bzimage: payload at 0x410: unknown compression (first bytes "
			     "00 11 22 33 44 55)");
	bzb_free(&b);
	/* A payload shorter than any magic: what there is, zeros after. */
	bzb_make(&b, "\x1f\x8b", 2);
	expect_error("short", "bzimage: payload at 0x410: unknown compression (first bytes "
			      "1f 8b 00 00 00 00)");
	bzb_free(&b);
}

Test(bzimage, truncated_setup_header)
{
	static const size_t cuts[] = { 0, 1, 0x1f1, 0x200, 0x204, 0x24c, 0x24f };

	xz_image();
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		char want[200];

		err_clear(&err);
		cr_assert_eq(bzimage_parse(&info, b.buf, cuts[i], &err), -1);
		snprintf(want, sizeof(want),
			 "bzimage: file size 0x%zx ends inside the setup header (0x250 bytes, "
			 "through payload_length at 0x24c)", cuts[i]);
		cr_assert_str_eq(err.msg, want);
		cr_assert(!bzimage_detect(b.buf, cuts[i]) || cuts[i] >= 0x206);
	}
	/* Header complete but the file ends inside the setup code. */
	err_clear(&err);
	cr_assert_eq(bzimage_parse(&info, b.buf, 0x300, &err), -1);
	cr_assert_str_eq(err.msg, "bzimage: setup_sects 1: setup code ends at 0x400, beyond file "
				  "size 0x300");
	bzb_free(&b);
}

Test(bzimage, magics_and_protocol)
{
	xz_image();
	bzb_set(&b, 0x1fe, 2, 0x55aa);
	expect_error("boot_flag", "bzimage: boot_flag at 0x1fe is 0x55aa, not 0xaa55");
	cr_assert(!bzimage_detect(b.buf, b.size));
	bzb_set(&b, 0x1fe, 2, 0xaa55);
	b.buf[0x205] = 'Z';
	expect_error("HdrS", "bzimage: header at 0x202 is 48 64 72 5a, not \"HdrS\"");
	cr_assert(!bzimage_detect(b.buf, b.size));
	b.buf[0x205] = 'S';
	bzb_set(&b, 0x206, 2, 0x0207);
	expect_error("2.07", "bzimage: boot protocol 2.07 predates payload_offset (2.08)");
	cr_assert(bzimage_detect(b.buf, b.size), "still a Linux boot image");
	bzb_set(&b, 0x206, 2, 0x0208);
	cr_assert_eq(parse(), 0, "%s", err.msg);
	cr_assert_eq(info.init_size, 0, "init_size is 2.10's");
	cr_assert_eq(info.xloadflags, 0, "xloadflags is 2.12's");
	bzb_free(&b);
}

Test(bzimage, payload_range)
{
	xz_image();
	/* The payload ends at 0x41c, the file at 0x42c. */
	bzb_set(&b, 0x248, 4, 0x2c);
	expect_error("offset at end", "bzimage: payload_offset 0x2c: payload starts at 0x42c (after "
				      "0x400 bytes of setup), beyond file size 0x42c");
	bzb_set(&b, 0x248, 4, 0xffffffff);
	expect_error("offset huge", "bzimage: payload_offset 0xffffffff: payload starts at "
				    "0x1000003ff (after 0x400 bytes of setup), beyond file size 0x42c");
	bzb_set(&b, 0x248, 4, 0x10);
	bzb_set(&b, 0x24c, 4, 0x1d);
	expect_error("one past", "bzimage: payload_offset 0x10 + payload_length 0x1d: payload ends "
				 "at 0x42d, beyond file size 0x42c");
	/* 0x10 + 0xfffffff8 wraps to 8 in 32 bits: a reader adding in 32 bits
	 * would take the payload as 8 bytes. */
	bzb_set(&b, 0x24c, 4, 0xfffffff8);
	expect_error("wrapping", "bzimage: payload_offset 0x10 + payload_length 0xfffffff8: payload "
				 "ends at 0x100000408, beyond file size 0x42c");
	bzb_set(&b, 0x248, 4, 0xfffffff0);
	bzb_set(&b, 0x24c, 4, 0x20);
	expect_error("both wrap", "bzimage: payload_offset 0xfffffff0: payload starts at 0x1000003f0 "
				  "(after 0x400 bytes of setup), beyond file size 0x42c");
	bzb_set(&b, 0x248, 4, 0x10);
	bzb_set(&b, 0x24c, 4, 0);
	expect_error("empty", "bzimage: payload_length at 0x24c is 0: no payload");
	/* Exactly to the end of the file is fine. */
	bzb_set(&b, 0x24c, 4, 0x1c);
	cr_assert_eq(parse(), 0, "%s", err.msg);
	cr_assert_eq(info.payload_length, 0x1c);
	bzb_free(&b);
}

Test(bzimage, version_string)
{
	xz_image();
	bzb_set(&b, 0x20e, 2, 0);
	cr_assert_eq(parse(), 0);
	cr_assert_str_eq(info.version, "", "absent");
	cr_assert_eq(info.release_len, 0);
	/* Outside the setup area (0x400 bytes): ignored, not an error. */
	bzb_set(&b, 0x20e, 2, 0x200);
	cr_assert_eq(parse(), 0);
	cr_assert_str_eq(info.version, "");
	/* No NUL before the setup area ends. */
	bzb_set(&b, 0x20e, 2, 0x1f0);
	memset(b.buf + 0x3f0, 'a', 0x10);
	cr_assert_eq(parse(), 0);
	cr_assert_str_eq(info.version, "");
	b.buf[0x3ff] = '\0';
	cr_assert_eq(parse(), 0);
	cr_assert_str_eq(info.version, "aaaaaaaaaaaaaaa");
	cr_assert_eq(info.release_len, 15);
	/* Not printable. */
	b.buf[0x3f3] = '\n';
	cr_assert_eq(parse(), 0);
	cr_assert_str_eq(info.version, "");
	/* Longer than kept: cut, still terminated (after the header fields). */
	memset(b.buf + 0x270, 'v', 0x170);
	b.buf[0x3e0] = '\0';
	bzb_set(&b, 0x20e, 2, 0x70);
	cr_assert_eq(parse(), 0);
	cr_assert_eq(strlen(info.version), BZIMAGE_VERSION_MAX - 1);
	bzb_free(&b);
}

Test(bzimage, header_from_a_prefix)
{
	xz_image();
	/* A loader that read only the setup area: the range, not the magic. */
	err_clear(&err);
	cr_assert_eq(bzimage_parse_header(&info, b.buf, BZB_SETUP_SIZE, b.size, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(info.payload_offset, BZB_PAYLOAD);
	cr_assert_eq(info.comp, BZIMAGE_COMP_UNKNOWN);
	cr_assert(!info.has_size_trailer);
	cr_assert_str_eq(info.version, BZB_VERSION);
	cr_assert_eq(bzimage_comp_of(b.buf + info.payload_offset, 6), BZIMAGE_COMP_XZ);
	/* Too little read: said so, not blamed on the file. */
	err_clear(&err);
	cr_assert_eq(bzimage_parse_header(&info, b.buf, 0x100, b.size, &err), -1);
	cr_assert_str_eq(err.msg, "bzimage: 0x100 bytes read, the setup header needs 0x250");
	/* The range is checked against the file's size, not the prefix's. */
	err_clear(&err);
	cr_assert_eq(bzimage_parse_header(&info, b.buf, BZB_SETUP_SIZE, 0x410, &err), -1);
	cr_assert_str_eq(err.msg, "bzimage: payload_offset 0x10: payload starts at 0x410 (after "
				  "0x400 bytes of setup), beyond file size 0x410");
	bzb_free(&b);
}

/* --- lz4 legacy blocks --------------------------------------------------------- */

static uint8_t lz[256];
static size_t lz_len;

static void lz_put32(uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		lz[lz_len++] = (uint8_t)(v >> (8 * i));
}

static void lz_block(uint32_t n, uint8_t fill)
{
	lz_put32(n);
	memset(lz + lz_len, fill, n);
	lz_len += n;
}

Test(bzimage, lz4_blocks)
{
	struct bzimage_lz4 r;
	const uint8_t *blk;
	uint32_t len;

	lz_len = 0;
	lz_put32(BZIMAGE_LZ4_MAGIC);
	lz_block(10, 0xa1);
	lz_put32(BZIMAGE_LZ4_MAGIC); /* a second stream, concatenated */
	lz_block(3, 0xb2);
	lz_put32(0x01000000); /* the size trailer */
	err_clear(&err);
	cr_assert_eq(bzimage_lz4_init(&r, lz, lz_len, &err), 0);
	cr_assert_eq(bzimage_lz4_next(&r, &blk, &len, &err), 1);
	cr_assert_eq(blk, lz + 8);
	cr_assert_eq(len, 10);
	cr_assert_eq(bzimage_lz4_next(&r, &blk, &len, &err), 1);
	cr_assert_eq(blk, lz + 26);
	cr_assert_eq(len, 3);
	cr_assert_eq(bzimage_lz4_next(&r, &blk, &len, &err), 0, "%s", err.msg);
	cr_assert_eq(r.block, 2);
	/* Without the trailer: ends where the input does. */
	cr_assert_eq(bzimage_lz4_init(&r, lz, lz_len - 4, &err), 0);
	cr_assert_eq(bzimage_lz4_next(&r, &blk, &len, &err), 1);
	cr_assert_eq(bzimage_lz4_next(&r, &blk, &len, &err), 1);
	cr_assert_eq(bzimage_lz4_next(&r, &blk, &len, &err), 0);
	cr_assert(!err.set);
}

Test(bzimage, lz4_hostile)
{
	struct bzimage_lz4 r;
	const uint8_t *blk;
	uint32_t len;

	err_clear(&err);
	cr_assert_eq(bzimage_lz4_init(&r, (const uint8_t *)"\x04\x22\x4d\x18", 4, &err), -1);
	cr_assert_str_eq(err.msg, "bzimage: lz4: no legacy magic 02 21 4c 18 at the start");

	lz_len = 0;
	lz_put32(BZIMAGE_LZ4_MAGIC);
	lz_block(10, 0);
	lz[lz_len++] = 1; /* 1, 2 or 3 stray bytes */
	lz[lz_len++] = 2;
	err_clear(&err);
	cr_assert_eq(bzimage_lz4_init(&r, lz, lz_len, &err), 0);
	cr_assert_eq(bzimage_lz4_next(&r, &blk, &len, &err), 1);
	cr_assert_eq(bzimage_lz4_next(&r, &blk, &len, &err), -1);
	cr_assert_str_eq(err.msg, "bzimage: lz4: 2 stray bytes at 0x12 after block 1");

	lz_len = 0;
	lz_put32(BZIMAGE_LZ4_MAGIC);
	lz_block(10, 0);
	lz_put32(11); /* 11 announced, 10 there */
	memset(lz + lz_len, 0, 10);
	lz_len += 10;
	err_clear(&err);
	cr_assert_eq(bzimage_lz4_init(&r, lz, lz_len, &err), 0);
	cr_assert_eq(bzimage_lz4_next(&r, &blk, &len, &err), 1);
	cr_assert_eq(bzimage_lz4_next(&r, &blk, &len, &err), -1);
	cr_assert_str_eq(err.msg, "bzimage: lz4 block 1 at 0x12: size 0xb beyond the 0xa bytes left");

	lz_len = 0;
	lz_put32(BZIMAGE_LZ4_MAGIC);
	lz_put32(BZIMAGE_LZ4_BLOCK_BOUND + 1);
	lz_put32(0);
	err_clear(&err);
	cr_assert_eq(bzimage_lz4_init(&r, lz, lz_len, &err), 0);
	cr_assert_eq(bzimage_lz4_next(&r, &blk, &len, &err), -1);
	cr_assert_str_eq(err.msg, "bzimage: lz4 block 0 at 0x4: size 0x808091, not in 1..0x808090");

	lz_len = 0;
	lz_put32(BZIMAGE_LZ4_MAGIC);
	lz_put32(0);
	lz_put32(0);
	err_clear(&err);
	cr_assert_eq(bzimage_lz4_init(&r, lz, lz_len, &err), 0);
	cr_assert_eq(bzimage_lz4_next(&r, &blk, &len, &err), -1);
	cr_assert_str_eq(err.msg, "bzimage: lz4 block 0 at 0x4: size 0x0, not in 1..0x808090");
}

/* --- Debian's kernels ------------------------------------------------------------- */

/* cache/NAME/vmlinuz, beside the default kernel PVH_TEST_VMLINUX names. */
static char *cached(const char *name, const char *file)
{
	const char *v = getenv("PVH_TEST_VMLINUX");
	char *dup, *path = NULL;

	if (!v)
		return NULL;
	dup = strdup(v);
	cr_assert_not_null(dup);
	cr_assert_geq(asprintf(&path, "%s/../%s/%s", dirname(dup), name, file), 0);
	free(dup);
	return path;
}

static long file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

static void debian_kernel(const char *name, enum bzimage_comp comp, const uint8_t *magic,
			  size_t magic_len)
{
	char *vmlinuz = cached(name, "vmlinuz"), *vmlinux = cached(name, "vmlinux");
	char *version = cached(name, "version"), release[128] = "";
	uint8_t *file;
	size_t size;
	FILE *vf;
	void *first;

	file = vmlinuz ? eb_read_file(vmlinuz, &size) : NULL;
	if (!file) {
		free(vmlinuz);
		free(vmlinux);
		free(version);
		cr_skip_test("cache/%s/vmlinuz absent (make check fetches it; or "
			     "scripts/fetch-kernel%s)", name,
			     strcmp(name, "kernel") ? "-variant.sh 6.12|cloud" : ".sh");
	}
	err_clear(&err);
	cr_assert_eq(bzimage_parse(&info, file, size, &err), 0, "%s: %s", name, err.msg);
	cr_assert_eq(info.comp, comp, "%s: %s", name, bzimage_comp_name(info.comp));
	cr_assert_eq(info.protocol, 0x020f, "%s: protocol 0x%x", name, info.protocol);
	/* Where the magic search of extract-vmlinux.sh finds it. */
	first = memmem(file, size, magic, magic_len);
	cr_assert_not_null(first);
	cr_assert_eq(info.payload_offset, (uint64_t)((uint8_t *)first - file), "%s", name);
	/* The build's size trailer is the size of the ELF the oracle wrote. */
	cr_assert(info.has_size_trailer);
	cr_assert_eq((long)info.size_trailer, file_size(vmlinux), "%s", name);
	cr_assert_geq(info.init_size, info.size_trailer, "%s: init_size", name);
	/* The release is the package's kernel version. */
	vf = fopen(version, "r");
	cr_assert_not_null(vf);
	cr_assert_not_null(fgets(release, sizeof(release), vf));
	fclose(vf);
	release[strcspn(release, "\n")] = '\0';
	cr_assert_eq(info.release_len, strlen(release), "%s: %s", name, info.version);
	cr_assert_eq(strncmp(info.version, release, info.release_len), 0, "%s", info.version);
	cr_assert(bzimage_detect(file, size));

	if (comp == BZIMAGE_COMP_LZ4) {
		struct bzimage_lz4 r;
		const uint8_t *blk;
		uint32_t len;
		unsigned blocks = 0;
		int st;

		cr_assert_eq(bzimage_lz4_init(&r, file + info.payload_offset,
					      info.payload_length, &err), 0);
		while ((st = bzimage_lz4_next(&r, &blk, &len, &err)) == 1)
			blocks++;
		cr_assert_eq(st, 0, "%s", err.msg);
		/* One block per 8 MiB of output, the last one partial. */
		cr_assert_eq(blocks, (info.size_trailer + BZIMAGE_LZ4_BLOCK_OUT - 1) /
					     BZIMAGE_LZ4_BLOCK_OUT);
	}
	free(file);
	free(vmlinuz);
	free(vmlinux);
	free(version);
}

Test(bzimage, debian_xz)
{
	debian_kernel("kernel", BZIMAGE_COMP_XZ, (const uint8_t *)"\xfd\x37\x7a\x58\x5a\x00", 6);
}

Test(bzimage, debian_612_zstd)
{
	debian_kernel("kernel-6.12", BZIMAGE_COMP_ZSTD, (const uint8_t *)"\x28\xb5\x2f\xfd", 4);
}

Test(bzimage, debian_cloud_lz4)
{
	debian_kernel("kernel-cloud", BZIMAGE_COMP_LZ4, (const uint8_t *)"\x02\x21\x4c\x18", 4);
}
