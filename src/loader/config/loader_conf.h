/*
 * loader_conf.h - /loader/loader.conf of the UEFI loader pvhboot.efi: which
 * entry is the default and whether and how long the menu shows. Read by the
 * EFI front end before it lists /loader/entries/.
 *
 *   default PATTERN   an entry id or a glob (glob.h) over entry ids
 *   timeout N         seconds; 0 = boot the default with no menu
 *   timeout menu-force    show the menu and wait for a key (no timeout)
 *   timeout menu-hidden   same as 0 (menu-disabled too)
 * Other keys (console-mode, editor, auto-entries, ...) are counted as a
 * warning. A key given twice keeps its last value.
 */
#ifndef PVHBOOT_LOADER_CONF_H
#define PVHBOOT_LOADER_CONF_H

#include "lib/env.h"
#include "lib/err.h"
#include "loader/config/config_limits.h"

enum loader_menu {
	LOADER_MENU_HIDDEN,  /* boot the default at once */
	LOADER_MENU_TIMEOUT, /* show the menu for timeout_sec seconds */
	LOADER_MENU_FORCE,   /* show the menu until a key picks an entry */
};

struct loader_conf {
	char default_pattern[CONFIG_ID_MAX]; /* "" = none: the first entry */
	enum loader_menu menu;
	uint32_t timeout_sec; /* > 0 only with LOADER_MENU_TIMEOUT */
	/* Warning: keys this parser does not use. */
	unsigned nunknown;
	char first_unknown[CONFIG_KEY_KEEP];
	unsigned first_unknown_line;
};

/* What applies when there is no loader.conf: no default, no menu. */
void loader_conf_defaults(struct loader_conf *c);

/*
 * Parses loader.conf (size bytes; filename names it in messages). Fails on a
 * NUL byte, an over-long line, a key with no value, an over-long default or
 * a timeout that is not a number of seconds (up to 2^32 - 1), menu-force,
 * menu-hidden or menu-disabled ("loader/loader.conf:3: timeout: ...").
 */
int loader_conf_parse(struct loader_conf *c, const void *buf, size_t size, const char *filename,
		      struct err *err);

#endif
