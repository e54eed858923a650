/* conf_line.c - "key value" lines of loader.conf and BLS entries (see conf_line.h). */
#include "loader/config/conf_line.h"
#include "loader/config/config_limits.h"

static bool conf_is_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

void conf_line_init(struct conf_line_reader *r, const void *buf, size_t size, const char *file)
{
	r->file = file ? file : "(config)";
	r->buf = buf;
	r->size = buf ? size : 0;
	r->pos = 0;
	r->lineno = 0;
	/* Editors on other systems may write a byte-order mark: not part of a key. */
	if (r->size >= 3 && r->buf[0] == 0xef && r->buf[1] == 0xbb && r->buf[2] == 0xbf)
		r->pos = 3;
}

int conf_line_next(struct conf_line_reader *r, struct conf_line *l, struct err *err)
{
	while (r->pos < r->size) {
		size_t start = r->pos, end = start, len;
		size_t k, kend, v;

		r->lineno++;
		/* Find the end of the line; pos < size holds throughout. */
		while (end < r->size && r->buf[end] != '\n') {
			if (r->buf[end] == '\0')
				return err_fail(err, "%s:%u: NUL byte in the file (offset 0x%zx)",
						r->file, r->lineno, end);
			end++;
		}
		len = end - start;
		if (len > CONFIG_LINE_MAX)
			return err_fail(err, "%s:%u: line longer than %u bytes", r->file, r->lineno,
					(unsigned)CONFIG_LINE_MAX);
		r->pos = end < r->size ? end + 1 : end;

		/* Trim trailing blanks and CR (CRLF files), then leading blanks. */
		while (end > start && (conf_is_blank(r->buf[end - 1]) || r->buf[end - 1] == '\r'))
			end--;
		k = start;
		while (k < end && conf_is_blank(r->buf[k]))
			k++;
		if (k == end || r->buf[k] == '#')
			continue;
		kend = k;
		while (kend < end && !conf_is_blank(r->buf[kend]))
			kend++;
		v = kend;
		while (v < end && conf_is_blank(r->buf[v]))
			v++;
		if (v == end)
			return err_fail(err, "%s:%u: key '%.*s' has no value", r->file, r->lineno,
					(int)(kend - k < 64 ? kend - k : 64), (const char *)r->buf + k);
		l->lineno = r->lineno;
		l->key = (const char *)r->buf + k;
		l->key_len = kend - k;
		l->value = (const char *)r->buf + v;
		l->value_len = end - v;
		return 1;
	}
	return 0;
}

bool conf_line_key_is(const struct conf_line *l, const char *name)
{
	size_t n = strlen(name);

	return l->key_len == n && memcmp(l->key, name, n) == 0;
}

void conf_line_copy_key(const struct conf_line *l, char *dst, size_t dstsz)
{
	size_t n;

	if (!dstsz)
		return;
	n = l->key_len < dstsz - 1 ? l->key_len : dstsz - 1;
	memcpy(dst, l->key, n);
	dst[n] = '\0';
}
