/* loader_conf.c - /loader/loader.conf (see loader_conf.h). */
#include "loader/config/loader_conf.h"
#include "loader/config/conf_line.h"

void loader_conf_defaults(struct loader_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->menu = LOADER_MENU_HIDDEN;
}

static bool loader_value_is(const struct conf_line *l, const char *word)
{
	size_t n = strlen(word);

	return l->value_len == n && memcmp(l->value, word, n) == 0;
}

static int loader_take_timeout(struct loader_conf *c, const struct conf_line *l, const char *file,
			       struct err *err)
{
	uint64_t v = 0;

	if (loader_value_is(l, "menu-force")) {
		c->menu = LOADER_MENU_FORCE;
		c->timeout_sec = 0;
		return 0;
	}
	if (loader_value_is(l, "menu-hidden") || loader_value_is(l, "menu-disabled")) {
		c->menu = LOADER_MENU_HIDDEN;
		c->timeout_sec = 0;
		return 0;
	}
	for (size_t i = 0; i < l->value_len; i++) {
		char ch = l->value[i];

		if (ch < '0' || ch > '9')
			return err_fail(err,
					"%s:%u: timeout: '%.*s' is not a number of seconds, menu-force or menu-hidden",
					file, l->lineno, (int)(l->value_len < 32 ? l->value_len : 32),
					l->value);
		v = v * 10 + (uint64_t)(ch - '0');
		if (v > UINT32_MAX)
			return err_fail(err, "%s:%u: timeout: '%.*s' larger than %lu seconds", file,
					l->lineno, (int)(l->value_len < 32 ? l->value_len : 32),
					l->value, (unsigned long)UINT32_MAX);
	}
	c->timeout_sec = (uint32_t)v;
	c->menu = v ? LOADER_MENU_TIMEOUT : LOADER_MENU_HIDDEN;
	return 0;
}

int loader_conf_parse(struct loader_conf *c, const void *buf, size_t size, const char *filename,
		      struct err *err)
{
	struct conf_line_reader r;
	struct conf_line l;
	const char *file = filename ? filename : "loader.conf";
	int st;

	loader_conf_defaults(c);
	conf_line_init(&r, buf, size, file);
	while ((st = conf_line_next(&r, &l, err)) > 0) {
		if (conf_line_key_is(&l, "timeout")) {
			if (loader_take_timeout(c, &l, file, err) < 0)
				return -1;
		} else if (conf_line_key_is(&l, "default")) {
			if (l.value_len >= sizeof(c->default_pattern))
				return err_fail(err, "%s:%u: default: longer than %zu characters",
						file, l.lineno, sizeof(c->default_pattern) - 1);
			memcpy(c->default_pattern, l.value, l.value_len);
			c->default_pattern[l.value_len] = '\0';
		} else if (c->nunknown++ == 0) {
			conf_line_copy_key(&l, c->first_unknown, sizeof(c->first_unknown));
			c->first_unknown_line = l.lineno;
		}
	}
	return st < 0 ? -1 : 0;
}
