/*
 * cmdline.c - the expectations the boot tests pass on the guest's command
 * line (expect.mods=N, expect.crc32.N=XXXXXXXX, expect.cmdline=1,
 * expect.rsdp=0, expect.idt=null) and the crc32=XXXXXXXX of module command lines. Tokens are
 * separated by spaces; a key matches only at the start of a token.
 */
#include "guest.h"
#include "lib/hex.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static size_t token_len(const char *s)
{
	size_t n = 0;

	while (s[n] && !is_space(s[n]))
		n++;
	return n;
}

const char *cmdline_value(const char *cmdline, const char *key, size_t *len)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		while (is_space(*p))
			p++;
		size_t n = token_len(p);
		if (n >= klen && strncmp(p, key, klen) == 0) {
			*len = n - klen;
			return p + klen;
		}
		p += n;
	}
	return NULL;
}

bool cmdline_has_token(const char *cmdline, const char *token)
{
	size_t tlen = strlen(token);
	const char *p = cmdline;

	while (*p) {
		while (is_space(*p))
			p++;
		size_t n = token_len(p);
		if (n == tlen && strncmp(p, token, n) == 0)
			return true;
		p += n;
	}
	return false;
}

bool cmdline_parse_hex32(const char *s, size_t len, uint32_t *out)
{
	return len == 8 && hex_parse_u32(s, out);
}

bool cmdline_parse_u32(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0;

	if (len == 0 || len > 9) /* at most 999999999: no overflow */
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	*out = v;
	return true;
}
