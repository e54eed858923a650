/*
 * conf_line.h - splits a systemd-boot style configuration file (loader.conf,
 * loader/entries/ID.conf) into "key value" lines. Used by bls.c and
 * loader_conf.c; the file comes from the ESP, so it is outside input.
 *
 * A line is: optional leading blanks, a key (up to the first blank), blanks,
 * the value to the end of the line with trailing blanks and CR removed.
 * Blank lines and lines whose first non-blank is '#' are skipped. A UTF-8
 * byte-order mark at the start of the file is skipped.
 */
#ifndef PVHBOOT_CONF_LINE_H
#define PVHBOOT_CONF_LINE_H

#include "lib/env.h"
#include "lib/err.h"

struct conf_line_reader {
	const char *file; /* for messages: "loader/entries/a.conf" */
	const uint8_t *buf;
	size_t size;
	size_t pos;
	unsigned lineno; /* of the line last read, from 1 */
};

struct conf_line {
	unsigned lineno;
	const char *key; /* not NUL-terminated: points into the buffer */
	size_t key_len;
	const char *value;
	size_t value_len; /* >= 1 */
};

void conf_line_init(struct conf_line_reader *r, const void *buf, size_t size, const char *file);

/*
 * Next key/value line: 1 with *l filled, 0 at the end of the file, -1 with
 * err set ("FILE:N: line longer than 4096 bytes", "FILE:N: NUL byte ...",
 * "FILE:N: key 'K' has no value").
 */
int conf_line_next(struct conf_line_reader *r, struct conf_line *l, struct err *err);

/* True if the key of l is exactly name. */
bool conf_line_key_is(const struct conf_line *l, const char *name);

/* Copies the key into dst (size dstsz, NUL-terminated, cut if longer). */
void conf_line_copy_key(const struct conf_line *l, char *dst, size_t dstsz);

#endif
