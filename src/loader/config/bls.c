/* bls.c - Boot Loader Specification type 1 entries (see bls.h). */
#include "loader/config/bls.h"
#include "lib/fmt.h"
#include "loader/config/cfg_path.h"
#include "loader/config/conf_line.h"

/* Copies a one-line text value into a field of dstsz bytes. */
static int bls_set_text(char *dst, size_t dstsz, const struct conf_line *l, const char *file,
			struct err *err)
{
	if (l->value_len >= dstsz)
		return err_fail(err, "%s:%u: %.*s: longer than %zu characters", file, l->lineno,
				(int)l->key_len, l->key, dstsz - 1);
	memcpy(dst, l->value, l->value_len);
	dst[l->value_len] = '\0';
	return 0;
}

static int bls_set_path(char *dst, const struct conf_line *l, const char *file, struct err *err)
{
	char what[CONFIG_PATH_MAX + 32];

	fmt_snprintf(what, sizeof(what), "%s:%u: %.*s", file, l->lineno, (int)l->key_len, l->key);
	return cfg_path_to_uefi(dst, CONFIG_PATH_MAX, l->value, l->value_len, what, err);
}

/* Repeated "options" lines are one command line, joined with a space. */
static int bls_add_options(struct bls_entry *e, const struct conf_line *l, const char *file,
			   struct err *err)
{
	size_t have = strlen(e->options);
	size_t sep = have ? 1 : 0;

	/* Cannot wrap: have <= CONFIG_OPTIONS_MAX and a value fits in one line. */
	if (have + sep + l->value_len > CONFIG_OPTIONS_MAX)
		return err_fail(err, "%s:%u: options: longer than %u bytes in total", file,
				l->lineno, (unsigned)CONFIG_OPTIONS_MAX);
	if (sep)
		e->options[have] = ' ';
	memcpy(e->options + have + sep, l->value, l->value_len);
	e->options[have + sep + l->value_len] = '\0';
	return 0;
}

static void bls_note_unknown(struct bls_entry *e, const struct conf_line *l)
{
	if (e->nunknown++ == 0) {
		conf_line_copy_key(l, e->first_unknown, sizeof(e->first_unknown));
		e->first_unknown_line = l->lineno;
	}
}

static int bls_take_line(struct bls_entry *e, const struct conf_line *l, const char *file,
			 bool *has_linux, bool *has_uki, struct err *err)
{
	if (conf_line_key_is(l, "title"))
		return bls_set_text(e->title, sizeof(e->title), l, file, err);
	if (conf_line_key_is(l, "version"))
		return bls_set_text(e->version, sizeof(e->version), l, file, err);
	if (conf_line_key_is(l, "sort-key"))
		return bls_set_text(e->sort_key, sizeof(e->sort_key), l, file, err);
	if (conf_line_key_is(l, "machine-id"))
		return bls_set_text(e->machine_id, sizeof(e->machine_id), l, file, err);
	if (conf_line_key_is(l, "architecture"))
		return bls_set_text(e->architecture, sizeof(e->architecture), l, file, err);
	if (conf_line_key_is(l, "linux")) {
		*has_linux = true;
		return bls_set_path(e->linux_path, l, file, err);
	}
	if (conf_line_key_is(l, "uki")) {
		*has_uki = true;
		return bls_set_path(e->efi_path, l, file, err);
	}
	if (conf_line_key_is(l, "efi")) {
		if (*has_uki)
			return 0;
		return bls_set_path(e->efi_path, l, file, err);
	}
	if (conf_line_key_is(l, "initrd")) {
		if (e->ninitrd >= CONFIG_MAX_INITRDS)
			return err_fail(err, "%s:%u: initrd: more than %u", file, l->lineno,
					(unsigned)CONFIG_MAX_INITRDS);
		return bls_set_path(e->initrd[e->ninitrd++], l, file, err);
	}
	if (conf_line_key_is(l, "options"))
		return bls_add_options(e, l, file, err);
	/* Meaningful for device-tree machines, not for x86. */
	if (conf_line_key_is(l, "devicetree") || conf_line_key_is(l, "devicetree-overlay"))
		return 0;
	bls_note_unknown(e, l);
	return 0;
}

int bls_parse(struct bls_entry *e, const char *id, const void *buf, size_t size,
	      const char *filename, struct err *err)
{
	struct conf_line_reader r;
	struct conf_line l;
	const char *file = filename ? filename : "(entry)";
	bool has_linux = false, has_uki = false;
	int st;

	memset(e, 0, sizeof(*e));
	if (id) {
		size_t n = strlen(id);

		if (n == 0)
			return err_fail(err, "%s: empty entry id", file);
		if (n >= sizeof(e->id))
			return err_fail(err, "%s: entry id '%.64s' longer than %zu characters", file,
					id, sizeof(e->id) - 1);
		memcpy(e->id, id, n + 1);
	} else if (bls_id_from_filename(e->id, sizeof(e->id), file, err) < 0) {
		return -1;
	}
	conf_line_init(&r, buf, size, file);
	while ((st = conf_line_next(&r, &l, err)) > 0)
		if (bls_take_line(e, &l, file, &has_linux, &has_uki, err) < 0)
			return -1;
	if (st < 0)
		return -1;
	e->is_efi = e->efi_path[0] != '\0';
	if (!has_linux && !e->is_efi)
		return err_fail(err, "%s: no 'linux', 'efi' or 'uki' line", file);
	return 0;
}

int bls_id_from_filename(char *id, size_t idsz, const char *filename, struct err *err)
{
	const char *base = filename;
	size_t n;

	if (idsz)
		id[0] = '\0';
	for (const char *p = filename; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	n = strlen(base);
	if (n >= 5) {
		const char *s = base + n - 5;

		/* ".conf" in any case: FAT file systems do not keep case reliably. */
		if (s[0] == '.' && (s[1] | 0x20) == 'c' && (s[2] | 0x20) == 'o' &&
		    (s[3] | 0x20) == 'n' && (s[4] | 0x20) == 'f')
			n -= 5;
	}
	if (n == 0)
		return err_fail(err, "%s: no entry id in the file name", filename);
	if (n >= idsz)
		return err_fail(err, "%s: entry id '%.*s' longer than %zu characters", filename,
				(int)(n < 64 ? n : 64), base, idsz ? idsz - 1 : 0);
	memcpy(id, base, n);
	id[n] = '\0';
	return 0;
}

const char *bls_display_title(const struct bls_entry *e)
{
	return e->title[0] ? e->title : e->id;
}
