/*
 * pvh-inspect - host tool: tells whether ELF files are bootable as PVH and
 * shows what a loader would see (class, machine, PVH entry, reloc note, load
 * segments, Xen notes, image span), as text or JSON; a bzImage (what
 * distributions install) it names, with the way to extract its ELF. Run by
 * hand, by the boot tests and by tests/unit/test_inspect.c. All reading is
 * elf_parse()'s and bzimage_parse()'s; this file only loads files and
 * formats the result.
 *
 * Exit status over the files: 0 all PVH; else 2 if any is unreadable or
 * malformed (one line on stderr), else 1 if any is an ELF without a PVH
 * entry, else 3 (bzImages: not an ELF, extractable with pvh-extract).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/bzimage.h"
#include "elf/elf.h"
#include "xen/xen_abi.h"

#define INSPECT_USAGE_ERROR 2
/* A bzImage: not bootable as it is, its payload may be (pvh-extract). */
#define INSPECT_BZIMAGE 3

static void usage(FILE *out)
{
	fputs("usage: pvh-inspect [--json] FILE...\n"
	      "\n"
	      "Reads each ELF kernel and reports whether it can be started as a PVH\n"
	      "kernel (Xen note XEN_ELFNOTE_PHYS32_ENTRY inside an executable load\n"
	      "segment), with its class, machine, entry, PHYS32_RELOC note, load\n"
	      "segments (placed by p_paddr), Xen notes and image span. A bzImage\n"
	      "(/boot/vmlinuz-*) is not an ELF: its boot protocol and payload are\n"
	      "shown, and how to extract the PVH kernel from it (pvh-extract).\n"
	      "\n"
	      "  --json   print one JSON object per file, one per line (JSON Lines):\n"
	      "           file, status (\"pvh\", \"no_pvh\", \"error\"), class (32/64),\n"
	      "           machine, type, e_entry, pvh_entry (null if absent),\n"
	      "           pvh_entry_size, reloc ({align,min,max} or null), segments\n"
	      "           [{index,paddr,vaddr,filesz,memsz,offset,align,flags}],\n"
	      "           notes [{type,name,descsz,value,hex}], notes_from_sections,\n"
	      "           span ({start,end} or null), bzimage (null, or for a bzImage:\n"
	      "           {protocol (\"2.15\"), compression, payload_offset,\n"
	      "           payload_length, kernel_version}), error (string or null).\n"
	      "           Numbers are decimal JSON numbers; a note's value is a string\n"
	      "           for text notes (GUEST_OS, ...), a number for 1/2/4/8-byte\n"
	      "           descriptors, else null.\n"
	      "  --help   this text\n"
	      "\n"
	      "Exit status: 0 every file is PVH-bootable; otherwise 2 if any file is\n"
	      "unreadable or malformed (one line \"pvh-inspect: FILE: elf: ...\" on\n"
	      "stderr), else 1 if any is a valid ELF without a PVH entry, else 3 (a\n"
	      "bzImage: extract its ELF with pvh-extract, then inspect that).\n",
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

/* bz: a bzImage's header (then img is NULL and st is ELF_BAD), or NULL. */
static void print_json(const char *path, const uint8_t *file, enum elf_status st,
		       const struct elf_image *img, const struct bzimage_info *bz,
		       const char *error)
{
	bool parsed = st != ELF_BAD;

	fputs("{\"file\":", stdout);
	json_str(path);
	printf(",\"status\":\"%s\"", bz ? "bzimage" : st == ELF_PVH ? "pvh"
					    : st == ELF_NO_PVH ? "no_pvh" : "error");
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
	if (bz) {
		printf(",\"bzimage\":{\"protocol\":\"%u.%02u\",\"compression\":\"%s\","
		       "\"payload_offset\":%llu,\"payload_length\":%llu,\"kernel_version\":",
		       (unsigned)bz->protocol >> 8, bz->protocol & 0xffu, bzimage_comp_name(bz->comp),
		       (unsigned long long)bz->payload_offset, (unsigned long long)bz->payload_length);
		json_str(bz->version);
		putchar('}');
	} else {
		fputs(",\"bzimage\":null", stdout);
	}
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

/* path as one shell word, for a command line to copy. */
static void print_shell_word(const char *path)
{
	bool plain = *path != '\0';

	for (const char *c = path; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./+-=:,@%", *c))
			plain = false;
	if (plain) {
		fputs(path, stdout);
		return;
	}
	putchar('\'');
	for (const char *c = path; *c; c++)
		fputs(*c == '\'' ? "'\\''" : (char[]){ *c, '\0' }, stdout);
	putchar('\'');
}

/* A bzImage: what it is and how to get the ELF out. */
static int inspect_bzimage(const char *path, const uint8_t *file, size_t size, bool json)
{
	struct bzimage_info bz;
	struct err err;

	err_clear(&err);
	if (bzimage_parse(&bz, file, size, &err)) {
		fprintf(stderr, "pvh-inspect: %s: %s\n", path, err.msg);
		if (json)
			print_json(path, NULL, ELF_BAD, NULL, NULL, err.msg);
		else
			print_text(path, NULL, ELF_BAD, NULL, err.msg);
		return ELF_BAD;
	}
	if (json) {
		print_json(path, NULL, ELF_BAD, NULL, &bz, NULL);
		return INSPECT_BZIMAGE;
	}
	printf("%s: bzImage (boot protocol %u.%02u, %s payload of %llu bytes): not an ELF; "
	       "extract the PVH kernel with: pvh-extract -o vmlinux ", path,
	       (unsigned)bz.protocol >> 8, bz.protocol & 0xffu, bzimage_comp_name(bz.comp),
	       (unsigned long long)bz.payload_length);
	print_shell_word(path);
	putchar('\n');
	if (bz.version[0])
		printf("  kernel_version: %s\n", bz.version);
	return INSPECT_BZIMAGE;
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
			print_json(path, NULL, ELF_BAD, NULL, NULL, error);
		else
			print_text(path, NULL, ELF_BAD, NULL, error);
		return ELF_BAD;
	}
	/* Not an ELF but a Linux boot image: say so rather than "bad magic". */
	if (!(size >= 4 && bzimage_comp_of(file, size) == BZIMAGE_COMP_NONE) &&
	    bzimage_detect(file, size)) {
		int bst = inspect_bzimage(path, file, size, json);

		free(file);
		return bst;
	}
	st = elf_parse(&img, file, size, &err);
	if (st == ELF_BAD)
		fprintf(stderr, "pvh-inspect: %s: %s\n", path, err.msg);
	if (json)
		print_json(path, file, st, &img, NULL, st == ELF_BAD ? err.msg : NULL);
	else
		print_text(path, file, st, &img, err.msg);
	free(file);
	return st;
}

/* How bad a file's status is, for the exit status over all files. */
static int status_rank(int st)
{
	return st == ELF_PVH ? 0 : st == INSPECT_BZIMAGE ? 1 : st == ELF_NO_PVH ? 2 : 3;
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

		if (status_rank(st) > status_rank(status))
			status = st;
		if (!json && i + 1 < argc)
			putchar('\n');
	}
	return status;
}
