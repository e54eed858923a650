/*
 * disk_menu.h - the boot menu of firmware mode on the serial console, with
 * loader.conf's timeout; input is polled from COM1. Caller: disk_boot()
 * when loader.conf asks for a menu and there is more than one entry.
 */
#ifndef PVHBOOT_DISK_MENU_H
#define PVHBOOT_DISK_MENU_H

#include "loader/config/bls.h"
#include "loader/config/loader_conf.h"

/*
 * Lists the entries in order[0..n), marks the default, and returns the index
 * into entries[] picked: a digit selects, Enter (or the timeout) boots.
 * tsc_khz times the countdown (0: roughly, with 1 GHz assumed).
 */
unsigned disk_menu_run(const struct bls_entry *entries, const unsigned *order, unsigned n,
		       unsigned default_index, const struct loader_conf *conf, uint32_t tsc_khz);

#endif
