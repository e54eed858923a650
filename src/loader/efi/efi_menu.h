/*
 * efi_menu.h - the boot menu on the firmware console: the loader entries in
 * order, Up/Down (or the entry's number) and Enter, the default booted when
 * the timeout runs out. Works on a serial console (no cursor positioning).
 */
#ifndef PVHBOOT_EFI_MENU_H
#define PVHBOOT_EFI_MENU_H

#include "loader/config/bls.h"
#include "loader/config/loader_conf.h"

/* Returns the index into entries of the entry to boot. */
unsigned efi_menu_run(const struct bls_entry *entries, const unsigned *order, unsigned n,
		      unsigned default_index, const struct loader_conf *conf);

#endif
