/*
 * bundle.c - reading a PVH bundle, a newc cpio archive (see bundle.h).
 * Called by front ends that were handed a single module (QEMU's multiboot
 * or PVH loaders with one initrd), by pvh-inspect and by the fuzzer.
 *
 * A newc member is a 110-byte header ("070701" and 13 fields of 8 hex
 * digits), the name (namesize bytes, NUL included), padding to 4, the data
 * (filesize bytes) and padding to 4. Every field is checked against the
 * bytes that remain before it is used.
 */
#include "pvh/bundle.h"
#include "lib/hex.h"

#define ULL(v) ((unsigned long long)(v))

#define NEWC_HDR 110
#define NEWC_FIELDS 13
#define NEWC_MODE 1
#define NEWC_FILESIZE 6
#define NEWC_NAMESIZE 11

#define NEWC_TYPE_MASK 0170000u
#define NEWC_TYPE_DIR 0040000u
#define NEWC_TYPE_REG 0100000u

/* A command line member waiting for its module (it may come first). */
struct bundle_pending_cmdline {
	const char *name; /* the module's name, without ".cmdline" */
	unsigned namelen;
	unsigned member;
	struct bundle_span text;
};

struct bundle_ctx {
	const uint8_t *buf;
	uint64_t size;
	unsigned member;  /* index of the member being read, for messages */
	const char *name; /* its name, for messages */
	unsigned namelen;
	unsigned npending;
	struct bundle_pending_cmdline pending[BUNDLE_MAX_MODULES];
};

static bool bundle_magic_ok(const uint8_t *p)
{
	/* 070702 is newc with a checksum in the last field, which we ignore. */
	return memcmp(p, "07070", 5) == 0 && (p[5] == '1' || p[5] == '2');
}

bool bundle_detect(const void *buf, uint64_t size)
{
	return size >= NEWC_HDR && bundle_magic_ok(buf);
}

static bool bundle_hex(const uint8_t *p, uint32_t *out)
{
	return hex_parse_u32((const char *)p, out);
}

/* name[0..len) has no NUL and name[len] is one. */
static bool bundle_one_string(const char *name, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		if (name[i] == '\0')
			return false;
	return name[len] == '\0';
}

static bool bundle_name_is(const char *name, unsigned len, const char *want)
{
	size_t n = strlen(want);

	return len == n && memcmp(name, want, n) == 0;
}

static bool bundle_same(const char *a, unsigned alen, const char *b, unsigned blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* Drops trailing NULs and one final newline (echo and editors add them). */
static struct bundle_span bundle_trim_text(const struct bundle_ctx *c, struct bundle_span s)
{
	while (s.size && c->buf[s.offset + s.size - 1] == '\0')
		s.size--;
	if (s.size && c->buf[s.offset + s.size - 1] == '\n')
		s.size--;
	return s;
}

static int bundle_fail_member(struct bundle_ctx *c, struct err *err, const char *what,
			      uint64_t value, uint64_t bound)
{
	return err_fail(err, "bundle: member %u ('%.*s'): %s 0x%llx beyond archive size 0x%llx",
			c->member, (int)(c->namelen > 64 ? 64 : c->namelen), c->name, what,
			ULL(value), ULL(bound));
}

static int bundle_add_module(struct bundle *b, struct bundle_ctx *c, struct bundle_span data,
			     struct err *err)
{
	struct bundle_module *m;

	for (unsigned i = 0; i < b->nmodules; i++)
		if (bundle_same(b->modules[i].name, b->modules[i].namelen, c->name, c->namelen))
			return err_fail(err, "bundle: member %u: two '%.*s' members", c->member,
					(int)c->namelen, c->name);
	if (b->nmodules == BUNDLE_MAX_MODULES)
		return err_fail(err, "bundle: member %u ('%.*s'): more than %u modules",
				c->member, (int)c->namelen, c->name, (unsigned)BUNDLE_MAX_MODULES);
	m = &b->modules[b->nmodules++];
	m->data = data;
	m->name = c->name;
	m->namelen = c->namelen;
	m->has_cmdline = false;
	m->cmdline.offset = 0;
	m->cmdline.size = 0;
	return 0;
}

static int bundle_add_cmdline(struct bundle_ctx *c, struct bundle_span text, struct err *err)
{
	unsigned len = c->namelen - 8; /* strlen(".cmdline") */

	for (unsigned i = 0; i < c->npending; i++)
		if (bundle_same(c->pending[i].name, c->pending[i].namelen, c->name, len))
			return err_fail(err, "bundle: member %u: two '%.*s' members", c->member,
					(int)c->namelen, c->name);
	if (c->npending == BUNDLE_MAX_MODULES)
		return err_fail(err,
				"bundle: member %u ('%.*s'): more than %u module command lines",
				c->member, (int)c->namelen, c->name,
				(unsigned)BUNDLE_MAX_MODULES);
	c->pending[c->npending].name = c->name;
	c->pending[c->npending].namelen = len;
	c->pending[c->npending].member = c->member;
	c->pending[c->npending].text = bundle_trim_text(c, text);
	c->npending++;
	return 0;
}

/* One regular file, sorted by its name into kernel, command lines or modules. */
static int bundle_take_file(struct bundle *b, struct bundle_ctx *c, struct bundle_span data,
			    bool *have_kernel, struct err *err)
{
	if (bundle_name_is(c->name, c->namelen, "kernel")) {
		if (*have_kernel)
			return err_fail(err, "bundle: member %u: two 'kernel' members",
					c->member);
		*have_kernel = true;
		b->kernel = data;
		return 0;
	}
	if (bundle_name_is(c->name, c->namelen, "cmdline")) {
		if (b->has_cmdline)
			return err_fail(err, "bundle: member %u: two 'cmdline' members",
					c->member);
		b->has_cmdline = true;
		b->cmdline = bundle_trim_text(c, data);
		return 0;
	}
	if (c->namelen > 8 && memcmp(c->name + c->namelen - 8, ".cmdline", 8) == 0)
		return bundle_add_cmdline(c, data, err);
	return bundle_add_module(b, c, data, err);
}

static int bundle_match_cmdlines(struct bundle *b, struct bundle_ctx *c, struct err *err)
{
	for (unsigned i = 0; i < c->npending; i++) {
		const struct bundle_pending_cmdline *p = &c->pending[i];
		bool found = false;

		for (unsigned m = 0; m < b->nmodules && !found; m++) {
			if (!bundle_same(b->modules[m].name, b->modules[m].namelen, p->name,
					 p->namelen))
				continue;
			b->modules[m].has_cmdline = true;
			b->modules[m].cmdline = p->text;
			found = true;
		}
		if (!found)
			return err_fail(err,
					"bundle: member %u ('%.*s.cmdline'): no module '%.*s'",
					p->member, (int)p->namelen, p->name, (int)p->namelen,
					p->name);
	}
	return 0;
}

/*
 * Reads the member at *off; sets *off to the next one, or to the archive
 * size after the trailer.
 */
static int bundle_member(struct bundle *b, struct bundle_ctx *c, uint64_t *off,
			 bool *have_kernel, struct err *err)
{
	static const char *const field_names[NEWC_FIELDS] = {
		"c_ino",      "c_mode",	     "c_uid",	    "c_gid",	  "c_nlink",
		"c_mtime",    "c_filesize",  "c_devmajor", "c_devminor", "c_rdevmajor",
		"c_rdevminor", "c_namesize", "c_check",
	};
	const uint8_t *h = c->buf + *off;
	uint64_t left = c->size - *off, name_end, data_off, data_end;
	uint32_t f[NEWC_FIELDS];
	struct bundle_span data;

	c->name = "";
	c->namelen = 0;
	if (left < NEWC_HDR)
		return err_fail(err,
				"bundle: member %u: header at 0x%llx needs 0x%x bytes, archive "
				"size 0x%llx (no TRAILER!!!)",
				c->member, ULL(*off), NEWC_HDR, ULL(c->size));
	if (!bundle_magic_ok(h))
		return err_fail(err, "bundle: member %u: bad magic at 0x%llx (want 070701)",
				c->member, ULL(*off));
	for (unsigned i = 0; i < NEWC_FIELDS; i++) {
		char text[9];

		if (bundle_hex(h + 6 + 8 * i, &f[i]))
			continue;
		/* A terminated copy: the field may be the last bytes of the buffer. */
		memcpy(text, h + 6 + 8 * i, 8);
		text[8] = '\0';
		return err_fail(err, "bundle: member %u: %s '%s' is not 8 hex digits", c->member,
				field_names[i], text);
	}

	if (f[NEWC_NAMESIZE] == 0)
		return err_fail(err, "bundle: member %u: c_namesize 0 (the name needs a NUL)",
				c->member);
	if (f[NEWC_NAMESIZE] > left - NEWC_HDR)
		return err_fail(err,
				"bundle: member %u: c_namesize 0x%x beyond archive size 0x%llx",
				c->member, f[NEWC_NAMESIZE], ULL(c->size));
	c->name = (const char *)h + NEWC_HDR;
	c->namelen = f[NEWC_NAMESIZE] - 1;
	if (!bundle_one_string(c->name, c->namelen))
		return err_fail(err, "bundle: member %u: name of 0x%x bytes is not one string",
				c->member, f[NEWC_NAMESIZE]);
	if (bundle_name_is(c->name, c->namelen, "TRAILER!!!")) {
		*off = c->size;
		return 0;
	}

	/* Header + name end on a 4-byte boundary, and so does the data. */
	name_end = *off + NEWC_HDR + f[NEWC_NAMESIZE];
	data_off = (name_end + 3) & ~3ull;
	data_end = data_off + f[NEWC_FILESIZE];
	if (data_off > c->size || f[NEWC_FILESIZE] > c->size - data_off)
		return bundle_fail_member(c, err, "filesize", f[NEWC_FILESIZE], c->size);
	/* Missing padding is tolerated only at the very end of the archive. */
	*off = data_end == c->size ? c->size : (data_end + 3) & ~3ull;
	if (*off > c->size)
		return bundle_fail_member(c, err, "padded end", *off, c->size);

	if (c->namelen >= 2 && c->name[0] == '.' && c->name[1] == '/') {
		c->name += 2;
		c->namelen -= 2;
	}
	data.offset = data_off;
	data.size = f[NEWC_FILESIZE];
	switch (f[NEWC_MODE] & NEWC_TYPE_MASK) {
	case NEWC_TYPE_DIR:
		return 0;
	case NEWC_TYPE_REG:
		break;
	default:
		return err_fail(err,
				"bundle: member %u ('%.*s'): c_mode 0x%x is neither a regular file "
				"nor a directory",
				c->member, (int)(c->namelen > 64 ? 64 : c->namelen), c->name,
				f[NEWC_MODE]);
	}
	/* Padding members (and hidden files) are not modules. */
	if (c->namelen == 0 || c->name[0] == '.')
		return 0;
	return bundle_take_file(b, c, data, have_kernel, err);
}

int bundle_parse(struct bundle *b, const void *buf, uint64_t size, struct err *err)
{
	struct bundle_ctx c;
	uint64_t off = 0;
	bool have_kernel = false;

	memset(b, 0, sizeof(*b));
	c.buf = buf;
	c.size = size;
	c.npending = 0;
	for (c.member = 0; off < size; c.member++)
		if (bundle_member(b, &c, &off, &have_kernel, err))
			return -1;
	if (!have_kernel)
		return err_fail(err, "bundle: no 'kernel' member");
	return bundle_match_cmdlines(b, &c, err);
}
