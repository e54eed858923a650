/*
 * pvh-inspect - host tool: tells whether ELF files are bootable as PVH and
 * shows what a loader would see (class, machine, PVH entry, reloc note, load
 * segments, Xen notes, image span), as text or JSON. Run by hand, by the boot
 * tests and by tests/unit/test_inspect.c. All reading is elf_parse()'s; this
 * file only loads files and formats the result.
 *
 * Exit status: the highest over the files of 0 (PVH), 1 (valid ELF, no PVH
 * entry), 2 (unreadable or malformed; one line on stderr).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/elf.h"
#include "xen/xen_abi.h"

#define INSPECT_USAGE_ERROR 2

static void usage(FILE *out)
{
	fputs("usage: pvh-inspect [--json] FILE...\n"
	      "\n"
	      "Reads each ELF kernel and reports whether it can be started as a PVH\n"
	      "kernel (Xen note XEN_ELFNOTE_PHYS32_ENTRY inside an executable load\n"
	      "segment), with its class, machine, entry, PHYS32_RELOC note, load\n"
	      "segments (placed by p_paddr), Xen notes, image span, and where pvhboot\n"
	      "may load it (its linked span, or the range a PHYS32_RELOC note allows).\n"
	      "\n"
	      "  --json   print one JSON object per file, one per line (JSON Lines):\n"
	      "           file, status (\"pvh\", \"no_pvh\", \"error\"), class (32/64),\n"
	      "           machine, type, e_entry, pvh_entry (null if absent),\n"
	      "           pvh_entry_size, reloc ({align,min,max} or null), segments\n"
	      "           [{index,paddr,vaddr,filesz,memsz,offset,align,flags}],\n"
	      "           notes [{type,name,descsz,value,hex}], notes_from_sections,\n"
	      "           span ({start,end} or null), load_range ({relocatable,\n"
	      "           start,last,lowest_base,highest_base,problem} or null: bytes\n"
	      "           the image may occupy, last byte inclusive, the bases its span\n"
	      "           may start at, why a note is unusable), error (string or null).\n"
	      "           Numbers are decimal JSON numbers; a note's value is a string\n"
	      "           for text notes (GUEST_OS, ...), a number for 1/2/4/8-byte\n"
	      "           descriptors, else null.\n"
	      "  --help   this text\n"
	      "\n"
	      "Exit status: 0 every file is PVH-bootable; otherwise the highest of\n"
	      "1 (valid ELF without a PVH entry) and 2 (unreadable or malformed: one\n"
	      "line \"pvh-inspect: FILE: elf: ...\" on stderr).\n",
	      out);
}

/* Whole file in memory; NULL with errno set on failure. */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 1 << 20;
			uint8_t *n = realloc(buf, ncap);

			if (!n) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = n;
			cap = ncap;
		}
		size_t got = fread(buf + len, 1, cap - len, f);

		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		int saved = errno ? errno : EIO;

		free(buf);
		fclose(f);
		errno = saved;
		return NULL;
	}
	fclose(f);
	*size = len;
	return buf ? buf : malloc(1);
}

static const char *machine_name(uint16_t m)
{
	return m == 62 ? "x86_64" : m == 3 ? "i386" : "unknown";
}

/* Xen's text notes (libelf reads these as strings). */
static bool note_is_text_type(uint32_t type)
{
	switch (type) {
	case XEN_ELFNOTE_INFO:
	case XEN_ELFNOTE_XEN_VERSION:
	case XEN_ELFNOTE_GUEST_OS:
	case XEN_ELFNOTE_GUEST_VERSION:
	case XEN_ELFNOTE_LOADER:
	case XEN_ELFNOTE_PAE_MODE:
	case XEN_ELFNOTE_FEATURES:
	case XEN_ELFNOTE_BSD_SYMTAB:
		return true;
	default:
		return false;
	}
}

/*
 * The descriptor as a string (caller frees): a text type whose bytes are
 * printable up to an optional NUL and NUL after it. Linux's FEATURES note
 * has no terminator, so none is required.
 */
static char *note_text(const uint8_t *file, const struct elf_note *n)
{
	const uint8_t *d = file + n->desc_offset;
	uint32_t len = 0;
	char *s;

	if (!note_is_text_type(n->type))
		return NULL;
	for (; len < n->descsz && d[len]; len++)
		if (d[len] < 0x20 || d[len] > 0x7e)
			return NULL;
	for (uint32_t i = len; i < n->descsz; i++)
		if (d[i])
			return NULL;
	s = malloc(len + 1u);
	if (s) {
		memcpy(s, d, len);
		s[len] = '\0';
	}
	return s;
}

static bool note_is_number(const struct elf_note *n)
{
	return n->descsz == 1 || n->descsz == 2 || n->descsz == 4 || n->descsz == 8;
}

static void flags_str(uint32_t f, char out[4])
{
	out[0] = (f & 4) ? 'R' : '-';
	out[1] = (f & 2) ? 'W' : '-';
	out[2] = (f & 1) ? 'X' : '-';
	out[3] = '\0';
}

/* --- JSON ----------------------------------------------------------------- */

/* Length of a valid UTF-8 sequence at s (1-4), or 0 if it is not one. */
static int utf8_len(const unsigned char *s)
{
	int n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;

	if (s[0] >= 0xf8)
		return 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* A JSON string: quotes, backslashes and controls escaped; bytes that are
 * not UTF-8 (a file name may hold any) become U+FFFD. */
static void json_str(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	putchar('"');
	while (*s) {
		unsigned char c = *s;

		if (c == '"' || c == '\\') {
			printf("\\%c", c);
		} else if (c == '\n') {
			fputs("\\n", stdout);
		} else if (c == '\t') {
			fputs("\\t", stdout);
		} else if (c < 0x20 || c == 0x7f) {
			printf("\\u%04x", c);
		} else if (c >= 0x80) {
			int n = utf8_len(s);

			if (n == 0) {
				fputs("\\ufffd", stdout);
				n = 1;
			} else {
				fwrite(s, 1, (size_t)n, stdout);
			}
			s += n;
			continue;
		} else {
			putchar(c);
		}
		s++;
	}
	putchar('"');
}

static void json_hex(const uint8_t *p, uint32_t n)
{
	putchar('"');
	for (uint32_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	putchar('"');
}

/*
 * Where the image may go, by the loader's rule (src/pvh/plan.h): its linked
 * span, or for a relocatable kernel every base that is a multiple of align
 * (at least 4 KiB), at or above max(min, 1 MiB), with the last byte at or
 * below max and below 4 GiB. Returns why the note cannot be used, or NULL.
 */
struct load_range {
	bool relocatable;
	uint64_t start, last;              /* bytes the image may occupy */
	uint64_t lowest_base, highest_base; /* where its span may start */
};

static const char *load_range_of(const struct elf_image *img, struct load_range *lr)
{
	uint64_t size = img->span_end - img->span_start, align = img->reloc.align, floor, top;

	memset(lr, 0, sizeof(*lr));
	lr->start = lr->lowest_base = lr->highest_base = img->span_start;
	lr->last = img->span_end - 1;
	if (!img->reloc.present)
		return NULL;
	lr->relocatable = true;
	if (align == 0 || (align & (align - 1)))
		return "align is not a power of two";
	if (align < 4096)
		align = 4096;
	floor = img->reloc.min < 0x100000 ? 0x100000 : img->reloc.min;
	top = img->reloc.max > 0xffffffffull ? 0xffffffffull : img->reloc.max;
	lr->lowest_base = (floor + align - 1) & ~(align - 1);
	if (lr->lowest_base < floor || top < lr->lowest_base || top - lr->lowest_base < size - 1)
		return "max is below min + image size";
	lr->highest_base = (top - (size - 1)) & ~(align - 1);
	lr->start = lr->lowest_base;
	lr->last = top;
	return NULL;
}

static void print_json(const char *path, const uint8_t *file, enum elf_status st,
		       const struct elf_image *img, const char *error)
{
	bool parsed = st != ELF_BAD;

	fputs("{\"file\":", stdout);
	json_str(path);
	printf(",\"status\":\"%s\"", st == ELF_PVH ? "pvh" : st == ELF_NO_PVH ? "no_pvh" : "error");
	if (img && img->elf_class) {
		printf(",\"class\":%u,\"machine\":", img->elf_class);
		json_str(machine_name(img->machine));
		printf(",\"e_machine\":%u,\"type\":%u,\"e_entry\":%llu", img->machine, img->type,
		       (unsigned long long)img->entry);
	} else {
		fputs(",\"class\":null,\"machine\":null,\"e_machine\":null,\"type\":null,"
		      "\"e_entry\":null", stdout);
	}
	if (parsed && img->has_pvh_entry)
		printf(",\"pvh_entry\":%llu,\"pvh_entry_size\":%u",
		       (unsigned long long)img->pvh_entry, img->pvh_entry_size);
	else
		fputs(",\"pvh_entry\":null,\"pvh_entry_size\":null", stdout);
	if (parsed && img->reloc.present)
		printf(",\"reloc\":{\"align\":%llu,\"min\":%llu,\"max\":%llu}",
		       (unsigned long long)img->reloc.align, (unsigned long long)img->reloc.min,
		       (unsigned long long)img->reloc.max);
	else
		fputs(",\"reloc\":null", stdout);
	if (parsed && img->nsegments) {
		struct load_range lr;
		const char *why = load_range_of(img, &lr);

		printf(",\"load_range\":{\"relocatable\":%s,\"start\":%llu,\"last\":%llu,"
		       "\"lowest_base\":%llu,\"highest_base\":%llu,\"problem\":",
		       lr.relocatable ? "true" : "false", (unsigned long long)lr.start,
		       (unsigned long long)lr.last, (unsigned long long)lr.lowest_base,
		       (unsigned long long)lr.highest_base);
		if (why)
			json_str(why);
		else
			fputs("null", stdout);
		fputs("}", stdout);
	} else {
		fputs(",\"load_range\":null", stdout);
	}

	fputs(",\"segments\":[", stdout);
	for (unsigned i = 0; parsed && i < img->nsegments; i++) {
		const struct elf_segment *s = &img->segments[i];
		char f[4];

		flags_str(s->flags, f);
		printf("%s{\"index\":%u,\"paddr\":%llu,\"vaddr\":%llu,\"filesz\":%llu,"
		       "\"memsz\":%llu,\"offset\":%llu,\"align\":%llu,\"flags\":\"%s\"}",
		       i ? "," : "", s->index, (unsigned long long)s->paddr,
		       (unsigned long long)s->vaddr, (unsigned long long)s->filesz,
		       (unsigned long long)s->memsz, (unsigned long long)s->offset,
		       (unsigned long long)s->align, f);
	}
	fputs("],\"notes\":[", stdout);
	for (unsigned i = 0; parsed && i < img->nnotes; i++) {
		const struct elf_note *n = &img->notes[i];
		const char *name = elf_xen_note_name(n->type);
		char *text = note_text(file, n);

		printf("%s{\"type\":%u,\"name\":", i ? "," : "", n->type);
		if (name)
			json_str(name);
		else
			fputs("null", stdout);
		printf(",\"descsz\":%u,\"value\":", n->descsz);
		if (text)
			json_str(text);
		else if (note_is_number(n))
			printf("%llu", (unsigned long long)n->value);
		else
			fputs("null", stdout);
		fputs(",\"hex\":", stdout);
		json_hex(file + n->desc_offset, n->descsz);
		putchar('}');
		free(text);
	}
	printf("],\"notes_from_sections\":%s", parsed && img->notes_from_sections ? "true" : "false");
	if (parsed)
		printf(",\"span\":{\"start\":%llu,\"end\":%llu}", (unsigned long long)img->span_start,
		       (unsigned long long)img->span_end);
	else
		fputs(",\"span\":null", stdout);
	fputs(",\"error\":", stdout);
	if (error)
		json_str(error);
	else
		fputs("null", stdout);
	fputs("}\n", stdout);
}

/* --- text ------------------------------------------------------------------ */

static void print_text(const char *path, const uint8_t *file, enum elf_status st,
		       const struct elf_image *img, const char *error)
{
	printf("%s:\n", path);
	if (st == ELF_BAD) {
		printf("  error: %s\n", error);
		return;
	}
	printf("  ELF%u %s (e_machine %u), %s, e_entry 0x%llx\n", img->elf_class,
	       machine_name(img->machine), img->machine, img->type == 3 ? "ET_DYN" : "ET_EXEC",
	       (unsigned long long)img->entry);
	if (img->has_pvh_entry)
		printf("  PVH entry: 0x%llx (PHYS32_ENTRY, %u-byte descriptor)\n",
		       (unsigned long long)img->pvh_entry, img->pvh_entry_size);
	else
		printf("  PVH entry: none (no XEN_ELFNOTE_PHYS32_ENTRY): not PVH-bootable\n");
	if (img->reloc.present)
		printf("  PHYS32_RELOC: align 0x%llx, min 0x%llx, max 0x%llx\n",
		       (unsigned long long)img->reloc.align, (unsigned long long)img->reloc.min,
		       (unsigned long long)img->reloc.max);
	if (img->nsegments) {
		struct load_range lr;
		const char *why = load_range_of(img, &lr);

		if (!lr.relocatable)
			printf("  not relocatable: loads only at 0x%llx-0x%llx\n",
			       (unsigned long long)lr.start, (unsigned long long)lr.last);
		else if (why)
			printf("  relocatable, but the note is unusable: %s\n", why);
		else
			printf("  relocatable: align 0x%llx, load range 0x%llx-0x%llx "
			       "(image 0x%llx bytes: bases 0x%llx-0x%llx)\n",
			       (unsigned long long)img->reloc.align, (unsigned long long)lr.start,
			       (unsigned long long)lr.last,
			       (unsigned long long)(img->span_end - img->span_start),
			       (unsigned long long)lr.lowest_base, (unsigned long long)lr.highest_base);
	}
	printf("  load segments:\n");
	for (unsigned i = 0; i < img->nsegments; i++) {
		const struct elf_segment *s = &img->segments[i];
		char f[4];

		flags_str(s->flags, f);
		printf("    phdr %-2u paddr 0x%08llx filesz 0x%08llx memsz 0x%08llx offset 0x%08llx %s\n",
		       s->index, (unsigned long long)s->paddr, (unsigned long long)s->filesz,
		       (unsigned long long)s->memsz, (unsigned long long)s->offset, f);
	}
	printf("  Xen notes (%s): %u\n", img->notes_from_sections ? "SHT_NOTE sections" : "PT_NOTE",
	       img->nnotes);
	for (unsigned i = 0; i < img->nnotes; i++) {
		const struct elf_note *n = &img->notes[i];
		const char *name = elf_xen_note_name(n->type);
		char *text = note_text(file, n);

		printf("    %-18s (%2u) descsz %-3u", name ? name : "?", n->type, n->descsz);
		if (text)
			printf(" \"%s\"\n", text);
		else if (note_is_number(n))
			printf(" 0x%llx\n", (unsigned long long)n->value);
		else {
			const uint8_t *d = file + n->desc_offset;

			putchar(' ');
			for (uint32_t k = 0; k < n->descsz && k < 32; k++)
				printf("%02x", d[k]);
			puts(n->descsz > 32 ? "..." : "");
		}
		free(text);
	}
	printf("  span: 0x%llx-0x%llx (%llu KiB)\n", (unsigned long long)img->span_start,
	       (unsigned long long)img->span_end,
	       (unsigned long long)((img->span_end - img->span_start) / 1024));
	printf("  status: %s\n", st == ELF_PVH ? "PVH-bootable" : "not PVH-bootable");
}

static int inspect(const char *path, bool json)
{
	static struct elf_image img;
	struct err err;
	enum elf_status st;
	size_t size = 0;
	uint8_t *file = read_file(path, &size);
	char error[ERR_MSG_MAX + 64];

	err_clear(&err);
	if (!file) {
		snprintf(error, sizeof(error), "cannot read: %s", strerror(errno));
		fprintf(stderr, "pvh-inspect: %s: %s\n", path, error);
		if (json)
			print_json(path, NULL, ELF_BAD, NULL, error);
		else
			print_text(path, NULL, ELF_BAD, NULL, error);
		return ELF_BAD;
	}
	st = elf_parse(&img, file, size, &err);
	if (st == ELF_BAD)
		fprintf(stderr, "pvh-inspect: %s: %s\n", path, err.msg);
	if (json)
		print_json(path, file, st, &img, st == ELF_BAD ? err.msg : NULL);
	else
		print_text(path, file, st, &img, err.msg);
	free(file);
	return st;
}

int main(int argc, char **argv)
{
	bool json = false;
	int first = 1, status = 0;

	for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
		if (!strcmp(argv[first], "--json")) {
			json = true;
		} else if (!strcmp(argv[first], "--help") || !strcmp(argv[first], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[first], "--")) {
			first++;
			break;
		} else {
			fprintf(stderr, "pvh-inspect: unknown option %s\n", argv[first]);
			usage(stderr);
			return INSPECT_USAGE_ERROR;
		}
	}
	if (first >= argc) {
		usage(stderr);
		return INSPECT_USAGE_ERROR;
	}
	for (int i = first; i < argc; i++) {
		int st = inspect(argv[i], json);

		if (st > status)
			status = st;
		if (!json && i + 1 < argc)
			putchar('\n');
	}
	return status;
}
