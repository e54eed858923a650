/* verscmp.c - version comparison (see verscmp.h). */
#include "loader/config/verscmp.h"

static bool vc_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool vc_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool vc_separator(char c)
{
	return c == '~' || c == '-' || c == '^' || c == '.';
}

/* -1, 0, 1 for x < y, x == y, x > y. */
static int vc_sign(size_t x, size_t y)
{
	return (x > y) - (x < y);
}

int verscmp(const char *a, const char *b)
{
	static const char ordered_seps[] = { '-', '^', '.' };

	a = a ? a : "";
	b = b ? b : "";
	for (;;) {
		const char *ea, *eb;
		size_t la, lb;
		int r;

		/* Characters that are neither alnum nor a separator only split runs. */
		while (*a && !vc_digit(*a) && !vc_alpha(*a) && !vc_separator(*a))
			a++;
		while (*b && !vc_digit(*b) && !vc_alpha(*b) && !vc_separator(*b))
			b++;
		if (*a == '~' || *b == '~') {
			if (*a != '~')
				return 1;
			if (*b != '~')
				return -1;
			a++;
			b++;
			continue;
		}
		if (!*a || !*b)
			return (*a != '\0') - (*b != '\0');
		r = 0;
		for (size_t i = 0; i < sizeof(ordered_seps) && !r; i++) {
			char sep = ordered_seps[i];

			if (*a == sep || *b == sep) {
				if (*a != sep)
					return 1;
				if (*b != sep)
					return -1;
				a++;
				b++;
				r = 1; /* consumed: start over */
			}
		}
		if (r)
			continue;
		if (vc_digit(*a) || vc_digit(*b)) {
			/* A number, even "0", is newer than letters. */
			if (vc_digit(*a) != vc_digit(*b))
				return vc_digit(*a) ? 1 : -1;
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			for (ea = a; vc_digit(*ea); ea++)
				;
			for (eb = b; vc_digit(*eb); eb++)
				;
			la = (size_t)(ea - a);
			lb = (size_t)(eb - b);
			/* A longer number (zeros stripped) is larger; same length: by digits. */
			if (la != lb)
				return vc_sign(la, lb);
			r = memcmp(a, b, la);
			if (r)
				return r > 0 ? 1 : -1;
		} else {
			for (ea = a; vc_alpha(*ea); ea++)
				;
			for (eb = b; vc_alpha(*eb); eb++)
				;
			la = (size_t)(ea - a);
			lb = (size_t)(eb - b);
			r = memcmp(a, b, la < lb ? la : lb);
			if (r)
				return r > 0 ? 1 : -1;
			if (la != lb)
				return vc_sign(la, lb);
		}
		a = ea;
		b = eb;
	}
}
