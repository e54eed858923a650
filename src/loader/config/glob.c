/*
 * glob.c - glob_match() (see glob.h). Every token but '*' consumes exactly
 * one character, so one remembered '*' position is enough to backtrack: the
 * match runs in O(pattern x string) time and constant space, with no
 * recursion for a hostile pattern to exploit.
 */
#include "loader/config/glob.h"

/*
 * Matches the bracket expression at p (just past '[') against c. Returns the
 * position after its ']' and sets *hit, or NULL if the bracket is not closed
 * (then the '[' is an ordinary character).
 */
static const char *glob_bracket(const char *p, char c, bool *hit)
{
	bool negate = false, found = false, first = true;

	if (*p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	for (;;) {
		char lo, hi;

		if (*p == '\0')
			return NULL;
		if (*p == ']' && !first)
			break;
		first = false;
		if (*p == '\\') {
			p++;
			if (*p == '\0')
				return NULL;
		}
		lo = *p++;
		hi = lo;
		/* "a-z" is a range unless the '-' ends the set ("a-]"). */
		if (p[0] == '-' && p[1] != ']' && p[1] != '\0') {
			p++;
			if (*p == '\\') {
				p++;
				if (*p == '\0')
					return NULL;
			}
			hi = *p++;
		}
		if ((unsigned char)lo <= (unsigned char)c && (unsigned char)c <= (unsigned char)hi)
			found = true;
	}
	*hit = found != negate;
	return p + 1;
}

bool glob_match(const char *pattern, const char *string)
{
	const char *p = pattern, *s = string;
	const char *star_p = NULL, *star_s = NULL;

	for (;;) {
		if (*p == '*') {
			/* Remember where to resume: this star then eats one more char. */
			while (*p == '*')
				p++;
			star_p = p;
			star_s = s;
			continue;
		}
		if (*s == '\0') {
			if (*p == '\0')
				return true;
			return false;
		}
		if (*p != '\0') {
			const char *next = NULL;
			bool hit = false;

			if (*p == '?') {
				hit = true;
				next = p + 1;
			} else if (*p == '[' && (next = glob_bracket(p + 1, *s, &hit)) != NULL) {
				/* a closed bracket: hit says whether *s is in it */
			} else if (*p == '\\') {
				/* A trailing '\' quotes nothing and matches nothing. */
				if (p[1] == '\0')
					return false;
				hit = p[1] == *s;
				next = p + 2;
			} else {
				hit = *p == *s;
				next = p + 1;
			}
			if (hit) {
				p = next;
				s++;
				continue;
			}
		}
		if (!star_p)
			return false;
		p = star_p;
		s = ++star_s;
	}
}
