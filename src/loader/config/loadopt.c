/* loadopt.c - the UEFI load options of pvhboot.efi (see loadopt.h). */
#include "loader/config/loadopt.h"
#include "loader/common/options.h"
#include "loader/config/cfg_path.h"

#define LO_QUOTE 64 /* how much of a bad word a message quotes */

static bool lo_is_surrogate_high(uint16_t u)
{
	return u >= 0xd800 && u <= 0xdbff;
}

static bool lo_is_surrogate_low(uint16_t u)
{
	return u >= 0xdc00 && u <= 0xdfff;
}

/*
 * True if units[0..n) reads as text: printable UTF-16 (no C0/C1 controls but
 * tab and line breaks, surrogates only in pairs, no noncharacters) of which
 * most characters are ASCII. Most 16-bit values are printable characters, so
 * binary data (a GUID, a device path) would often pass the first test alone;
 * it almost never passes the second, while a mistyped non-ASCII character in
 * real options does, and gets its error.
 */
static bool lo_is_text(const uint8_t *p, size_t n)
{
	size_t chars = 0, ascii = 0;

	for (size_t i = 0; i < n; i++) {
		uint16_t u = le16(p + 2 * i);

		chars++;
		if (u == '\t' || u == '\n' || u == '\r' || (u >= 0x20 && u < 0x7f)) {
			ascii++;
			continue;
		}
		if (u < 0x20 || (u >= 0x7f && u <= 0x9f) || lo_is_surrogate_low(u) ||
		    (u >= 0xfdd0 && u <= 0xfdef) || u >= 0xfffe)
			return false;
		if (lo_is_surrogate_high(u)) {
			if (i + 1 >= n || !lo_is_surrogate_low(le16(p + 2 * (i + 1))))
				return false;
			i++;
		}
	}
	return ascii * 2 > chars;
}

static bool lo_is_space(char c)
{
	return c == ' ';
}

static bool lo_word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(w, s, n) == 0;
}

static bool lo_has_prefix(const char *w, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(w, prefix, k) == 0;
}

static bool lo_is_option(const char *w, size_t n)
{
	return lo_word_is(w, n, "debug") || lo_word_is(w, n, "--") ||
	       lo_has_prefix(w, n, "linux=") || lo_has_prefix(w, n, "initrd=") ||
	       lo_has_prefix(w, n, "entry=") || lo_has_prefix(w, n, "reloc=");
}

/* The shell's first word: "pvhboot.efi", "FS0:\EFI\pvhboot.efi", "\x\loader". */
static bool lo_is_image(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (w[i] == ':' || w[i] == '\\')
			return true;
	return n >= 4 && w[n - 4] == '.' && (w[n - 3] | 0x20) == 'e' && (w[n - 2] | 0x20) == 'f' &&
	       (w[n - 1] | 0x20) == 'i';
}

/* Decodes the options into o->text; o->binary if they are not text. */
static int lo_decode(struct loadopt *o, const uint8_t *p, size_t bytes, struct err *err)
{
	size_t units = bytes / 2, n = 0, start = 0, chars = 0, out = 0;

	o->odd_byte = (bytes & 1) != 0;
	while (n < units && le16(p + 2 * n) != 0)
		n++;
	if (n > 0 && le16(p) == 0xfeff)
		start = 1; /* a byte-order mark is not part of the text */
	if (!lo_is_text(p + 2 * start, n - start)) {
		o->binary = true;
		return 0;
	}
	for (size_t i = start; i < n; i++) {
		uint16_t u = le16(p + 2 * i);

		chars++;
		if (u >= 0x80) {
			uint32_t cp = u;

			/* lo_is_text() checked that a high surrogate has its low half. */
			if (lo_is_surrogate_high(u))
				cp = 0x10000 + (((uint32_t)u - 0xd800) << 10) +
				     ((uint32_t)le16(p + 2 * (i + 1)) - 0xdc00);
			return err_fail(err, "load options: character %zu (U+%04X) is not ASCII",
					chars, (unsigned)cp);
		}
		if (out >= CONFIG_OPTIONS_MAX)
			return err_fail(err, "load options: longer than %u characters",
					(unsigned)CONFIG_OPTIONS_MAX);
		/* Line breaks from a startup.nsh line are blanks like any other. */
		o->text[out++] = (u == '\t' || u == '\n' || u == '\r') ? ' ' : (char)u;
	}
	o->text[out] = '\0';
	return 0;
}

static int lo_take_path(char *dst, const char *w, size_t n, const char *key, struct err *err)
{
	size_t k = strlen(key);

	if (n == k)
		return err_fail(err, "load options: %s needs a path", key);
	return cfg_path_to_uefi(dst, CONFIG_PATH_MAX, w + k, n - k,
				k == 6 ? "load options: linux=" : "load options: initrd=", err);
}

static int lo_take_word(struct loadopt *o, const char *w, size_t n, struct err *err)
{
	if (lo_word_is(w, n, "debug")) {
		o->debug = true;
		return 0;
	}
	if (lo_has_prefix(w, n, "linux=")) {
		if (o->has_linux)
			return err_fail(err, "load options: linux= given twice");
		o->has_linux = true;
		return lo_take_path(o->linux_path, w, n, "linux=", err);
	}
	if (lo_has_prefix(w, n, "initrd=")) {
		if (o->ninitrd >= CONFIG_MAX_INITRDS)
			return err_fail(err, "load options: initrd=: more than %u",
					(unsigned)CONFIG_MAX_INITRDS);
		return lo_take_path(o->initrd[o->ninitrd++], w, n, "initrd=", err);
	}
	if (lo_has_prefix(w, n, "entry=")) {
		size_t k = 6;

		if (o->has_entry)
			return err_fail(err, "load options: entry= given twice");
		if (n == k)
			return err_fail(err, "load options: entry= needs an entry id");
		if (n - k >= sizeof(o->entry))
			return err_fail(err, "load options: entry= id longer than %zu characters",
					sizeof(o->entry) - 1);
		o->has_entry = true;
		memcpy(o->entry, w + k, n - k);
		o->entry[n - k] = '\0';
		return 0;
	}
	if (lo_has_prefix(w, n, "reloc=")) {
		/* The same word as the 32-bit loader's reloc= (options.h). */
		if (o->has_reloc)
			return err_fail(err, "load options: reloc= given twice");
		if (!options_parse_u64(w + 6, n - 6, &o->reloc_base))
			return err_fail(err, "load options: reloc=%.*s%s is not a number (0x... or "
					     "decimal)",
					(int)(n - 6 < LO_QUOTE ? n - 6 : LO_QUOTE), w + 6,
					n - 6 > LO_QUOTE ? "..." : "");
		o->has_reloc = true;
		return 0;
	}
	return err_fail(err,
			"load options: unknown word '%.*s%s' (expected linux=, initrd=, entry=, "
			"reloc=, debug or --)",
			(int)(n < LO_QUOTE ? n : LO_QUOTE), w, n > LO_QUOTE ? "..." : "");
}

int loadopt_parse(struct loadopt *o, const void *utf16le, size_t bytes, struct err *err)
{
	const char *t;
	bool first = true;

	memset(o, 0, sizeof(*o));
	if (!utf16le || bytes < 2) {
		o->odd_byte = bytes == 1 && utf16le;
		return 0;
	}
	if (lo_decode(o, utf16le, bytes, err) < 0)
		return -1;
	if (o->binary)
		return 0;
	t = o->text;
	for (;;) {
		const char *w;
		size_t n = 0;

		while (lo_is_space(*t))
			t++;
		if (!*t)
			break;
		w = t;
		while (w[n] && !lo_is_space(w[n]))
			n++;
		t = w + n;
		if (lo_word_is(w, n, "--")) {
			size_t len;

			while (lo_is_space(*t))
				t++;
			len = strlen(t);
			while (len > 0 && lo_is_space(t[len - 1]))
				len--;
			/* text and cmdline have the same size: it fits. */
			memcpy(o->cmdline, t, len);
			o->cmdline[len] = '\0';
			o->has_cmdline = true;
			break;
		}
		if (first && !lo_is_option(w, n) && lo_is_image(w, n)) {
			first = false;
			continue;
		}
		first = false;
		if (lo_take_word(o, w, n, err) < 0)
			return -1;
	}
	if (o->has_entry && o->has_linux)
		return err_fail(err, "load options: entry= and linux= exclude each other");
	if (o->ninitrd && !o->has_linux)
		return err_fail(err,
				"load options: initrd= needs linux= (an entry names its own initrds)");
	return 0;
}
