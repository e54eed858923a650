/* cfg_path.c - configuration paths to UEFI paths (see cfg_path.h). */
#include "loader/config/cfg_path.h"

/* How much of a bad path a message quotes. */
#define CFG_PATH_QUOTE 64

static bool cfg_is_sep(char c)
{
	return c == '/' || c == '\\';
}

/* Appends c if it leaves room for the NUL. */
static bool cfg_put(char *out, size_t outsz, size_t *o, char c)
{
	if (*o + 1 >= outsz)
		return false;
	out[(*o)++] = c;
	return true;
}

int cfg_path_to_uefi(char *out, size_t outsz, const char *in, size_t n, const char *what,
		     struct err *err)
{
	int q = (int)(n < CFG_PATH_QUOTE ? n : CFG_PATH_QUOTE);
	size_t o = 0;
	bool ok = true;

	if (outsz)
		out[0] = '\0';
	if (n == 0)
		return err_fail(err, "%s: empty path", what);
	if (cfg_is_sep(in[n - 1]))
		return err_fail(err, "%s: path '%.*s' ends with a separator (a directory?)", what, q,
				in);
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)in[i];

		if (c == ':')
			return err_fail(err,
					"%s: path '%.*s' names a device (':'): paths are on the loader's volume",
					what, q, in);
		if (c < 0x20 || c >= 0x7f)
			return err_fail(err, "%s: path '%.*s': byte 0x%02x at %zu is not printable ASCII",
					what, q, in, (unsigned)c, i);
	}
	/* A leading separator is added if missing; runs collapse to one. */
	if (!cfg_is_sep(in[0]))
		ok = cfg_put(out, outsz, &o, '\\');
	for (size_t i = 0; i < n && ok; i++) {
		if (i > 0 && cfg_is_sep(in[i]) && cfg_is_sep(in[i - 1]))
			continue;
		ok = cfg_put(out, outsz, &o, cfg_is_sep(in[i]) ? '\\' : in[i]);
	}
	if (!ok) {
		if (outsz)
			out[0] = '\0';
		return err_fail(err, "%s: path '%.*s%s' longer than %zu characters", what, q, in,
				n > CFG_PATH_QUOTE ? "..." : "", outsz ? outsz - 1 : 0);
	}
	out[o] = '\0';
	return 0;
}
