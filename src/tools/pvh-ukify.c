/*
 * pvh-ukify - host tool that builds a PVH unified kernel image: pvhboot.efi
 * (the stub) with the kernel, its initrds, command line and identification
 * added as PE sections, one file the firmware verifies when it is signed.
 *
 *   pvh-ukify -o OUT.efi --linux KERNEL [--initrd FILE]... [--cmdline STR]
 *             [--os-release FILE] [--uname STR] [--stub PVHBOOT.EFI] [--no-lockdown]
 *
 * Sections as systemd's UKIs name them: .osrel, .cmdline, .uname, .initrd
 * (every --initrd concatenated in order), .linux (a PVH ELF; a bzImage is
 * turned into one by pvh-extract first). binutils' objcopy adds them at
 * section-aligned virtual addresses after the stub's own sections; the
 * result is read back with the core's PE reader and compared byte for byte
 * before it replaces OUT. The kernel cannot learn that Secure Boot was on
 * (a PVH start has no EFI system table), so `lockdown=integrity` is added to
 * the command line unless it names a lockdown= itself or --no-lockdown is
 * given. Sign the result with sbsign. Exit status: 0 written, 1 an input or
 * tool failed (the message says which), 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "elf/elf.h"
#include "elf/pe.h"

#define UK_MAX_INITRDS 16
#define UK_MAX_SECTIONS 5
#define UK_DEFAULT_STUB "/usr/lib/pvhboot/pvhboot.efi"

struct uk_blob {
	uint8_t *data;
	size_t size;
};

struct uk_section {
	const char *name;
	char path[4096]; /* the file objcopy reads */
	struct uk_blob blob;
	uint64_t vma;
};

static char uk_tmpdir[1024];

static void uk_usage(FILE *f)
{
	fprintf(f,
		"usage: pvh-ukify -o OUT.efi --linux KERNEL [--initrd FILE]... [--cmdline STR]\n"
		"                 [--os-release FILE] [--uname STR] [--stub PVHBOOT.EFI] [--no-lockdown]\n"
		"Builds a unified kernel image: pvhboot.efi with sections .linux (the PVH ELF;\n"
		"a bzImage is extracted with pvh-extract), .initrd, .cmdline, .osrel, .uname.\n"
		"  -o, --output OUT      image to write\n"
		"  -l, --linux KERNEL    PVH kernel ELF or bzImage\n"
		"  -i, --initrd FILE     an initrd (repeatable; concatenated in order)\n"
		"  -c, --cmdline STR     the kernel command line (the only one under Secure Boot)\n"
		"  -r, --os-release FILE the .osrel section (e.g. /etc/os-release)\n"
		"  -u, --uname STR       the .uname section (the kernel release)\n"
		"  -s, --stub FILE       the stub (default: pvhboot.efi beside this tool, else\n"
		"                        " UK_DEFAULT_STUB ")\n"
		"      --no-lockdown     do not add lockdown=integrity to the command line\n"
		"  -h, --help            this text\n");
}

static int uk_fail(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "pvh-ukify: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return -1;
}

static int uk_read(const char *path, struct uk_blob *blob)
{
	struct stat st;
	FILE *f = fopen(path, "rb");

	if (!f || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		if (f)
			fclose(f);
		return uk_fail("%s: cannot read: %s", path, f ? "not a regular file" : strerror(errno));
	}
	blob->size = (size_t)st.st_size;
	blob->data = malloc(blob->size ? blob->size : 1);
	if (!blob->data || fread(blob->data, 1, blob->size, f) != blob->size) {
		fclose(f);
		return uk_fail("%s: read failed: %s", path, strerror(errno));
	}
	fclose(f);
	return 0;
}

static int uk_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		return uk_fail("%s: write failed: %s", path, strerror(errno));
	return 0;
}

/* Runs argv[0] from PATH; 0 if it exited with status 0. */
static int uk_run(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return uk_fail("fork failed: %s%s", strerror(errno), "");
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "pvh-ukify: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return uk_fail("%s failed (see above)%s", argv[0], "");
	return 0;
}

/* A file next to this program (build/ or /usr/bin), if it exists. */
static bool uk_beside_self(const char *name, char *out, size_t outlen)
{
	char self[2048];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return false;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (!slash)
		return false;
	*slash = '\0';
	snprintf(out, outlen, "%s/%s", self, name);
	return access(out, R_OK) == 0;
}

static bool uk_is_bzimage(const struct uk_blob *k)
{
	return k->size > 0x206 && memcmp(k->data + 0x202, "HdrS", 4) == 0;
}

/* The .linux section: the PVH ELF itself, or the one pvh-extract takes out of a bzImage. */
static int uk_prepare_linux(const char *kernel, struct uk_section *sec)
{
	static struct elf_image elf;
	struct err err;

	if (uk_read(kernel, &sec->blob))
		return -1;
	snprintf(sec->path, sizeof(sec->path), "%s", kernel);
	if (uk_is_bzimage(&sec->blob)) {
		char tool[4096];
		if (!uk_beside_self("pvh-extract", tool, sizeof(tool)))
			snprintf(tool, sizeof(tool), "pvh-extract");
		snprintf(sec->path, sizeof(sec->path), "%s/linux", uk_tmpdir);
		char *argv[] = { tool, "-q", "-o", sec->path, (char *)kernel, NULL };
		free(sec->blob.data);
		sec->blob.data = NULL;
		sec->blob.size = 0;
		if (uk_run(argv) || uk_read(sec->path, &sec->blob))
			return -1;
	}
	err_clear(&err);
	switch (elf_parse(&elf, sec->blob.data, sec->blob.size, &err)) {
	case ELF_PVH:
		return 0;
	case ELF_NO_PVH:
		return uk_fail("%s: no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel%s", kernel, "");
	default:
		return uk_fail("%s: %s", kernel, err.msg);
	}
}

static int uk_prepare_initrd(char **paths, unsigned n, struct uk_section *sec)
{
	size_t total = 0;

	sec->blob.data = NULL;
	for (unsigned i = 0; i < n; i++) {
		struct uk_blob b;
		if (uk_read(paths[i], &b))
			return -1;
		uint8_t *grown = realloc(sec->blob.data, total + b.size + 1);
		if (!grown)
			return uk_fail("%s: out of memory%s", paths[i], "");
		memcpy(grown + total, b.data, b.size);
		total += b.size;
		sec->blob.data = grown;
		free(b.data);
	}
	sec->blob.size = total;
	snprintf(sec->path, sizeof(sec->path), "%s/initrd", uk_tmpdir);
	return uk_write(sec->path, sec->blob.data, total);
}

static int uk_prepare_text(const char *name, const char *text, struct uk_section *sec)
{
	sec->blob.size = strlen(text);
	sec->blob.data = (uint8_t *)strdup(text);
	snprintf(sec->path, sizeof(sec->path), "%s/%s", uk_tmpdir, name + 1);
	return sec->blob.data ? uk_write(sec->path, text, sec->blob.size) : -1;
}

/* The command line the image carries: lockdown=integrity added unless chosen otherwise. */
static char *uk_cmdline(const char *given, bool lockdown)
{
	const char *base = given ? given : "";
	size_t n = strlen(base) + sizeof(" lockdown=integrity");
	char *s = malloc(n);

	if (!s)
		return NULL;
	bool named = strncmp(base, "lockdown=", 9) == 0 || strstr(base, " lockdown=") != NULL;
	if (lockdown && !named)
		snprintf(s, n, "%s%slockdown=integrity", base, base[0] ? " " : "");
	else
		snprintf(s, n, "%s", base);
	return s;
}

/* After objcopy: every section there, at its address, with its bytes. */
static int uk_verify(const char *path, const struct uk_section *secs, unsigned n)
{
	static struct pe_image pe;
	struct uk_blob img;
	struct err err;

	if (uk_read(path, &img))
		return -1;
	err_clear(&err);
	if (pe_parse(&pe, img.data, img.size, PE_FILE, &err)) {
		free(img.data);
		return uk_fail("%s: objcopy wrote an image the PE reader refuses: %s", path, err.msg);
	}
	for (unsigned i = 0; i < n; i++) {
		const struct pe_section *s = pe_find(&pe, secs[i].name);
		uint64_t off, size;

		if (!s) {
			free(img.data);
			return uk_fail("%s: section %s missing after objcopy", path, secs[i].name);
		}
		pe_section_span(s, PE_FILE, &off, &size);
		if (pe.image_base + s->vaddr != secs[i].vma || size != secs[i].blob.size ||
		    memcmp(img.data + off, secs[i].blob.data, secs[i].blob.size) != 0) {
			free(img.data);
			return uk_fail("%s: section %s does not hold what was added", path,
				       secs[i].name);
		}
	}
	free(img.data);
	return 0;
}

static int uk_build(const char *out, const char *stub, struct uk_section *secs, unsigned n)
{
	static struct pe_image pe;
	struct uk_blob s;
	struct err err;
	char tmp_out[4096];
	char *argv[4 + 6 * UK_MAX_SECTIONS];
	char vma_arg[UK_MAX_SECTIONS][64], add_arg[UK_MAX_SECTIONS][4200],
		flags_arg[UK_MAX_SECTIONS][64];
	unsigned a = 0;

	if (uk_read(stub, &s))
		return -1;
	err_clear(&err);
	if (pe_parse(&pe, s.data, s.size, PE_FILE, &err)) {
		free(s.data);
		return uk_fail("%s: %s", stub, err.msg);
	}
	free(s.data);
	for (unsigned i = 0; i < n; i++)
		if (pe_find(&pe, secs[i].name))
			return uk_fail("%s: already has a %s section: give the plain pvhboot.efi",
				       stub, secs[i].name);

	uint64_t align = pe.section_align, next = pe.image_base + pe_next_rva(&pe);
	argv[a++] = "objcopy";
	for (unsigned i = 0; i < n; i++) {
		secs[i].vma = (next + align - 1) & ~(align - 1);
		next = secs[i].vma + (secs[i].blob.size ? secs[i].blob.size : 1);
		snprintf(add_arg[i], sizeof(add_arg[i]), "%s=%s", secs[i].name, secs[i].path);
		snprintf(vma_arg[i], sizeof(vma_arg[i]), "%s=0x%llx", secs[i].name,
			 (unsigned long long)secs[i].vma);
		snprintf(flags_arg[i], sizeof(flags_arg[i]), "%s=data,readonly", secs[i].name);
		argv[a++] = "--add-section";
		argv[a++] = add_arg[i];
		argv[a++] = "--change-section-vma";
		argv[a++] = vma_arg[i];
		argv[a++] = "--set-section-flags";
		argv[a++] = flags_arg[i];
	}
	if (next - pe.image_base > UINT32_MAX)
		return uk_fail("%s: the sections would reach beyond 4 GiB of image%s", out, "");
	snprintf(tmp_out, sizeof(tmp_out), "%s.tmp-ukify", out);
	argv[a++] = (char *)stub;
	argv[a++] = tmp_out;
	argv[a] = NULL;
	if (uk_run(argv) || uk_verify(tmp_out, secs, n)) {
		unlink(tmp_out);
		return -1;
	}
	if (rename(tmp_out, out) != 0) {
		unlink(tmp_out);
		return uk_fail("%s: cannot rename into place: %s", out, strerror(errno));
	}
	return 0;
}

/* The temporary directory holds only the files this program wrote there. */
static void uk_cleanup(void)
{
	static const char *const names[] = { "linux", "initrd", "cmdline", "uname" };
	char path[sizeof(uk_tmpdir) + 16];

	if (!uk_tmpdir[0])
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", uk_tmpdir, names[i]);
		unlink(path);
	}
	if (rmdir(uk_tmpdir) != 0)
		fprintf(stderr, "pvh-ukify: could not remove %s: %s\n", uk_tmpdir, strerror(errno));
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "linux", required_argument, NULL, 'l' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "os-release", required_argument, NULL, 'r' },
		{ "uname", required_argument, NULL, 'u' },
		{ "stub", required_argument, NULL, 's' },
		{ "no-lockdown", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *kernel = NULL, *cmdline = NULL, *osrel = NULL, *uname_s = NULL;
	const char *stub = NULL;
	char *initrds[UK_MAX_INITRDS], stub_buf[4096];
	unsigned ninitrds = 0;
	bool lockdown = true;
	int opt;

	while ((opt = getopt_long(argc, argv, "o:l:i:c:r:u:s:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 'l': kernel = optarg; break;
		case 'c': cmdline = optarg; break;
		case 'r': osrel = optarg; break;
		case 'u': uname_s = optarg; break;
		case 's': stub = optarg; break;
		case 'L': lockdown = false; break;
		case 'i':
			if (ninitrds == UK_MAX_INITRDS) {
				fprintf(stderr, "pvh-ukify: more than %d --initrd\n", UK_MAX_INITRDS);
				return 2;
			}
			initrds[ninitrds++] = optarg;
			break;
		case 'h': uk_usage(stdout); return 0;
		default: uk_usage(stderr); return 2;
		}
	}
	if (!out || !kernel || optind != argc) {
		fprintf(stderr, "pvh-ukify: %s\n",
			!out ? "missing -o OUT" : !kernel ? "missing --linux KERNEL" : "unexpected argument");
		uk_usage(stderr);
		return 2;
	}
	if (!stub)
		stub = uk_beside_self("pvhboot.efi", stub_buf, sizeof(stub_buf)) ? stub_buf
										  : UK_DEFAULT_STUB;

	const char *tmp = getenv("TMPDIR");
	if (!tmp || !tmp[0])
		tmp = "/tmp";
	if (strlen(tmp) > sizeof(uk_tmpdir) - 32) {
		fprintf(stderr, "pvh-ukify: TMPDIR longer than %zu bytes\n", sizeof(uk_tmpdir) - 32);
		return 1;
	}
	snprintf(uk_tmpdir, sizeof(uk_tmpdir), "%s/pvh-ukify.XXXXXX", tmp);
	if (!mkdtemp(uk_tmpdir)) {
		fprintf(stderr, "pvh-ukify: cannot create a temporary directory: %s\n",
			strerror(errno));
		uk_tmpdir[0] = '\0';
		return 1;
	}

	/* Small sections first, the kernel last, as systemd's ukify lays them out. */
	static struct uk_section secs[UK_MAX_SECTIONS];
	unsigned n = 0;
	int rc = 0;
	struct uk_blob osrel_blob;
	char *line = uk_cmdline(cmdline, lockdown);

	if (osrel) {
		secs[n].name = ".osrel";
		rc |= uk_read(osrel, &osrel_blob);
		if (!rc) {
			secs[n].blob = osrel_blob;
			snprintf(secs[n].path, sizeof(secs[n].path), "%s", osrel);
		}
		n++;
	}
	if (!rc && line && line[0]) {
		secs[n].name = ".cmdline";
		rc |= uk_prepare_text(".cmdline", line, &secs[n++]);
	}
	if (!rc && uname_s) {
		secs[n].name = ".uname";
		rc |= uk_prepare_text(".uname", uname_s, &secs[n++]);
	}
	if (!rc && ninitrds) {
		secs[n].name = ".initrd";
		rc |= uk_prepare_initrd(initrds, ninitrds, &secs[n++]);
	}
	if (!rc) {
		secs[n].name = ".linux";
		rc |= uk_prepare_linux(kernel, &secs[n++]);
	}
	if (!rc)
		rc = uk_build(out, stub, secs, n);
	if (!rc)
		printf("pvh-ukify: %s: %s + %u sections (.linux %zu bytes%s%s)\n", out, stub, n,
		       secs[n - 1].blob.size, ninitrds ? ", initrds concatenated" : "",
		       line && line[0] ? ", .cmdline" : "");
	free(line);
	uk_cleanup();
	return rc ? 1 : 0;
}
