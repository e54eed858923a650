/*
 * pvh-bundle - host tool that writes a PVH bundle (see src/pvh/bundle.h):
 * one newc cpio archive carrying a kernel, its command line and modules with
 * theirs, for VMMs and boot loaders that hand over a single module.
 *
 *   pvh-bundle -o OUT [--cmdline STR] KERNEL [MODULE[=CMDLINE]]...
 *
 * Each module's data is preceded by a ".pad" member sized so that the data
 * starts at a 4096-aligned archive offset: loaded page-aligned (as QEMU
 * loads an initrd), the modules are page-aligned too and need no copy.
 * The archive is reproducible: mtime, uid and gid are 0.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PB_PAGE 4096u
#define PB_HDR 110u
#define PB_MAX_MODULES 30 /* BUNDLE_MAX_MODULES */

struct pb_writer {
	FILE *out;
	const char *path;
	uint64_t offset; /* bytes written so far */
	uint32_t ino;
	bool failed;
};

struct pb_module {
	const char *path;
	const char *cmdline; /* NULL if none */
	char name[256];
};

static void pb_usage(FILE *f)
{
	fprintf(f,
		"usage: pvh-bundle -o OUT [--cmdline STR] KERNEL [MODULE[=CMDLINE]]...\n"
		"Writes a newc cpio archive with members 'kernel', 'cmdline' and one per\n"
		"module (named after its file, plus NAME.cmdline when a command line is\n"
		"given after '='). Module data starts on 4096-byte boundaries.\n"
		"  -o, --output OUT      archive to write\n"
		"  -c, --cmdline STR     kernel command line\n"
		"  -h, --help            this text\n");
}

static uint64_t pb_align4(uint64_t v)
{
	return (v + 3) & ~(uint64_t)3;
}

static void pb_write(struct pb_writer *w, const void *data, size_t len)
{
	if (w->failed || len == 0)
		return;
	if (fwrite(data, 1, len, w->out) != len) {
		fprintf(stderr, "pvh-bundle: %s: write failed: %s\n", w->path, strerror(errno));
		w->failed = true;
		return;
	}
	w->offset += len;
}

static void pb_zeros(struct pb_writer *w, uint64_t len)
{
	static const char zeros[4096];

	while (len && !w->failed) {
		size_t n = len > sizeof(zeros) ? sizeof(zeros) : (size_t)len;

		pb_write(w, zeros, n);
		len -= n;
	}
}

/* Header and name of a regular file of filesize bytes, padded to 4. */
static void pb_header(struct pb_writer *w, const char *name, uint32_t filesize)
{
	char hdr[PB_HDR + 1];
	size_t namesize = strlen(name) + 1;

	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ++w->ino, 0100644u, 0u, 0u, 1u, 0u, filesize, 0u, 0u, 0u, 0u,
		 (unsigned)namesize, 0u);
	pb_write(w, hdr, PB_HDR);
	pb_write(w, name, namesize);
	pb_zeros(w, pb_align4(w->offset) - w->offset);
}

static void pb_member_text(struct pb_writer *w, const char *name, const char *text)
{
	size_t len = strlen(text);

	pb_header(w, name, (uint32_t)len);
	pb_write(w, text, len);
	pb_zeros(w, pb_align4(w->offset) - w->offset);
}

/* Copies a whole file as one member; false (with a message) on any problem. */
static bool pb_member_file(struct pb_writer *w, const char *name, const char *path)
{
	char buf[65536];
	struct stat st;
	uint64_t left;
	FILE *in = fopen(path, "rb");

	if (!in || fstat(fileno(in), &st) != 0) {
		fprintf(stderr, "pvh-bundle: %s: cannot read: %s\n", path, strerror(errno));
		if (in)
			fclose(in);
		return false;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > UINT32_MAX) {
		fprintf(stderr, "pvh-bundle: %s: %s\n", path,
			S_ISREG(st.st_mode) ? "larger than 4 GiB - 1, the newc limit"
					    : "not a regular file");
		fclose(in);
		return false;
	}
	pb_header(w, name, (uint32_t)st.st_size);
	for (left = (uint64_t)st.st_size; left && !w->failed;) {
		size_t want = left > sizeof(buf) ? sizeof(buf) : (size_t)left;
		size_t got = fread(buf, 1, want, in);

		if (got == 0) {
			fprintf(stderr, "pvh-bundle: %s: %s\n", path,
				ferror(in) ? strerror(errno) : "file shrank while reading");
			fclose(in);
			return false;
		}
		pb_write(w, buf, got);
		left -= got;
	}
	fclose(in);
	pb_zeros(w, pb_align4(w->offset) - w->offset);
	return !w->failed;
}

/* A ".pad" member that makes the next member's data (name of namelen) page-aligned. */
static void pb_pad_for(struct pb_writer *w, size_t namelen)
{
	uint64_t next_hdr = pb_align4(PB_HDR + namelen + 1);
	uint64_t pad_hdr = pb_align4(PB_HDR + sizeof(".pad"));
	uint64_t pad;

	if ((w->offset + next_hdr) % PB_PAGE == 0)
		return;
	pad = (PB_PAGE - (w->offset + pad_hdr + next_hdr) % PB_PAGE) % PB_PAGE;
	pb_header(w, ".pad", (uint32_t)pad);
	pb_zeros(w, pad);
}

static bool pb_name_taken(const struct pb_module *mods, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(mods[i].name, name) == 0)
			return true;
	return false;
}

/*
 * The member name for module i: its file's basename, renamed when the
 * bundle reader would take it for something else, and made unique.
 */
static bool pb_name_module(struct pb_module *mods, unsigned i)
{
	const char *slash = strrchr(mods[i].path, '/');
	const char *base = slash ? slash + 1 : mods[i].path;
	size_t len = strlen(base);
	char stem[200];

	if (len == 0 || len >= sizeof(stem) - 16) {
		fprintf(stderr, "pvh-bundle: %s: file name empty or too long\n", mods[i].path);
		return false;
	}
	/* Leading dots mark padding; "kernel", "cmdline", "*.cmdline" are taken. */
	snprintf(stem, sizeof(stem), "%s%s", base[0] == '.' ? "module" : "", base);
	bool reserved = strcmp(stem, "kernel") == 0 || strcmp(stem, "cmdline") == 0 ||
			strcmp(stem, "TRAILER!!!") == 0 ||
			(strlen(stem) > 8 && strcmp(stem + strlen(stem) - 8, ".cmdline") == 0);
	snprintf(mods[i].name, sizeof(mods[i].name), "%s", stem);
	for (unsigned k = 1; reserved || pb_name_taken(mods, i, mods[i].name); k++) {
		snprintf(mods[i].name, sizeof(mods[i].name), "%s.%u", stem, k);
		reserved = false;
	}
	return true;
}

static bool pb_write_archive(struct pb_writer *w, const char *kernel, const char *cmdline,
			     struct pb_module *mods, unsigned nmods)
{
	char name[300];

	if (!pb_member_file(w, "kernel", kernel))
		return false;
	if (cmdline)
		pb_member_text(w, "cmdline", cmdline);
	for (unsigned i = 0; i < nmods && !w->failed; i++) {
		pb_pad_for(w, strlen(mods[i].name));
		if (!pb_member_file(w, mods[i].name, mods[i].path))
			return false;
		if (mods[i].cmdline) {
			snprintf(name, sizeof(name), "%s.cmdline", mods[i].name);
			pb_member_text(w, name, mods[i].cmdline);
		}
	}
	pb_header(w, "TRAILER!!!", 0);
	return !w->failed;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out_path = NULL, *cmdline = NULL;
	struct pb_module mods[PB_MAX_MODULES];
	struct pb_writer w = { 0 };
	unsigned nmods = 0;
	int opt;

	while ((opt = getopt_long(argc, argv, "o:c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			out_path = optarg;
			break;
		case 'c':
			cmdline = optarg;
			break;
		case 'h':
			pb_usage(stdout);
			return 0;
		default:
			pb_usage(stderr);
			return 2;
		}
	}
	if (!out_path || optind >= argc) {
		fprintf(stderr, "pvh-bundle: %s\n",
			!out_path ? "missing -o OUT" : "missing KERNEL");
		pb_usage(stderr);
		return 2;
	}
	const char *kernel = argv[optind++];
	if (argc - optind > PB_MAX_MODULES) {
		fprintf(stderr, "pvh-bundle: %d modules, at most %d\n", argc - optind,
			PB_MAX_MODULES);
		return 2;
	}
	for (; optind < argc; optind++) {
		/* MODULE=CMDLINE splits at the first '='. */
		char *eq = strchr(argv[optind], '=');

		mods[nmods].path = argv[optind];
		mods[nmods].cmdline = NULL;
		if (eq) {
			*eq = '\0';
			mods[nmods].cmdline = eq + 1;
		}
		if (!pb_name_module(mods, nmods))
			return 1;
		nmods++;
	}

	w.path = out_path;
	w.out = fopen(out_path, "wb");
	if (!w.out) {
		fprintf(stderr, "pvh-bundle: %s: cannot create: %s\n", out_path, strerror(errno));
		return 1;
	}
	bool ok = pb_write_archive(&w, kernel, cmdline, mods, nmods);
	if (fclose(w.out) != 0 && ok) {
		fprintf(stderr, "pvh-bundle: %s: write failed: %s\n", out_path, strerror(errno));
		ok = false;
	}
	if (!ok) {
		remove(out_path);
		return 1;
	}
	return 0;
}
