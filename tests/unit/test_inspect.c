/*
 * test_inspect.c - runs the built host tool build/pvh-inspect (or
 * $PVH_INSPECT) on images from elf_builder.c and checks its exit statuses,
 * its one-line stderr report and the keys and values of its JSON. Skipped
 * when the tool has not been built (make build/pvh-inspect).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
	cr_assert(strstr(out, "\"load_range\":{\"relocatable\":false,\"start\":1048576,"
			      "\"last\":1052671,"), "%s", out);
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

Test(elf_inspect, load_range_of_debian_6_12)
{
	/* The real relocatable kernel, when it was fetched (scripts/fetch-kernel-variant.sh 6.12). */
	const char *k = "cache/kernel-6.12/vmlinux";
	char args[256];

	tool();
	if (access(k, R_OK) != 0)
		cr_skip_test("%s not fetched", k);
	cr_assert_geq(mkstemp(errpath), 0);
	snprintf(args, sizeof(args), "%s", k);
	cr_assert_eq(run(args), 0, "%s", errtext);
	cr_assert(strstr(out, "  relocatable: align 0x200000, load range 0x1000000-0x3fffffff "
			      "(image 0x3200000 bytes: bases 0x1000000-0x3ce00000)\n"), "%s", out);
	snprintf(args, sizeof(args), "--json %s", k);
	cr_assert_eq(run(args), 0, "%s", errtext);
	cr_assert(strstr(out, "\"load_range\":{\"relocatable\":true,\"start\":16777216,"
			      "\"last\":1073741823,\"lowest_base\":16777216,"
			      "\"highest_base\":1021313024,\"problem\":null}"), "%s", out);
}
