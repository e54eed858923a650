/* hex.c - parsing fixed-width hexadecimal fields (see hex.h). */
#include "lib/hex.h"

bool hex_parse_u32(const char *s, uint32_t *out)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < 8; i++) {
		char c = s[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return false;
		v = (v << 4) | d;
	}
	*out = v;
	return true;
}
