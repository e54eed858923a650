/*
 * menu_select.h - the order of boot entries in the UEFI loader's menu and the
 * choice of the default, as systemd-boot does it (simplified). Called by the
 * EFI front end after it parsed loader.conf and every entry.
 *
 * Order: entries with a sort-key come first, by sort-key (bytes, ascending),
 * then by version, newest first (verscmp.h), then by id, also compared as a
 * version and newest first ("linux-6.1" before "linux-5.10"), like
 * systemd-boot. Entries with no sort-key follow, by version then id the same
 * way. The default is the first entry in that order whose id matches the
 * loader.conf pattern (glob.h), the id alone or with ".conf" appended (so
 * systemd-style "default arch.conf" works); with no pattern or no match, the
 * first entry.
 */
#ifndef PVHBOOT_MENU_SELECT_H
#define PVHBOOT_MENU_SELECT_H

#include "lib/env.h"
#include "loader/config/bls.h"

/* < 0 if a goes before b in the menu, > 0 if after, 0 if they tie. */
int menu_entry_cmp(const struct bls_entry *a, const struct bls_entry *b);

/* Fills order[0..n) with the indices of entries[] in menu order (stable). */
void menu_sort(const struct bls_entry *entries, unsigned n, unsigned *order);

/* True if the entry's id matches the pattern as the default would. */
bool menu_id_matches(const struct bls_entry *e, const char *pattern);

/*
 * The position in order[] of the default entry (0 when the pattern is NULL
 * or "", nothing matches, or n is 0).
 */
unsigned menu_pick_default(const struct bls_entry *entries, const unsigned *order, unsigned n,
			   const char *pattern);

#endif
