/* utf16.c - UTF-16LE to UTF-8 for on-disk names (see utf16.h). */
#include "fs/utf16.h"

static bool put(char *out, size_t cap, size_t *len, uint32_t cp)
{
	uint8_t b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (uint8_t)(0xc0 | (cp >> 6));
		b[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xe0 | (cp >> 12));
		b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (uint8_t)(0xf0 | (cp >> 18));
		b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (cap - *len <= n)
		return false;
	memcpy(out + *len, b, n);
	*len += n;
	return true;
}

bool utf16le_to_utf8(const uint8_t *src, size_t nunits, char *out, size_t cap)
{
	size_t len = 0;
	bool ok = true;

	if (cap == 0)
		return false;
	for (size_t i = 0; i < nunits && ok; i++) {
		uint32_t u = le16(src + 2 * i);

		if (u == 0)
			break;
		if (u >= 0xd800 && u < 0xdc00 && i + 1 < nunits) {
			uint32_t lo = le16(src + 2 * (i + 1));

			if (lo >= 0xdc00 && lo < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				i++;
			} else {
				u = '?';
			}
		} else if (u >= 0xd800 && u < 0xe000) {
			u = '?';
		}
		ok = put(out, cap, &len, u);
	}
	out[len] = '\0';
	return ok;
}
