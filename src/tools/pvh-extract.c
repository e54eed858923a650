/*
 * pvh-extract - host tool: writes the PVH kernel (the ELF with the Xen
 * PHYS32_ENTRY note) out of what a distribution installs, a bzImage such as
 * /boot/vmlinuz-*. The setup header gives the payload (bzimage_parse), a
 * Debian library decompresses it (decomp_payload), the core's ELF reader
 * checks the result, and it is written atomically (a temporary file in the
 * same directory, then rename), optionally gzip-compressed for GRUB. An ELF
 * given as input is checked and copied. Run by hand, by the kernel hooks of
 * the Debian package and by tests/unit/test_extract.c.
 *
 * Exit status: 0 written (or, with --check, would be); 1 the kernel is an
 * ELF without a PVH entry (CONFIG_PVH off); 2 any other error (one line
 * "pvh-extract: FILE: ..." on stderr naming the field and the value).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "elf/bzimage.h"
#include "elf/elf.h"
#include "tools/decompress.h"

#define EXTRACT_OK 0
#define EXTRACT_NO_PVH 1
#define EXTRACT_ERROR 2
#define EXTRACT_DEFAULT_MAX (512ull << 20)

typedef unsigned long long ull;

struct opts {
	const char *out;   /* NULL with --check; "-" for stdout */
	bool gzip;
	bool check;
	bool quiet;
	size_t max;        /* cap on the decompressed size, and on an ELF input */
	const char *image;
};

static void usage(FILE *f)
{
	fputs("usage: pvh-extract [-o OUT|-o -] [--gzip] [--check] [-q] [--max-size BYTES] IMAGE\n"
	      "\n"
	      "Writes the PVH kernel inside IMAGE: from a bzImage (/boot/vmlinuz-*), the\n"
	      "ELF payload named by the setup header, decompressed (gzip, xz, lzma, lz4,\n"
	      "zstd, bzip2); an ELF IMAGE is checked and copied. The result must carry\n"
	      "the Xen note XEN_ELFNOTE_PHYS32_ENTRY (Linux: CONFIG_PVH=y).\n"
	      "\n"
	      "  -o OUT           write to OUT, atomically (temporary file, then rename);\n"
	      "                   -o - writes to standard output (not a terminal)\n"
	      "  --gzip           write it gzip-compressed (GRUB inflates modules itself)\n"
	      "  --check          write nothing, only report\n"
	      "  -q               no summary line\n"
	      "  --max-size BYTES refuse a kernel larger than BYTES once decompressed\n"
	      "                   (default 536870912, 512 MiB; suffixes K, M, G)\n"
	      "  -h, --help       this text\n"
	      "\n"
	      "Prints one summary line (compression, sizes, PVH entry, relocatable or not)\n"
	      "on standard output, or standard error with -o -.\n"
	      "\n"
	      "Exit status: 0 written (with --check: extractable); 1 the kernel is an ELF\n"
	      "without a PVH entry (CONFIG_PVH is off); 2 any other error, one line\n"
	      "\"pvh-extract: IMAGE: ...\" on standard error.\n",
	      f);
}

static int fail(const char *file, const char *fmt, ...) PRINTF_LIKE(2, 3);

static int fail(const char *file, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pvh-extract: %s: ", file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXTRACT_ERROR;
}

/* The whole file, refused when larger than max; NULL after a message. */
static uint8_t *load(const char *path, size_t max, size_t *size)
{
	struct stat st;
	uint8_t *buf;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fail(path, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fail(path, "not a regular file");
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size > max) {
		fail(path, "file size 0x%llx beyond the cap of 0x%llx bytes (--max-size)",
		     (ull)st.st_size, (ull)max);
		close(fd);
		return NULL;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		fail(path, "out of memory for 0x%llx bytes", (ull)st.st_size);
		close(fd);
		return NULL;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fail(path, "read failed at offset 0x%llx: %s", (ull)len,
			     n < 0 ? strerror(errno) : "file shrank");
			free(buf);
			close(fd);
			return NULL;
		}
		len += (size_t)n;
	}
	close(fd);
	*size = len;
	return buf;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* gzip (RFC 1952) of data, deterministic (no name, mtime 0); NULL on failure. */
static uint8_t *gzip_buf(const uint8_t *data, size_t len, size_t *out_len)
{
	z_stream z;
	uint8_t *out;
	size_t cap;
	int r;

	memset(&z, 0, sizeof(z));
	/* 16 + 15: a gzip wrapper; level 6, gzip's own default. */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return NULL;
	cap = deflateBound(&z, (uLong)len);
	out = malloc(cap);
	if (!out) {
		deflateEnd(&z);
		return NULL;
	}
	z.next_in = (Bytef *)(uintptr_t)data;
	z.next_out = out;
	/* One call per 1 GiB of input, the whole output room at once. */
	for (size_t done = 0;;) {
		size_t chunk = len - done > (1u << 30) ? (1u << 30) : len - done;
		uInt before = (uInt)chunk;

		z.avail_in = before;
		z.avail_out = (uInt)(cap - (size_t)((uint8_t *)z.next_out - out) > UINT32_MAX
					     ? UINT32_MAX
					     : cap - (size_t)((uint8_t *)z.next_out - out));
		r = deflate(&z, done + chunk == len ? Z_FINISH : Z_NO_FLUSH);
		done += before - z.avail_in;
		if (r == Z_STREAM_END)
			break;
		if (r != Z_OK && r != Z_BUF_ERROR) {
			free(out);
			deflateEnd(&z);
			return NULL;
		}
	}
	*out_len = (size_t)((uint8_t *)z.next_out - out);
	deflateEnd(&z);
	return out;
}

/*
 * Write data to path atomically: a hidden temporary file beside it (same
 * file system), flushed, given the mode a new file would get, renamed over
 * path. A reader of path sees the old file or the new one, never a part.
 */
static int write_atomic(const char *path, const uint8_t *data, size_t len)
{
	char *dup = strdup(path), *dup2 = strdup(path), *tmp = NULL;
	mode_t mask;
	int fd = -1, st = EXTRACT_ERROR;

	if (!dup || !dup2 ||
	    asprintf(&tmp, "%s/.%s.XXXXXX", dirname(dup), basename(dup2)) < 0) {
		tmp = NULL;
		fail(path, "out of memory");
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		fail(path, "cannot create a temporary file %s: %s", tmp, strerror(errno));
		goto out;
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		fail(path, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		fail(path, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		fail(path, "cannot rename %s to it: %s", tmp, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	st = EXTRACT_OK;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dup);
	free(dup2);
	return st;
}

/* What the kernel is: "PVH entry 0x1000850, not relocatable". */
static void describe_pvh(char *buf, size_t size, const struct elf_image *img)
{
	int n = snprintf(buf, size, "PVH entry 0x%llx, ", (ull)img->pvh_entry);

	if (n < 0 || (size_t)n >= size)
		return;
	if (img->reloc.present)
		snprintf(buf + n, size - (size_t)n,
			 "relocatable (PHYS32_RELOC align 0x%llx, 0x%llx-0x%llx)",
			 (ull)img->reloc.align, (ull)img->reloc.min, (ull)img->reloc.max);
	else
		snprintf(buf + n, size - (size_t)n, "not relocatable");
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 0);
	if (errno)
		return -1;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	else if (*end)
		return -1;
	if (shift && end[1])
		return -1;
	if (v == 0 || v > (SIZE_MAX >> 1) >> shift)
		return -1;
	*out = (size_t)(v << shift);
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->max = EXTRACT_DEFAULT_MAX;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (++i >= argc)
				goto missing;
			o->out = argv[i];
		} else if (!strncmp(a, "-o", 2) && a[2]) {
			o->out = a + 2;
		} else if (!strcmp(a, "--gzip")) {
			o->gzip = true;
		} else if (!strcmp(a, "--check")) {
			o->check = true;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			o->quiet = true;
		} else if (!strcmp(a, "--max-size") || !strncmp(a, "--max-size=", 11)) {
			const char *v = a[10] == '=' ? a + 11 : (++i < argc ? argv[i] : NULL);

			if (!v)
				goto missing;
			if (parse_size(v, &o->max)) {
				fprintf(stderr, "pvh-extract: --max-size %s: not a size (BYTES, or "
						"a number with K, M or G)\n", v);
				return -1;
			}
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(EXTRACT_OK);
		} else if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "pvh-extract: unknown option %s\n", a);
			usage(stderr);
			return -1;
		} else {
			break;
		}
	}
	if (i != argc - 1) {
		fprintf(stderr, "pvh-extract: %s\n", i >= argc ? "no IMAGE given" : "one IMAGE only");
		usage(stderr);
		return -1;
	}
	o->image = argv[i];
	if (!o->out && !o->check) {
		fprintf(stderr, "pvh-extract: no output: give -o OUT, -o - or --check\n");
		return -1;
	}
	if (o->out && o->check) {
		fprintf(stderr, "pvh-extract: --check writes nothing: give -o or --check, not both\n");
		return -1;
	}
	return 0;
missing:
	fprintf(stderr, "pvh-extract: %s needs a value\n", argv[i - 1]);
	return -1;
}

int main(int argc, char **argv)
{
	static struct elf_image img;
	struct opts o;
	struct bzimage_info bz = { 0 };
	struct decomp_out dec = { NULL, 0 };
	struct err err;
	uint8_t *file, *gz = NULL;
	const uint8_t *elf, *data;
	size_t size, elf_len, data_len;
	bool is_bz;
	char what[BZIMAGE_VERSION_MAX + 128], pvh[160];
	enum elf_status est;
	int st = EXTRACT_ERROR;
	FILE *info;

	if (parse_args(argc, argv, &o))
		return EXTRACT_ERROR;
	if (o.out && !strcmp(o.out, "-") && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "pvh-extract: refusing to write a kernel to a terminal\n");
		return EXTRACT_ERROR;
	}
	file = load(o.image, o.max, &size);
	if (!file)
		return EXTRACT_ERROR;
	err_clear(&err);

	is_bz = !(size >= 4 && bzimage_comp_of(file, size) == BZIMAGE_COMP_NONE);
	if (!is_bz) {
		elf = file;
		elf_len = size;
		what[0] = '\0';
	} else {
		if (bzimage_parse(&bz, file, size, &err)) {
			if (!bzimage_detect(file, size))
				fail(o.image, "neither an ELF nor a bzImage: %s", err.msg);
			else
				fail(o.image, "%s", err.msg);
			goto out;
		}
		if (decomp_payload(bz.comp, file + bz.payload_offset, (size_t)bz.payload_length,
				   o.max, bz.has_size_trailer ? bz.size_trailer : 0, &dec, &err)) {
			fail(o.image, "%s payload of %llu bytes at 0x%llx: %s", bzimage_comp_name(bz.comp),
			     (ull)bz.payload_length, (ull)bz.payload_offset, err.msg);
			goto out;
		}
		/* The build appends the uncompressed size to every compressed
		 * payload; lz4's legacy stream has no other end check. */
		if (bz.comp != BZIMAGE_COMP_NONE && bz.has_size_trailer && dec.len != bz.size_trailer) {
			fail(o.image, "%s payload decompressed to 0x%zx bytes, but its size trailer "
				      "(last 4 bytes at 0x%llx) says 0x%x", bzimage_comp_name(bz.comp),
			     dec.len, (ull)(bz.payload_offset + bz.payload_length - 4), bz.size_trailer);
			goto out;
		}
		elf = dec.data;
		elf_len = dec.len;
		snprintf(what, sizeof(what), "bzImage %u.%02u%s%.*s%s, %s payload of %llu bytes",
			 (unsigned)bz.protocol >> 8, bz.protocol & 0xffu, bz.release_len ? " (" : "",
			 (int)bz.release_len, bz.version, bz.release_len ? ")" : "",
			 bzimage_comp_name(bz.comp), (ull)bz.payload_length);
	}

	est = elf_parse(&img, elf, elf_len, &err);
	if (est == ELF_BAD) {
		if (is_bz && bzimage_comp_of(elf, elf_len) != BZIMAGE_COMP_NONE)
			fail(o.image, "%s payload decompressed to %zu bytes that are not an ELF "
				      "(first bytes %02x %02x %02x %02x)", bzimage_comp_name(bz.comp),
			     elf_len, elf_len > 0 ? elf[0] : 0, elf_len > 1 ? elf[1] : 0,
			     elf_len > 2 ? elf[2] : 0, elf_len > 3 ? elf[3] : 0);
		else if (is_bz)
			fail(o.image, "%s payload: %s", bzimage_comp_name(bz.comp), err.msg);
		else
			fail(o.image, "%s", err.msg);
		goto out;
	}
	if (est == ELF_NO_PVH) {
		fprintf(stderr, "pvh-extract: %s: %s%s is an ELF%u without a PVH entry (no "
				"XEN_ELFNOTE_PHYS32_ENTRY): CONFIG_PVH is off: this kernel cannot "
				"boot through PVH\n", o.image, is_bz ? bzimage_comp_name(bz.comp) : "",
			is_bz ? " payload" : "the file", img.elf_class);
		st = EXTRACT_NO_PVH;
		goto out;
	}

	data = elf;
	data_len = elf_len;
	if (o.gzip && !o.check) {
		gz = gzip_buf(elf, elf_len, &data_len);
		if (!gz) {
			fail(o.image, "gzip compression of %zu bytes failed", elf_len);
			goto out;
		}
		data = gz;
	}
	if (o.out && !strcmp(o.out, "-")) {
		if (write_all(STDOUT_FILENO, data, data_len) != 0) {
			fail(o.image, "writing to standard output: %s", strerror(errno));
			goto out;
		}
	} else if (o.out && write_atomic(o.out, data, data_len) != EXTRACT_OK) {
		goto out;
	}
	st = EXTRACT_OK;
	if (!o.quiet) {
		info = o.out && !strcmp(o.out, "-") ? stderr : stdout;
		describe_pvh(pvh, sizeof(pvh), &img);
		fprintf(info, "%s: %s%sELF%u of %zu bytes, %s", o.image, what, is_bz ? " -> " : "",
			img.elf_class, elf_len, pvh);
		if (o.check)
			fputs(": not written (--check)\n", info);
		else if (o.gzip)
			fprintf(info, ": wrote %s (gzip, %zu bytes)\n",
				strcmp(o.out, "-") ? o.out : "standard output", data_len);
		else
			fprintf(info, ": wrote %s\n", strcmp(o.out, "-") ? o.out : "standard output");
	}
out:
	free(gz);
	free(dec.data);
	free(file);
	return st;
}
