/*
 * test_bundle.c - unit tests of the bundle reader (src/pvh/bundle.c) and of
 * the pvh-bundle tool: archives written by the tool (its source is compiled
 * in here with main renamed, so `make unit` tests it with no build-order
 * dependency), by the system's `cpio -o -H newc`, and by hand for each error.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pvh/bundle.h"

int pvh_bundle_main(int argc, char **argv);
#define main pvh_bundle_main
#include "tools/pvh-bundle.c"
#undef main

/* --- hand-made archives --------------------------------------------------- */

struct tb_archive {
	uint8_t buf[1 << 16];
	size_t len;
	unsigned ino;
};

static void tb_pad4(struct tb_archive *a)
{
	while (a->len % 4)
		a->buf[a->len++] = 0;
}

static void tb_member_mode(struct tb_archive *a, const char *name, unsigned mode,
			   const void *data, size_t len)
{
	size_t namesize = strlen(name) + 1;

	cr_assert_lt(a->len + 110 + namesize + len + 8, sizeof(a->buf));
	snprintf((char *)a->buf + a->len, 111,
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ++a->ino, mode,
		 0u, 0u, 1u, 0u, (unsigned)len, 0u, 0u, 0u, 0u, (unsigned)namesize, 0u);
	a->len += 110;
	memcpy(a->buf + a->len, name, namesize);
	a->len += namesize;
	tb_pad4(a);
	memcpy(a->buf + a->len, data, len);
	a->len += len;
	tb_pad4(a);
}

static void tb_file(struct tb_archive *a, const char *name, const char *text)
{
	tb_member_mode(a, name, 0100644, text, strlen(text));
}

static void tb_trailer(struct tb_archive *a)
{
	tb_member_mode(a, "TRAILER!!!", 0, "", 0);
}

static struct tb_archive tb_a;
static struct bundle tb_b;
static struct err tb_err;

static int tb_parse(void)
{
	err_clear(&tb_err);
	return bundle_parse(&tb_b, tb_a.buf, tb_a.len, &tb_err);
}

static void tb_parse_fails(const char *msg)
{
	cr_assert_eq(tb_parse(), -1, "parse should fail with: %s", msg);
	cr_assert_str_eq(tb_err.msg, msg);
}

static void tb_expect_text(struct bundle_span s, const uint8_t *buf, const char *want)
{
	cr_assert_eq(s.size, strlen(want), "text of %llu bytes, want '%s'",
		     (unsigned long long)s.size, want);
	cr_assert(memcmp(buf + s.offset, want, s.size) == 0, "text is not '%s'", want);
}

static void tb_expect_name(const struct bundle_module *m, const char *want)
{
	cr_assert_eq(m->namelen, strlen(want), "name '%.*s' want '%s'", (int)m->namelen, m->name,
		     want);
	cr_assert(memcmp(m->name, want, m->namelen) == 0, "name '%.*s' want '%s'",
		  (int)m->namelen, m->name, want);
}

Test(bundle, minimal_and_detect)
{
	tb_file(&tb_a, "kernel", "ELF...");
	tb_trailer(&tb_a);
	cr_assert(bundle_detect(tb_a.buf, tb_a.len));
	cr_assert(!bundle_detect(tb_a.buf, 100), "shorter than one header");
	cr_assert(!bundle_detect("\177ELF", 4));
	cr_assert_eq(tb_parse(), 0, "%s", tb_err.msg);
	tb_expect_text(tb_b.kernel, tb_a.buf, "ELF...");
	cr_assert(!tb_b.has_cmdline);
	cr_assert_eq(tb_b.nmodules, 0);
	cr_assert_eq(tb_b.kernel.offset, 120, "110 + 7 padded to 4");
}

Test(bundle, members_in_any_order)
{
	tb_member_mode(&tb_a, ".", 040755, "", 0);
	tb_file(&tb_a, "./b.cmdline", "for b\n");
	tb_file(&tb_a, "./a", "AAAA");
	tb_file(&tb_a, ".pad", "\0\0\0\0");
	tb_file(&tb_a, "./kernel", "K");
	tb_member_mode(&tb_a, "dir", 040755, "", 0);
	tb_file(&tb_a, "b", "BB");
	tb_member_mode(&tb_a, "cmdline", 0100600, "quiet\n\0\0", 8);
	tb_trailer(&tb_a);
	/* Anything after the trailer (cpio's block padding) is ignored. */
	memset(tb_a.buf + tb_a.len, 0, 300);
	tb_a.len += 300;

	cr_assert_eq(tb_parse(), 0, "%s", tb_err.msg);
	tb_expect_text(tb_b.kernel, tb_a.buf, "K");
	cr_assert(tb_b.has_cmdline);
	tb_expect_text(tb_b.cmdline, tb_a.buf, "quiet");
	cr_assert_eq(tb_b.nmodules, 2);
	tb_expect_name(&tb_b.modules[0], "a");
	tb_expect_text(tb_b.modules[0].data, tb_a.buf, "AAAA");
	cr_assert(!tb_b.modules[0].has_cmdline);
	tb_expect_name(&tb_b.modules[1], "b");
	tb_expect_text(tb_b.modules[1].data, tb_a.buf, "BB");
	cr_assert(tb_b.modules[1].has_cmdline);
	tb_expect_text(tb_b.modules[1].cmdline, tb_a.buf, "for b");
}

Test(bundle, missing_trailer_ok_only_at_exact_end)
{
	tb_file(&tb_a, "kernel", "KKKK");
	cr_assert_eq(tb_parse(), 0, "%s", tb_err.msg);

	/* Last member's data ends the archive with no padding: fine. */
	tb_a.len = 0;
	tb_file(&tb_a, "kernel", "KKKK");
	tb_file(&tb_a, "m", "12345");
	tb_a.len -= 3;
	cr_assert_eq(tb_parse(), 0, "%s", tb_err.msg);
	tb_expect_text(tb_b.modules[0].data, tb_a.buf, "12345");

	/* A few stray bytes where the next header should be. */
	tb_a.len += 3;
	tb_a.buf[tb_a.len++] = '0';
	tb_parse_fails("bundle: member 2: header at 0xf4 needs 0x6e bytes, archive size 0xf5 "
		       "(no TRAILER!!!)");
}

Test(bundle, no_kernel)
{
	tb_file(&tb_a, "initrd", "x");
	tb_trailer(&tb_a);
	tb_parse_fails("bundle: no 'kernel' member");
	tb_a.len = 0;
	tb_parse_fails("bundle: no 'kernel' member");
}

Test(bundle, two_kernels_and_duplicates)
{
	tb_file(&tb_a, "kernel", "1");
	tb_file(&tb_a, "./kernel", "2");
	tb_trailer(&tb_a);
	tb_parse_fails("bundle: member 1: two 'kernel' members");

	tb_a.len = 0;
	tb_file(&tb_a, "kernel", "1");
	tb_file(&tb_a, "m", "2");
	tb_file(&tb_a, "./m", "3");
	tb_parse_fails("bundle: member 2: two 'm' members");

	tb_a.len = 0;
	tb_file(&tb_a, "kernel", "1");
	tb_file(&tb_a, "cmdline", "2");
	tb_file(&tb_a, "cmdline", "3");
	tb_parse_fails("bundle: member 2: two 'cmdline' members");

	tb_a.len = 0;
	tb_file(&tb_a, "kernel", "1");
	tb_file(&tb_a, "m.cmdline", "2");
	tb_file(&tb_a, "m", "2");
	tb_file(&tb_a, "m.cmdline", "3");
	tb_parse_fails("bundle: member 3: two 'm.cmdline' members");
}

Test(bundle, cmdline_without_module)
{
	tb_file(&tb_a, "kernel", "1");
	tb_file(&tb_a, "initrd", "1");
	tb_file(&tb_a, "initrd2.cmdline", "x");
	tb_trailer(&tb_a);
	tb_parse_fails("bundle: member 2 ('initrd2.cmdline'): no module 'initrd2'");
}

Test(bundle, too_many_modules)
{
	char name[16];

	tb_file(&tb_a, "kernel", "1");
	for (unsigned i = 0; i < BUNDLE_MAX_MODULES; i++) {
		snprintf(name, sizeof(name), "m%u", i);
		tb_file(&tb_a, name, "x");
	}
	cr_assert_eq(tb_parse(), 0, "%s", tb_err.msg);
	cr_assert_eq(tb_b.nmodules, BUNDLE_MAX_MODULES);
	tb_file(&tb_a, "one-more", "x");
	tb_parse_fails("bundle: member 31 ('one-more'): more than 30 modules");
}

Test(bundle, filesize_beyond_archive)
{
	tb_file(&tb_a, "kernel", "1");
	size_t at = tb_a.len;
	tb_file(&tb_a, "initrd", "abcdefgh");
	/* c_filesize is the 7th field: 6 + 6 * 8 bytes into the header. */
	memcpy(tb_a.buf + at + 54, "00001000", 8);
	tb_parse_fails("bundle: member 1 ('initrd'): filesize 0x1000 beyond archive size 0xfc");
}

Test(bundle, bad_fields)
{
	tb_file(&tb_a, "kernel", "1");
	tb_a.buf[0] = '1';
	tb_parse_fails("bundle: member 0: bad magic at 0x0 (want 070701)");

	tb_a.len = 0;
	tb_file(&tb_a, "kernel", "1");
	memcpy(tb_a.buf + 54, "0000000g", 8);
	tb_parse_fails("bundle: member 0: c_filesize '0000000g' is not 8 hex digits");

	tb_a.len = 0;
	tb_file(&tb_a, "kernel", "1");
	memcpy(tb_a.buf + 94, "00000100", 8); /* c_namesize */
	tb_parse_fails("bundle: member 0: c_namesize 0x100 beyond archive size 0x7c");

	tb_a.len = 0;
	tb_file(&tb_a, "kernel", "1");
	memcpy(tb_a.buf + 94, "00000000", 8);
	tb_parse_fails("bundle: member 0: c_namesize 0 (the name needs a NUL)");

	tb_a.len = 0;
	tb_file(&tb_a, "kernel", "1");
	memcpy(tb_a.buf + 94, "00000006", 8); /* "kernel" without its NUL */
	tb_parse_fails("bundle: member 0: name of 0x6 bytes is not one string");

	tb_a.len = 0;
	tb_file(&tb_a, "kernel", "1");
	tb_a.buf[112] = '\0'; /* "ke\0nel\0" */
	tb_parse_fails("bundle: member 0: name of 0x7 bytes is not one string");

	tb_a.len = 0;
	tb_file(&tb_a, "kernel", "1");
	tb_member_mode(&tb_a, "link", 0120777, "kernel", 6);
	tb_parse_fails("bundle: member 1 ('link'): c_mode 0xa1ff is neither a regular file nor "
		       "a directory");

	/* Upper-case hex digits are fine (cpio writes them). */
	tb_a.len = 0;
	tb_file(&tb_a, "kernel", "1");
	memcpy(tb_a.buf + 6, "0000ABCD", 8);
	cr_assert_eq(tb_parse(), 0, "%s", tb_err.msg);
}

/* --- files on disk: the tool and the system cpio -------------------------- */

static char tb_dir[64];

static void tb_make_dir(void)
{
	snprintf(tb_dir, sizeof(tb_dir), "/tmp/pvh-bundle-test.XXXXXX");
	cr_assert_not_null(mkdtemp(tb_dir));
}

static void tb_remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tb_dir);
	cr_assert_eq(system(cmd), 0);
}

/* Writes len pseudo-random bytes (seeded by len) to dir/name. */
static void tb_write_file(const char *name, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tb_dir, name);
	f = fopen(path, "wb");
	cr_assert_not_null(f, "%s", path);
	for (size_t i = 0; i < len; i++)
		fputc((int)((i * 2654435761u + len) >> 7) & 0xff, f);
	fclose(f);
}

static uint8_t *tb_read_file(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	uint8_t *data;
	long n;

	snprintf(path, sizeof(path), "%s/%s", tb_dir, name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	cr_assert_eq(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return data;
}

static void tb_expect_file(const uint8_t *archive, struct bundle_span s, const char *name)
{
	size_t len;
	uint8_t *want = tb_read_file(name, &len);

	cr_assert_eq(s.size, len, "%s: %llu bytes, want %zu", name, (unsigned long long)s.size,
		     len);
	cr_assert(memcmp(archive + s.offset, want, len) == 0, "%s: bytes differ", name);
	free(want);
}

/*
 * Runs the tool in this process with its stdout and stderr sent to files in
 * the test directory, so expected errors stay out of the test log and can be
 * checked: out and errs (may be NULL) receive what it printed.
 */
static int tb_run_tool_output(int argc, char **argv, char *out, size_t outlen, char *errs,
			      size_t errlen)
{
	char path[2][128];
	int saved[2], rc;
	FILE *stream[2] = { stdout, stderr };
	char *dest[2] = { out, errs };
	const size_t destlen[2] = { outlen, errlen };

	for (int i = 0; i < 2; i++) {
		snprintf(path[i], sizeof(path[i]), "%s/.tool-%d", tb_dir, i + 1);
		fflush(stream[i]);
		saved[i] = dup(i + 1);
		int fd = open(path[i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		cr_assert(saved[i] >= 0 && fd >= 0, "redirecting fd %d", i + 1);
		dup2(fd, i + 1);
		close(fd);
	}
	optind = 0; /* getopt starts over for each run */
	rc = pvh_bundle_main(argc, argv);
	for (int i = 0; i < 2; i++) {
		fflush(stream[i]);
		dup2(saved[i], i + 1);
		close(saved[i]);
		FILE *f = fopen(path[i], "r");
		cr_assert_not_null(f, "%s", path[i]);
		size_t n = dest[i] ? fread(dest[i], 1, destlen[i] - 1, f) : 0;
		if (dest[i])
			dest[i][n] = '\0';
		fclose(f);
		unlink(path[i]);
	}
	return rc;
}

static int tb_run_tool(int argc, char **argv)
{
	return tb_run_tool_output(argc, argv, NULL, 0, NULL, 0);
}

Test(bundle, tool_round_trip)
{
	char out[128], kernel[128], m1[160], m2[128], m3[128];
	size_t len;

	tb_make_dir();
	tb_write_file("vmlinux", 10001);
	tb_write_file("initrd", 5000);
	cr_assert_eq(mkdir(strcat(strcpy(m3, tb_dir), "/sub"), 0755), 0);
	tb_write_file("sub/initrd", 333);
	tb_write_file(".hidden", 7);
	snprintf(out, sizeof(out), "%s/out.cpio", tb_dir);
	snprintf(kernel, sizeof(kernel), "%s/vmlinux", tb_dir);
	snprintf(m1, sizeof(m1), "%s/initrd=crc=0x1234 name=a", tb_dir);
	snprintf(m2, sizeof(m2), "%s/sub/initrd", tb_dir);
	snprintf(m3, sizeof(m3), "%s/.hidden=x", tb_dir);
	char *argv[] = { "pvh-bundle", "-o", out, "--cmdline", "console=ttyS0 quiet",
			 kernel, m1, m2, m3, NULL };
	cr_assert_eq(tb_run_tool(9, argv), 0);

	uint8_t *archive = tb_read_file("out.cpio", &len);
	struct bundle b;
	struct err err;
	err_clear(&err);
	cr_assert(bundle_detect(archive, len));
	cr_assert_eq(bundle_parse(&b, archive, len, &err), 0, "%s", err.msg);
	tb_expect_file(archive, b.kernel, "vmlinux");
	cr_assert_eq(b.kernel.offset % 4, 0);
	cr_assert(b.has_cmdline);
	tb_expect_text(b.cmdline, archive, "console=ttyS0 quiet");
	cr_assert_eq(b.nmodules, 3);
	tb_expect_name(&b.modules[0], "initrd");
	tb_expect_file(archive, b.modules[0].data, "initrd");
	cr_assert(b.modules[0].has_cmdline);
	tb_expect_text(b.modules[0].cmdline, archive, "crc=0x1234 name=a");
	tb_expect_name(&b.modules[1], "initrd.1");
	tb_expect_file(archive, b.modules[1].data, "sub/initrd");
	cr_assert(!b.modules[1].has_cmdline);
	tb_expect_name(&b.modules[2], "module.hidden");
	tb_expect_file(archive, b.modules[2].data, ".hidden");
	tb_expect_text(b.modules[2].cmdline, archive, "x");
	for (unsigned i = 0; i < b.nmodules; i++)
		cr_assert_eq(b.modules[i].data.offset % 4096, 0, "module %u at 0x%llx", i,
			     (unsigned long long)b.modules[i].data.offset);
	free(archive);

	/* The system cpio reads what the tool wrote. */
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && mkdir x && cd x && cpio -id --quiet < ../out.cpio 2>/dev/null && "
		 "cmp kernel ../vmlinux && cmp initrd ../initrd && cmp initrd.1 ../sub/initrd",
		 tb_dir);
	cr_assert_eq(system(cmd), 0, "cpio -i of the tool's archive");
	tb_remove_dir();
}

Test(bundle, tool_reserved_names_and_errors)
{
	char out[128], k[128], m1[128], m2[128], missing[128];
	size_t len;

	tb_make_dir();
	tb_write_file("kernel", 100);
	tb_write_file("cmdline", 10);
	snprintf(out, sizeof(out), "%s/o.cpio", tb_dir);
	snprintf(k, sizeof(k), "%s/kernel", tb_dir);
	snprintf(m1, sizeof(m1), "%s/kernel", tb_dir);
	snprintf(m2, sizeof(m2), "%s/cmdline=c", tb_dir);
	char *argv[] = { "pvh-bundle", k, m1, m2, "--output", out, NULL };
	cr_assert_eq(tb_run_tool(6, argv), 0);

	uint8_t *archive = tb_read_file("o.cpio", &len);
	struct bundle b;
	struct err err;
	err_clear(&err);
	cr_assert_eq(bundle_parse(&b, archive, len, &err), 0, "%s", err.msg);
	cr_assert(!b.has_cmdline);
	cr_assert_eq(b.nmodules, 2);
	tb_expect_name(&b.modules[0], "kernel.1");
	tb_expect_name(&b.modules[1], "cmdline.1");
	tb_expect_text(b.modules[1].cmdline, archive, "c");
	free(archive);

	snprintf(missing, sizeof(missing), "%s/nope", tb_dir);
	char *bad[] = { "pvh-bundle", "-o", out, k, missing, NULL };
	char said[2048];
	cr_assert_eq(tb_run_tool_output(5, bad, NULL, 0, said, sizeof(said)), 1);
	cr_assert(strstr(said, "nope: cannot read") != NULL, "stderr: %s", said);
	cr_assert_eq(access(out, F_OK), -1, "a failed run leaves no archive");

	char *usage[] = { "pvh-bundle", k, NULL };
	cr_assert_eq(tb_run_tool_output(2, usage, NULL, 0, said, sizeof(said)), 2, "no -o");
	cr_assert(strstr(said, "missing -o OUT") != NULL && strstr(said, "usage:") != NULL,
		  "stderr: %s", said);
	char *help[] = { "pvh-bundle", "--help", NULL };
	cr_assert_eq(tb_run_tool_output(2, help, said, sizeof(said), NULL, 0), 0);
	cr_assert(strncmp(said, "usage: pvh-bundle", 17) == 0, "stdout: %s", said);
	tb_remove_dir();
}

Test(bundle, system_cpio_archive)
{
	char cmd[512];
	size_t len;

	tb_make_dir();
	tb_write_file("kernel", 4321);
	tb_write_file("initrd", 9999);
	tb_write_file("fw.bin", 3);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && mkdir sub && printf 'root=/dev/vda console=ttyS0\\n' > cmdline && "
		 "printf 'initrd args' > initrd.cmdline && "
		 "printf '.\\n./kernel\\n./cmdline\\n./sub\\n./initrd\\n./initrd.cmdline\\n"
		 "./fw.bin\\n' | cpio -o -H newc --quiet > a.cpio",
		 tb_dir);
	cr_assert_eq(system(cmd), 0, "cpio -o -H newc");

	uint8_t *archive = tb_read_file("a.cpio", &len);
	struct bundle b;
	struct err err;
	err_clear(&err);
	cr_assert_eq(len % 512, 0, "cpio pads to its block size");
	cr_assert(bundle_detect(archive, len));
	cr_assert_eq(bundle_parse(&b, archive, len, &err), 0, "%s", err.msg);
	tb_expect_file(archive, b.kernel, "kernel");
	cr_assert(b.has_cmdline);
	tb_expect_text(b.cmdline, archive, "root=/dev/vda console=ttyS0");
	cr_assert_eq(b.nmodules, 2);
	tb_expect_name(&b.modules[0], "initrd");
	tb_expect_file(archive, b.modules[0].data, "initrd");
	cr_assert(b.modules[0].has_cmdline);
	tb_expect_text(b.modules[0].cmdline, archive, "initrd args");
	tb_expect_name(&b.modules[1], "fw.bin");
	tb_expect_file(archive, b.modules[1].data, "fw.bin");
	cr_assert(!b.modules[1].has_cmdline);
	free(archive);
	tb_remove_dir();
}
