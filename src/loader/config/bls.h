/*
 * bls.h - Boot Loader Specification type 1 entries (/loader/entries/ID.conf,
 * as systemd-boot reads them) for the UEFI loader pvhboot.efi, which lists
 * them in its menu. "linux" names a PVH ELF kernel (a vmlinux), booted
 * through PVH, or an EFI-stub bzImage, started through the firmware; "efi"
 * (any EFI program) and "uki" (a unified kernel image) are started through
 * the firmware. An entry has one of the three; given several, "uki" wins,
 * then "efi", then "linux", as systemd-boot does.
 *
 * Keys: title, version, sort-key, linux, efi, uki, initrd (repeatable, kept
 * in order), options (repeatable, joined with one space), machine-id,
 * architecture; devicetree and devicetree-overlay are accepted and ignored. Unknown
 * keys are counted as a warning, not an error. A non-repeatable key given
 * twice keeps its last value, as systemd-boot does.
 */
#ifndef PVHBOOT_BLS_H
#define PVHBOOT_BLS_H

#include "lib/env.h"
#include "lib/err.h"
#include "loader/config/config_limits.h"

struct bls_entry {
	char id[CONFIG_ID_MAX]; /* file name without ".conf" */
	char title[CONFIG_TEXT_MAX];
	char version[CONFIG_TEXT_MAX];
	char sort_key[CONFIG_TEXT_MAX];
	char machine_id[CONFIG_TEXT_MAX];
	char architecture[CONFIG_KEY_KEEP];
	char linux_path[CONFIG_PATH_MAX]; /* UEFI form: "\vmlinux-6.1"; "" when none */
	char efi_path[CONFIG_PATH_MAX];   /* "efi" or "uki": "" when none */
	bool is_efi;                      /* start efi_path (or a PE linux_path) with LoadImage */
	unsigned ninitrd;
	char initrd[CONFIG_MAX_INITRDS][CONFIG_PATH_MAX];
	char options[CONFIG_OPTIONS_MAX + 1]; /* "" when there is none */
	/* Warning: keys this parser does not know. */
	unsigned nunknown;
	char first_unknown[CONFIG_KEY_KEEP];
	unsigned first_unknown_line;
};

/*
 * Parses one entry file of size bytes. filename names it in messages
 * ("loader/entries/a.conf:7: initrd: more than 16"); id is the entry id, or
 * NULL to take it from filename (see bls_id_from_filename). Fails on a NUL
 * byte, an over-long line or value, a key with no value, a bad path, more
 * than 16 initrds, or none of "linux", "efi", "uki".
 */
int bls_parse(struct bls_entry *e, const char *id, const void *buf, size_t size,
	      const char *filename, struct err *err);

/*
 * The entry id of a file: its last path component ('/' or '\' separated)
 * without a trailing ".conf" (any case). Fails if it is empty or does not fit
 * in idsz - 1 characters.
 */
int bls_id_from_filename(char *id, size_t idsz, const char *filename, struct err *err);

/* What the menu shows: the title, else the id. */
const char *bls_display_title(const struct bls_entry *e);

#endif
