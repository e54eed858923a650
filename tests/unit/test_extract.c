/*
 * test_extract.c - runs the built host tool build/pvh-extract (or
 * $PVH_EXTRACT) and checks what it writes, its exit status and its messages:
 *   - Debian's three cached kernels (xz, zstd, lz4; cache/kernel*, found
 *     beside PVH_TEST_VMLINUX), whose output must be byte-identical to that
 *     of scripts/extract-vmlinux.sh, an independent oracle built on
 *     Debian's xz, zstd and lz4 commands;
 *   - small bzImages (bzimage_builder.c) around an ELF from elf_builder.c,
 *     compressed by Debian's own commands (xz, lzma, gzip, bzip2, zstd,
 *     lz4 -l), and hostile ones: truncated, out of range, unknown or corrupt
 *     compression, a non-ELF or non-PVH payload, lying size trailers and
 *     decompression bombs past the cap.
 * Skipped when the tool has not been built (make build/pvh-extract).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bzimage_builder.h"
#include "elf_builder.h"

#define ENTRY 0x100004u

static char out[65536], errtext[8192];
static char dir[] = "/tmp/pvh-extract-test-XXXXXX";
static char image_path[256], out_path[256];

static const char *tool(void)
{
	const char *t = getenv("PVH_EXTRACT");

	t = t ? t : "build/pvh-extract";
	if (access(t, X_OK) != 0)
		cr_skip_test("%s not built (make build/pvh-extract)", t);
	return t;
}

static void setup_dir(void)
{
	strcpy(dir, "/tmp/pvh-extract-test-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(image_path, sizeof(image_path), "%s/vmlinuz", dir);
	snprintf(out_path, sizeof(out_path), "%s/vmlinux", dir);
}

static void teardown_dir(void)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

/* Run the tool; returns its exit status, stdout in out, stderr in errtext. */
static int run(const char *fmt, ...)
{
	char args[8192], cmd[8192 + 4096 + 600], errpath[300];
	va_list ap;
	FILE *p, *ef;
	size_t n;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(errpath, sizeof(errpath), "%s/stderr", dir);
	snprintf(cmd, sizeof(cmd), "%s %s 2>%s", tool(), args, errpath);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	st = pclose(p);
	ef = fopen(errpath, "r");
	n = ef ? fread(errtext, 1, sizeof(errtext) - 1, ef) : 0;
	errtext[n] = '\0';
	if (ef)
		fclose(ef);
	cr_assert(WIFEXITED(st), "%s", cmd);
	return WEXITSTATUS(st);
}

static void spit(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

/* data compressed by a Debian command (reading stdin, writing stdout). */
static uint8_t *compress(const char *cmd, const void *data, size_t len, size_t *clen)
{
	char in[300], zout[300], sh[800];
	uint8_t *c;

	snprintf(in, sizeof(in), "%s/plain", dir);
	snprintf(zout, sizeof(zout), "%s/compressed", dir);
	spit(in, data, len);
	snprintf(sh, sizeof(sh), "%s < '%s' > '%s'", cmd, in, zout);
	cr_assert_eq(system(sh), 0, "%s", sh);
	c = eb_read_file(zout, clen);
	cr_assert_not_null(c);
	return c;
}

static struct eb elf;

/* A small ELF64: text R-X at 1 MiB, and PHYS32_ENTRY unless pvh is false. */
static void make_elf(bool pvh)
{
	uint8_t notes[128], text[4096], d[8];
	size_t n = eb_note(notes, "Xen", 4, 6, "linux", 6);
	uint64_t noff, toff;

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (uint8_t)(i * 7 + (i >> 5));
	eb_put64(d, ENTRY);
	if (pvh)
		n += eb_note(notes + n, "Xen", 4, 18, d, 8);
	eb_init(&elf, 64);
	noff = eb_append(&elf, notes, n, 4);
	toff = eb_append(&elf, text, sizeof(text), 16);
	eb_phdr(&elf, 1, EB_PF_R | EB_PF_X, toff, 0x100000, sizeof(text), 0x2000, 0x1000);
	eb_phdr(&elf, 4, EB_PF_R, noff, 0, n, n, 4);
	eb_finish(&elf);
}

/* The bzImage at image_path: data compressed by cmd, the true trailer. */
static size_t write_bz(const char *cmd, const void *data, size_t len)
{
	struct bzb b;
	size_t clen;
	uint8_t *c = compress(cmd, data, len, &clen);

	bzb_make_trailer(&b, c, clen, (uint32_t)len);
	cr_assert(bzb_write_file(&b, image_path));
	bzb_free(&b);
	free(c);
	return clen + 4;
}

static void expect_file(const char *path, const void *data, size_t len)
{
	size_t n;
	uint8_t *got = eb_read_file(path, &n);

	cr_assert_not_null(got, "%s not written", path);
	cr_assert_eq(n, len, "%s: %zu bytes, expected %zu", path, n, len);
	cr_assert_eq(memcmp(got, data, len), 0, "%s differs", path);
	free(got);
}

/* Nothing but the names given left in the directory (no temporary files). */
static void expect_dir_only(const char *a, const char *b)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	cr_assert_not_null(d);
	while ((de = readdir(d))) {
		const char *n = de->d_name;

		if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "stderr") ||
		    !strcmp(n, "plain") || !strcmp(n, "compressed"))
			continue;
		cr_assert((a && !strcmp(n, a)) || (b && !strcmp(n, b)), "left behind: %s", n);
	}
	closedir(d);
}

static const struct fmt {
	const char *name; /* as pvh-extract says it */
	const char *cmd;  /* as the kernel's build runs it, near enough */
} fmts[] = {
	{ "xz", "xz --check=crc32 --x86 --lzma2=dict=1MiB -c" },
	{ "lzma", "lzma -9 -c" },
	{ "gzip", "gzip -n -9 -c" },
	{ "bzip2", "bzip2 -9 -c" },
	{ "zstd", "zstd -q -19 -c" },
	{ "lz4", "lz4 -q -l -9 -c" },
};

#define NFMTS (sizeof(fmts) / sizeof(fmts[0]))

/* --- what works ----------------------------------------------------------- */

Test(extract, every_compression, .init = setup_dir, .fini = teardown_dir)
{
	make_elf(true);
	for (size_t i = 0; i < NFMTS; i++) {
		size_t plen = write_bz(fmts[i].cmd, elf.buf, elf.size);
		char want[8192];

		unlink(out_path);
		cr_assert_eq(run("-o %s %s", out_path, image_path), 0, "%s: %s", fmts[i].name,
			     errtext);
		expect_file(out_path, elf.buf, elf.size);
		snprintf(want, sizeof(want),
			 "%s: bzImage 2.15 (6.1.0-test-amd64), %s payload of %zu bytes -> ELF64 "
			 "of %zu bytes, PVH entry 0x100004, not relocatable: wrote %s\n",
			 image_path, fmts[i].name, plen, elf.size, out_path);
		cr_assert_str_eq(out, want);
		cr_assert_str_eq(errtext, "");
		expect_dir_only("vmlinuz", "vmlinux");
	}
}

Test(extract, check_quiet_stdout_gzip, .init = setup_dir, .fini = teardown_dir)
{
	char gz[300], cmd[800], want[8192];

	make_elf(true);
	write_bz("zstd -q -c", elf.buf, elf.size);

	cr_assert_eq(run("--check %s", image_path), 0, "%s", errtext);
	cr_assert(strstr(out, ": not written (--check)\n"), "%s", out);
	cr_assert_eq(access(out_path, F_OK), -1, "--check wrote a file");
	expect_dir_only("vmlinuz", NULL);

	cr_assert_eq(run("-q -o %s %s", out_path, image_path), 0, "%s", errtext);
	cr_assert_str_eq(out, "");
	cr_assert_str_eq(errtext, "");
	expect_file(out_path, elf.buf, elf.size);

	/* -o -: the kernel on stdout, the summary on stderr. */
	cr_assert_eq(run("-o - %s", image_path), 0, "%s", errtext);
	cr_assert_eq(memcmp(out, elf.buf, elf.size), 0);
	snprintf(want, sizeof(want), "%s: bzImage 2.15 (6.1.0-test-amd64), zstd payload", image_path);
	cr_assert_eq(strncmp(errtext, want, strlen(want)), 0, "%s", errtext);
	cr_assert(strstr(errtext, ": wrote standard output\n"), "%s", errtext);

	/* --gzip: what gzip -d gives back is the ELF. */
	snprintf(gz, sizeof(gz), "%s/vmlinux.gz", dir);
	cr_assert_eq(run("--gzip -o %s %s", gz, image_path), 0, "%s", errtext);
	cr_assert(strstr(out, ": wrote ") && strstr(out, " (gzip, "), "%s", out);
	snprintf(cmd, sizeof(cmd), "gzip -dc '%s' > '%s'", gz, out_path);
	cr_assert_eq(system(cmd), 0);
	expect_file(out_path, elf.buf, elf.size);
	unlink(out_path);
	expect_dir_only("vmlinuz", "vmlinux.gz");
}

Test(extract, elf_passes_through, .init = setup_dir, .fini = teardown_dir)
{
	char want[8192];

	make_elf(true);
	spit(image_path, elf.buf, elf.size);
	cr_assert_eq(run("-o %s %s", out_path, image_path), 0, "%s", errtext);
	expect_file(out_path, elf.buf, elf.size);
	snprintf(want, sizeof(want), "%s: ELF64 of %zu bytes, PVH entry 0x100004, not "
				     "relocatable: wrote %s\n", image_path, elf.size, out_path);
	cr_assert_str_eq(out, want);

	make_elf(false);
	spit(image_path, elf.buf, elf.size);
	unlink(out_path);
	cr_assert_eq(run("-o %s %s", out_path, image_path), 1);
	snprintf(want, sizeof(want), "pvh-extract: %s: the file is an ELF64 without a PVH entry "
				     "(no XEN_ELFNOTE_PHYS32_ENTRY): CONFIG_PVH is off: this kernel "
				     "cannot boot through PVH\n", image_path);
	cr_assert_str_eq(errtext, want);
	cr_assert_eq(access(out_path, F_OK), -1, "wrote a kernel without PVH entry");
}

Test(extract, output_replaced_atomically, .init = setup_dir, .fini = teardown_dir)
{
	struct bzb b;

	spit(out_path, "old kernel", 10);
	/* A failing extraction leaves the old file alone. */
	bzb_make_trailer(&b, "junk!!", 6, 0);
	cr_assert(bzb_write_file(&b, image_path));
	bzb_free(&b);
	cr_assert_eq(run("-o %s %s", out_path, image_path), 2);
	expect_file(out_path, "old kernel", 10);
	expect_dir_only("vmlinuz", "vmlinux");
	/* A good one replaces it, with a new file's mode. */
	make_elf(true);
	write_bz("gzip -n -c", elf.buf, elf.size);
	chmod(out_path, 0600);
	cr_assert_eq(run("-o %s %s", out_path, image_path), 0, "%s", errtext);
	expect_file(out_path, elf.buf, elf.size);
	expect_dir_only("vmlinuz", "vmlinux");
	{
		struct stat st;
		mode_t mask = umask(0);

		umask(mask);
		cr_assert_eq(stat(out_path, &st), 0);
		cr_assert_eq(st.st_mode & 0777, 0666 & ~mask, "mode %o", st.st_mode & 0777);
	}
	/* A directory that does not exist: the error names it. */
	cr_assert_eq(run("-o %s/no/such/vmlinux %s", dir, image_path), 2);
	cr_assert(strstr(errtext, "cannot create a temporary file"), "%s", errtext);
}

Test(extract, usage_errors, .init = setup_dir, .fini = teardown_dir)
{
	cr_assert_eq(run("%s", image_path), 2);
	cr_assert_str_eq(errtext, "pvh-extract: no output: give -o OUT, -o - or --check\n");
	cr_assert_eq(run("--check"), 2);
	cr_assert(strstr(errtext, "no IMAGE given"), "%s", errtext);
	cr_assert_eq(run("--frobnicate x"), 2);
	cr_assert(strstr(errtext, "unknown option --frobnicate"), "%s", errtext);
	cr_assert_eq(run("--max-size 12Q --check x"), 2);
	cr_assert(strstr(errtext, "--max-size 12Q: not a size"), "%s", errtext);
	cr_assert_eq(run("--check %s/absent", dir), 2);
	cr_assert(strstr(errtext, "/absent: cannot open: No such file or directory"), "%s", errtext);
	cr_assert_eq(run("--help"), 0);
	cr_assert(strstr(out, "usage: pvh-extract"), "%s", out);
}

/* --- hostile bzImages --------------------------------------------------------- */

static void expect_fail(int status, const char *msg)
{
	char want[8192];

	snprintf(want, sizeof(want), "pvh-extract: %s: %s\n", image_path, msg);
	cr_assert_eq(run("-o %s %s", out_path, image_path), status, "%s", errtext);
	cr_assert_str_eq(errtext, want);
	cr_assert_eq(access(out_path, F_OK), -1, "wrote despite the error");
	expect_dir_only("vmlinuz", NULL);
}

/* The start of the message (offsets inside compressed data vary by tool version). */
static void expect_fail_prefix(const char *what, const char *prefix, const char *also)
{
	char want[8192];

	snprintf(want, sizeof(want), "pvh-extract: %s: %s", image_path, prefix);
	cr_assert_eq(run("-o %s %s", out_path, image_path), 2, "%s: %s", what, errtext);
	cr_assert_eq(strncmp(errtext, want, strlen(want)), 0, "%s: %s", what, errtext);
	cr_assert(!also || strstr(errtext, also), "%s: %s", what, errtext);
	cr_assert_eq(strchr(errtext, '\n'), errtext + strlen(errtext) - 1, "one line: %s", errtext);
	cr_assert_eq(access(out_path, F_OK), -1, "wrote despite the error");
	expect_dir_only("vmlinuz", NULL);
}

Test(extract, broken_headers, .init = setup_dir, .fini = teardown_dir)
{
	struct bzb b;

	make_elf(true);
	write_bz("xz --check=crc32 -c", elf.buf, elf.size);
	cr_assert_eq(truncate(image_path, 0x240), 0);
	expect_fail(2, "bzimage: file size 0x240 ends inside the setup header (0x250 bytes, through "
		       "payload_length at 0x24c)");
	cr_assert_eq(truncate(image_path, 0x100), 0);
	expect_fail(2, "neither an ELF nor a bzImage: bzimage: file size 0x100 ends inside the "
		       "setup header (0x250 bytes, through payload_length at 0x24c)");

	bzb_make_trailer(&b, "\xfd\x37\x7a\x58\x5a\x00", 6, 100);
	bzb_set(&b, 0x248, 4, 0x1000);
	cr_assert(bzb_write_file(&b, image_path));
	expect_fail(2, "bzimage: payload_offset 0x1000: payload starts at 0x1400 (after 0x400 bytes "
		       "of setup), beyond file size 0x42a");
	bzb_set(&b, 0x248, 4, 0x10);
	bzb_set(&b, 0x24c, 4, 0xfffffff8);
	cr_assert(bzb_write_file(&b, image_path));
	expect_fail(2, "bzimage: payload_offset 0x10 + payload_length 0xfffffff8: payload ends at "
		       "0x100000408, beyond file size 0x42a");
	bzb_set(&b, 0x24c, 4, 10);
	bzb_set(&b, 0x206, 2, 0x0206);
	cr_assert(bzb_write_file(&b, image_path));
	expect_fail(2, "bzimage: boot protocol 2.06 predates payload_offset (2.08)");
	bzb_free(&b);

	bzb_make_trailer(&b, "\x00\x01\x02\x03\x04\x05", 6, 100);
	cr_assert(bzb_write_file(&b, image_path));
	expect_fail(2, "bzimage: payload at 0x410: unknown compression (first bytes 00 01 02 03 04 05)");
	bzb_free(&b);

	bzb_make_trailer(&b, "\x89\x4c\x5a\x4f\x00\x0d", 6, 100);
	cr_assert(bzb_write_file(&b, image_path));
	expect_fail(2, "lzo payload of 10 bytes at 0x410: lzo: not supported (a kernel built with "
		       "CONFIG_KERNEL_LZO; rebuild it with xz, zstd, lz4 or gzip)");
	bzb_free(&b);

	spit(image_path, "#!/bin/sh\necho not a kernel\n", 28);
	expect_fail(2, "neither an ELF nor a bzImage: bzimage: file size 0x1c ends inside the setup "
		       "header (0x250 bytes, through payload_length at 0x24c)");
}

Test(extract, corrupt_and_truncated_data, .init = setup_dir, .fini = teardown_dir)
{
	make_elf(true);
	for (size_t i = 0; i < NFMTS; i++) {
		size_t clen, plen;
		uint8_t *c = compress(fmts[i].cmd, elf.buf, elf.size, &clen);
		struct bzb b;
		char prefix[256];

		/* 0xff over 16 bytes in the middle: checksums (xz, gzip, bzip2,
		 * zstd) or the block's own lengths (lz4) catch it. */
		memset(c + clen / 2 - 8, 0xff, 16);
		bzb_make_trailer(&b, c, clen, (uint32_t)elf.size);
		cr_assert(bzb_write_file(&b, image_path));
		plen = clen + 4;
		snprintf(prefix, sizeof(prefix), "%s payload of %zu bytes at 0x410: %s: ",
			 fmts[i].name, plen, fmts[i].name);
		expect_fail_prefix(fmts[i].name, prefix, NULL);
		bzb_free(&b);

		/* The stream cut in half (the trailer kept). */
		free(c);
		c = compress(fmts[i].cmd, elf.buf, elf.size, &clen);
		bzb_make_trailer(&b, c, clen / 2, (uint32_t)elf.size);
		cr_assert(bzb_write_file(&b, image_path));
		snprintf(prefix, sizeof(prefix), "%s payload of %zu bytes at 0x410: ", fmts[i].name,
			 clen / 2 + 4);
		expect_fail_prefix(fmts[i].name, prefix, NULL);
		bzb_free(&b);
		free(c);
	}
}

Test(extract, payload_not_a_pvh_elf, .init = setup_dir, .fini = teardown_dir)
{
	static const char text[] = "hello, this is not a kernel\n";
	char msg[512];

	write_bz("gzip -n -c", text, sizeof(text) - 1);
	snprintf(msg, sizeof(msg), "gzip payload decompressed to %zu bytes that are not an ELF "
				   "(first bytes 68 65 6c 6c)", sizeof(text) - 1);
	expect_fail(2, msg);

	/* An ELF header that lies. */
	make_elf(true);
	eb_set_ehdr(&elf, EB_E_PHNUM, 200);
	write_bz("xz -c", elf.buf, elf.size);
	expect_fail_prefix("bad elf", "xz payload: elf: e_phoff+e_phnum*e_phentsize ", NULL);

	/* CONFIG_PVH off: a good ELF without the note; status 1. */
	make_elf(false);
	write_bz("zstd -q -c", elf.buf, elf.size);
	expect_fail(1, "zstd payload is an ELF64 without a PVH entry (no XEN_ELFNOTE_PHYS32_ENTRY): "
		       "CONFIG_PVH is off: this kernel cannot boot through PVH");
}

Test(extract, size_trailer_must_match, .init = setup_dir, .fini = teardown_dir)
{
	struct bzb b;
	size_t clen;
	uint8_t *c;
	char msg[512];

	make_elf(true);
	c = compress("lz4 -q -l -c", elf.buf, elf.size, &clen);
	bzb_make_trailer(&b, c, clen, (uint32_t)elf.size + 1);
	cr_assert(bzb_write_file(&b, image_path));
	snprintf(msg, sizeof(msg), "lz4 payload decompressed to 0x%zx bytes, but its size trailer "
				   "(last 4 bytes at 0x%zx) says 0x%zx", elf.size, 0x410 + clen,
		 elf.size + 1);
	expect_fail(2, msg);
	bzb_free(&b);
	free(c);
}

/*
 * A zstd frame of RLE blocks, built here by the format's rules (RFC 8878):
 * magic, a frame header with no content size and a 128 KiB window, then
 * n blocks each repeating one byte 128 KiB times: 4 bytes per 128 KiB.
 */
static uint8_t *zstd_rle_bomb(size_t mib, size_t *len)
{
	size_t blocks = mib * 8, n = 0;
	uint8_t *z = malloc(6 + blocks * 4);

	cr_assert_not_null(z);
	memcpy(z, "\x28\xb5\x2f\xfd", 4);
	n = 4;
	z[n++] = 0x00;     /* frame header descriptor: no size, no checksum */
	z[n++] = 7u << 3; /* window descriptor: 2^(10+7) = 128 KiB */
	for (size_t i = 0; i < blocks; i++) {
		uint32_t h = (128u << 10) << 3 | 1u << 1 | (i + 1 == blocks); /* RLE */

		z[n++] = (uint8_t)h;
		z[n++] = (uint8_t)(h >> 8);
		z[n++] = (uint8_t)(h >> 16);
		z[n++] = 0;
	}
	*len = n;
	return z;
}

Test(extract, bomb_beyond_the_default_cap, .init = setup_dir, .fini = teardown_dir)
{
	struct bzb b;
	size_t zlen;
	uint8_t *z = zstd_rle_bomb(520, &zlen);
	char msg[512];

	/* The trailer lies too: says 4 KiB. */
	bzb_make_trailer(&b, z, zlen, 4096);
	cr_assert(bzb_write_file(&b, image_path));
	snprintf(msg, sizeof(msg), "zstd payload of %zu bytes at 0x410: zstd: the payload "
				   "decompresses to more than the cap of 0x20000000 bytes (512 MiB)",
		 zlen + 4);
	expect_fail(2, msg);
	bzb_free(&b);
	free(z);
}

Test(extract, bombs_beyond_a_given_cap, .init = setup_dir, .fini = teardown_dir)
{
	size_t zeros_len = 2u << 20;
	uint8_t *zeros = calloc(1, zeros_len);

	cr_assert_not_null(zeros);
	for (size_t i = 0; i < NFMTS; i++) {
		size_t plen = write_bz(fmts[i].cmd, zeros, zeros_len);
		char want[8192];

		snprintf(want, sizeof(want), "pvh-extract: %s: %s payload of %zu bytes at 0x410: %s: the "
					     "payload decompresses to more than the cap of 0x100000 bytes "
					     "(1 MiB)\n", image_path, fmts[i].name, plen, fmts[i].name);
		cr_assert_eq(run("--max-size 1M -o %s %s", out_path, image_path), 2, "%s",
			     fmts[i].name);
		cr_assert_str_eq(errtext, want);
		/* Just enough room: decompressed, then refused as not an ELF. */
		cr_assert_eq(run("--max-size 2M -o %s %s", out_path, image_path), 2);
		cr_assert(strstr(errtext, "decompressed to 2097152 bytes that are not an ELF"), "%s: %s",
			  fmts[i].name, errtext);
		/* One byte short. */
		cr_assert_eq(run("--max-size %zu -o %s %s", zeros_len - 1, out_path, image_path), 2);
		cr_assert(strstr(errtext, "more than the cap of 0x1fffff bytes"), "%s: %s",
			  fmts[i].name, errtext);
	}
	/* An ELF input is capped too. */
	spit(image_path, zeros, zeros_len);
	cr_assert_eq(run("--max-size 1M -o %s %s", out_path, image_path), 2);
	cr_assert(strstr(errtext, "file size 0x200000 beyond the cap of 0x100000 bytes"), "%s",
		  errtext);
	free(zeros);
}

/* --- Debian's kernels, against scripts/extract-vmlinux.sh ---------------------- */

static char *cached(const char *name)
{
	const char *v = getenv("PVH_TEST_VMLINUX");
	char *dup, *path = NULL;

	if (!v)
		return NULL;
	dup = strdup(v);
	cr_assert_not_null(dup);
	cr_assert_geq(asprintf(&path, "%s/../%s/vmlinuz", dirname(dup), name), 0);
	free(dup);
	if (access(path, R_OK) != 0) {
		free(path);
		return NULL;
	}
	return path;
}

static void debian_kernel(const char *name, const char *comp, const char *reloc)
{
	char *vmlinuz = cached(name), oracle[300], cmd[8192], want[256];

	tool();
	if (!vmlinuz)
		cr_skip_test("cache/%s/vmlinuz absent (make check fetches it; or scripts/fetch-kernel%s)",
			     name, strcmp(name, "kernel") ? "-variant.sh 6.12|cloud" : ".sh");
	snprintf(oracle, sizeof(oracle), "%s/oracle", dir);
	snprintf(cmd, sizeof(cmd), "%s/../../scripts/extract-vmlinux.sh '%s' '%s' >/dev/null",
		 TEST_DIR, vmlinuz, oracle);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	cr_assert_eq(run("-o %s %s", out_path, vmlinuz), 0, "%s: %s", name, errtext);
	snprintf(cmd, sizeof(cmd), "cmp '%s' '%s'", oracle, out_path);
	cr_assert_eq(system(cmd), 0, "%s: pvh-extract and extract-vmlinux.sh differ", name);
	snprintf(want, sizeof(want), ", %s payload of ", comp);
	cr_assert(strstr(out, want), "%s", out);
	cr_assert(strstr(out, reloc), "%s", out);
	free(vmlinuz);
}

Test(extract, debian_xz_kernel, .init = setup_dir, .fini = teardown_dir)
{
	debian_kernel("kernel", "xz", "PVH entry 0x1000850, not relocatable");
}

Test(extract, debian_612_zstd_kernel, .init = setup_dir, .fini = teardown_dir)
{
	debian_kernel("kernel-6.12", "zstd", ", relocatable (PHYS32_RELOC align 0x200000, "
					     "0x1000000-0x3fffffff)");
}

Test(extract, debian_cloud_lz4_kernel, .init = setup_dir, .fini = teardown_dir)
{
	debian_kernel("kernel-cloud", "lz4", "PVH entry 0x1000850, not relocatable");
}
