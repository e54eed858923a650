/* uki_text.c - see uki_text.h. */
#include "loader/config/uki_text.h"

static bool uki_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void uki_text_copy(char *dst, size_t dstsz, const uint8_t *src, uint64_t len, bool one_line)
{
	size_t n = 0;

	while (n < len && n + 1 < dstsz && src[n])
		n++;
	memmove(dst, src, n);
	while (n && uki_blank(dst[n - 1]))
		n--;
	dst[n] = '\0';
	for (size_t i = 0; one_line && i < n; i++)
		if (uki_blank(dst[i]))
			dst[i] = ' ';
}

bool uki_osrel_pretty_name(char *title, size_t titlesz, const char *osrel)
{
	const char *p = osrel;

	while (*p) {
		const char *eol = p;
		while (*eol && *eol != '\n')
			eol++;
		if ((size_t)(eol - p) >= 12 && !memcmp(p, "PRETTY_NAME=", 12)) {
			const char *v = p + 12, *end = eol;
			if (end > v && end[-1] == '\r')
				end--;
			if (end > v && (*v == '"' || *v == '\'')) {
				char q = *v++;
				if (end > v && end[-1] == q)
					end--;
			}
			size_t n = (size_t)(end - v);
			if (n >= titlesz)
				n = titlesz - 1;
			memcpy(title, v, n);
			title[n] = '\0';
			return true;
		}
		p = *eol ? eol + 1 : eol;
	}
	return false;
}

bool uki_options_text(char *dst, size_t dstsz, const uint8_t *utf16le, uint32_t bytes)
{
	size_t n = 0;

	for (uint32_t i = 0; utf16le && i + 1 < bytes && n + 1 < dstsz; i += 2) {
		uint16_t c = (uint16_t)(utf16le[i] | utf16le[i + 1] << 8);
		if (c == 0)
			break;
		if (c > 0x7e || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
			dst[0] = '\0';
			return false;
		}
		dst[n++] = (char)c;
	}
	dst[n] = '\0';
	uki_text_copy(dst, dstsz, (const uint8_t *)dst, n, true);
	return true;
}
