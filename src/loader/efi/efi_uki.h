/*
 * efi_uki.h - pvhboot.efi run as a unified kernel image: its own sections
 * (.linux, the PVH ELF; .initrd; .cmdline; .osrel; .uname), found through
 * EFI_LOADED_IMAGE_PROTOCOL (ImageBase, ImageSize) and read with the core's
 * PE reader in the loaded layout; and the type 2 entries (the .efi files
 * in /EFI/Linux) pvhboot.efi lists as a boot manager.
 *
 * Caller: efi_main(), before anything else (a UKI boots what it carries and
 * reads no configuration), and when it lists loader entries.
 */
#ifndef PVHBOOT_EFI_UKI_H
#define PVHBOOT_EFI_UKI_H

#include <efi.h>

#include "lib/env.h"
#include "lib/err.h"
#include "loader/config/bls.h"
#include "loader/config/config_limits.h"

struct efi_uki {
	const uint8_t *linux_data; /* the PVH ELF, inside our own image */
	uint64_t linux_size;
	const uint8_t *initrd_data; /* NULL when there is no .initrd */
	uint64_t initrd_size;
	bool has_cmdline;
	char cmdline[CONFIG_OPTIONS_MAX + 1];
	char uname[CONFIG_TEXT_MAX];
};

/*
 * 1 when our image carries a .linux section (u filled: sections inside the
 * image, .cmdline text), 0 when it does not (an ordinary pvhboot.efi), -1
 * with err when its section table or a section is unusable.
 */
int efi_uki_find(struct efi_uki *u, const void *image_base, uint64_t image_size,
		 struct err *err);

/*
 * The command line the kernel gets: the embedded one; without Secure Boot,
 * load options that are text (UCS-2, as a boot manager or the shell passes
 * them) replace it, as systemd-stub does. Says which it took.
 */
const char *efi_uki_cmdline(struct efi_uki *u, const void *load_options, uint32_t bytes,
			    bool secure_boot);

/*
 * Measures our sections into PCR 11 as systemd-stub does (for each present
 * and non-empty one, in systemd's canonical order: its name with the NUL,
 * then its data); efi_uki_find() must have succeeded.
 */
void efi_uki_measure(const void *image_base);

/*
 * A type 2 entry from /EFI/Linux/NAME.efi: id NAME.efi, title from .osrel
 * (PRETTY_NAME, else NAME), version from .uname, efi_path the file. Reads
 * only the headers and those two sections. 0, or -1 with err.
 */
int efi_uki_entry(EFI_FILE_HANDLE root, const char *name, struct bls_entry *e, struct err *err);

#endif
