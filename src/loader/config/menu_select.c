/* menu_select.c - menu order and default entry (see menu_select.h). */
#include "loader/config/menu_select.h"
#include "loader/config/glob.h"
#include "loader/config/verscmp.h"

int menu_entry_cmp(const struct bls_entry *a, const struct bls_entry *b)
{
	bool ka = a->sort_key[0] != '\0', kb = b->sort_key[0] != '\0';
	int r;

	if (ka != kb)
		return ka ? -1 : 1;
	if (ka) {
		r = strcmp(a->sort_key, b->sort_key);
		if (r)
			return r;
	}
	/* Newest first: a larger version goes earlier. */
	r = verscmp(b->version, a->version);
	if (r)
		return r;
	return verscmp(b->id, a->id);
}

void menu_sort(const struct bls_entry *entries, unsigned n, unsigned *order)
{
	/* Insertion sort: stable, no allocation, and n is at most a few dozen. */
	for (unsigned i = 0; i < n; i++) {
		unsigned j = i;

		while (j > 0 && menu_entry_cmp(&entries[order[j - 1]], &entries[i]) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
}

bool menu_id_matches(const struct bls_entry *e, const char *pattern)
{
	char with_suffix[CONFIG_ID_MAX + 5];
	size_t n = strlen(e->id);

	if (glob_match(pattern, e->id))
		return true;
	if (n + 6 > sizeof(with_suffix))
		return false;
	memcpy(with_suffix, e->id, n);
	memcpy(with_suffix + n, ".conf", 6);
	return glob_match(pattern, with_suffix);
}

unsigned menu_pick_default(const struct bls_entry *entries, const unsigned *order, unsigned n,
			   const char *pattern)
{
	if (!pattern || !pattern[0])
		return 0;
	for (unsigned i = 0; i < n; i++)
		if (menu_id_matches(&entries[order[i]], pattern))
			return i;
	return 0;
}
