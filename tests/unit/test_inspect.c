/*
 * test_inspect.c - runs the built host tool build/pvh-inspect (or
 * $PVH_INSPECT) on images from elf_builder.c and bzimage_builder.c and
 * checks its exit statuses, its one-line stderr report and the keys and
 * values of its JSON. Skipped when the tool has not been built (make
 * build/pvh-inspect).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bzimage_builder.h"
#include "elf_builder.h"

static struct eb b;
static char out[65536], errtext[4096];
static char errpath[] = "/tmp/pvh-inspect-err-XXXXXX";

static const char *tool(void)
{
	const char *t = getenv("PVH_INSPECT");

	t = t ? t : "build/pvh-inspect";
	if (access(t, X_OK) != 0)
		cr_skip_test("%s not built", t);
	return t;
}

/* Image of the good case: text R-X, data RW-, GUEST_OS + PHYS32_ENTRY. */
static void image(uint32_t entry_sz, uint64_t entry, const char *path)
{
	uint8_t notes[128], text[16] = { 0 }, d[8];
	size_t n = eb_note(notes, "Xen", 4, 6, "a\"b", 4);
	uint64_t noff, toff;

	eb_put64(d, entry);
	n += eb_note(notes + n, "Xen", 4, 18, d, entry_sz);
	eb_init(&b, 64);
	noff = eb_append(&b, notes, n, 4);
	toff = eb_append(&b, text, sizeof(text), 16);
	eb_phdr(&b, 1, EB_PF_R | EB_PF_X, toff, 0x100000, sizeof(text), 0x1000, 0x1000);
	eb_phdr(&b, 4, EB_PF_R, noff, 0, n, n, 4);
	cr_assert(eb_write_file(&b, path));
}

/* Run the tool; returns its exit status, stdout in out, stderr in errtext. */
static int run(const char *args)
{
	char cmd[1024];
	FILE *p, *ef;
	size_t n;
	int st;

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
	cr_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

Test(elf_inspect, json_and_exit_codes)
{
	char good[] = "/tmp/pvh-inspect-good-XXXXXX", nopvh[] = "/tmp/pvh-inspect-nopvh-XXXXXX",
	     bad[] = "/tmp/pvh-inspect-bad-XXXXXX", args[256];

	tool();
	cr_assert_geq(mkstemp(errpath), 0);
	cr_assert_geq(mkstemp(good), 0);
	cr_assert_geq(mkstemp(nopvh), 0);
	cr_assert_geq(mkstemp(bad), 0);
	image(8, 0x100004, good);
	image(8, 0x100004, nopvh);
	b.buf[EB_DATA + 20 + 8] = 17; /* the entry note's type: no longer PHYS32_ENTRY */
	cr_assert(eb_write_file(&b, nopvh));
	image(2, 0x100004, bad);

	snprintf(args, sizeof(args), "--json %s", good);
	cr_assert_eq(run(args), 0, "%s", errtext);
	cr_assert_str_eq(errtext, "");
	cr_assert(strstr(out, "\"class\":64,\"machine\":\"x86_64\""), "%s", out);
	cr_assert(strstr(out, "\"pvh_entry\":1048580,\"pvh_entry_size\":8"), "%s", out);
	cr_assert(strstr(out, "\"reloc\":null"), "%s", out);
	cr_assert(strstr(out, "\"segments\":[{\"index\":0,\"paddr\":1048576,"), "%s", out);
	cr_assert(strstr(out, "\"flags\":\"R-X\""), "%s", out);
	cr_assert(strstr(out, "{\"type\":6,\"name\":\"GUEST_OS\",\"descsz\":4,\"value\":\"a\\\"b\""),
		  "%s", out);
	cr_assert(strstr(out, "\"span\":{\"start\":1048576,\"end\":1052672}"), "%s", out);
	cr_assert(strstr(out, "\"error\":null}\n"), "%s", out);

	snprintf(args, sizeof(args), "--json %s %s", good, nopvh);
	cr_assert_eq(run(args), 1);
	cr_assert(strstr(out, "\"status\":\"no_pvh\""), "%s", out);
	cr_assert(strstr(out, "\"pvh_entry\":null"), "%s", out);

	snprintf(args, sizeof(args), "--json %s %s %s", nopvh, bad, good);
	cr_assert_eq(run(args), 2);
	cr_assert(strstr(out, "\"error\":\"elf: note PHYS32_ENTRY: descsz 2, expected 4 or 8\""),
		  "%s", out);
	{
		char want[512];

		snprintf(want, sizeof(want),
			 "pvh-inspect: %s: elf: note PHYS32_ENTRY: descsz 2, expected 4 or 8\n", bad);
		cr_assert_str_eq(errtext, want);
	}

	snprintf(args, sizeof(args), "%s", good);
	cr_assert_eq(run(args), 0);
	cr_assert(strstr(out, "PVH entry: 0x100004 (PHYS32_ENTRY, 8-byte descriptor)"), "%s", out);
	cr_assert_eq(run("/nonexistent/file"), 2);
	cr_assert(strstr(errtext, "pvh-inspect: /nonexistent/file: cannot read"), "%s", errtext);
	cr_assert_eq(run("--help"), 0);
	cr_assert(strstr(out, "--json"), "%s", out);

	unlink(good);
	unlink(nopvh);
	unlink(bad);
	unlink(errpath);
}

/* A bzImage is named, with the command that extracts its ELF; status 3. */
Test(elf_inspect, bzimage)
{
	char bz[] = "/tmp/pvh-inspect-bz-XXXXXX", broken[] = "/tmp/pvh-inspect-bzbad-XXXXXX",
	     good[] = "/tmp/pvh-inspect-good-XXXXXX", nopvh[] = "/tmp/pvh-inspect-nopvh-XXXXXX",
	     bad[] = "/tmp/pvh-inspect-bad-XXXXXX", args[512], want[1024];
	static const uint8_t xz[] = { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x01, 0x02 };
	struct bzb z;

	tool();
	cr_assert_geq(mkstemp(errpath), 0);
	cr_assert_geq(mkstemp(bz), 0);
	cr_assert_geq(mkstemp(broken), 0);
	cr_assert_geq(mkstemp(good), 0);
	cr_assert_geq(mkstemp(nopvh), 0);
	cr_assert_geq(mkstemp(bad), 0);
	bzb_make_trailer(&z, xz, sizeof(xz), 0x4000);
	cr_assert(bzb_write_file(&z, bz));
	bzb_set(&z, 0x24c, 4, 0x1000); /* the payload now runs past the end */
	cr_assert(bzb_write_file(&z, broken));
	bzb_free(&z);
	image(8, 0x100004, good);
	image(8, 0x100004, nopvh);
	b.buf[EB_DATA + 20 + 8] = 17;
	cr_assert(eb_write_file(&b, nopvh));
	image(2, 0x100004, bad);

	cr_assert_eq(run(bz), 3, "%s", errtext);
	snprintf(want, sizeof(want), "%s: bzImage (boot protocol 2.15, xz payload of 12 bytes): not "
				     "an ELF; extract the PVH kernel with: pvh-extract -o vmlinux %s\n"
				     "  kernel_version: " BZB_VERSION "\n", bz, bz);
	cr_assert_str_eq(out, want);
	cr_assert_str_eq(errtext, "");

	snprintf(args, sizeof(args), "--json %s", bz);
	cr_assert_eq(run(args), 3);
	cr_assert(strstr(out, "\"status\":\"bzimage\",\"class\":null"), "%s", out);
	cr_assert(strstr(out, "\"bzimage\":{\"protocol\":\"2.15\",\"compression\":\"xz\","
			      "\"payload_offset\":1040,\"payload_length\":12,\"kernel_version\":\""
			      BZB_VERSION "\"},\"error\":null}\n"), "%s", out);
	snprintf(args, sizeof(args), "--json %s", good);
	cr_assert_eq(run(args), 0);
	cr_assert(strstr(out, "\"bzimage\":null,\"error\":null}"), "%s", out);

	/* A broken one is an error like a broken ELF, with the header's words. */
	cr_assert_eq(run(broken), 2);
	snprintf(want, sizeof(want), "pvh-inspect: %s: bzimage: payload_offset 0x10 + payload_length "
				     "0x1000: payload ends at 0x1410, beyond file size 0x42c\n", broken);
	cr_assert_str_eq(errtext, want);

	/* Over several files: error, then no PVH, then bzImage, then PVH. */
	snprintf(args, sizeof(args), "%s %s", good, bz);
	cr_assert_eq(run(args), 3);
	snprintf(args, sizeof(args), "%s %s", bz, nopvh);
	cr_assert_eq(run(args), 1);
	snprintf(args, sizeof(args), "%s %s %s", bad, bz, nopvh);
	cr_assert_eq(run(args), 2);
	snprintf(args, sizeof(args), "%s %s", bz, broken);
	cr_assert_eq(run(args), 2);

	unlink(bz);
	unlink(broken);
	unlink(good);
	unlink(nopvh);
	unlink(bad);
	unlink(errpath);
}
