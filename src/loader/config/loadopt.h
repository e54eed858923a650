/*
 * loadopt.h - the UEFI load options of pvhboot.efi (LoadedImage->LoadOptions:
 * UTF-16LE, maybe not NUL-terminated, maybe of odd length), as the UEFI shell
 * or a firmware boot entry passes them. Read by the EFI front end first: they
 * override loader.conf and the entries.
 *
 *   [IMAGE] [linux=PATH] [initrd=PATH]... [entry=ID] [reloc=ADDR] [debug]
 *   [-- KERNEL ARGS...]
 *
 * IMAGE: the shell passes the image path as the first word ("pvhboot.efi",
 * "FS0:\EFI\pvhboot.efi"); a first word that is not an option and ends in
 * ".efi" (any case) or holds ':' or '\' is skipped. Everything after a lone
 * "--" is the kernel command line, verbatim (tabs and line breaks become
 * spaces, the ends are trimmed). linux= boots that kernel directly (initrd=
 * needs it; entry= excludes it); entry= names a BLS entry by its id;
 * reloc= forces the kernel's load base as the 32-bit loader's reloc= does
 * (0x... hex or decimal; the plan says why a base cannot be used).
 *
 * A firmware boot entry may carry binary data rather than text: if the
 * options do not decode as printable UTF-16 made mostly of ASCII, they are
 * ignored and `binary` says so; text with a non-ASCII character is an error
 * naming its position.
 */
#ifndef PVHBOOT_LOADOPT_H
#define PVHBOOT_LOADOPT_H

#include "lib/env.h"
#include "lib/err.h"
#include "loader/config/config_limits.h"

struct loadopt {
	bool binary;   /* the options were not text and were ignored */
	bool odd_byte; /* an odd trailing byte was dropped */
	char text[CONFIG_OPTIONS_MAX + 1]; /* the decoded options, for debug output */
	bool debug;
	bool has_linux;
	char linux_path[CONFIG_PATH_MAX];
	unsigned ninitrd;
	char initrd[CONFIG_MAX_INITRDS][CONFIG_PATH_MAX];
	bool has_reloc;       /* reloc=ADDR */
	uint64_t reloc_base;
	bool has_entry;
	char entry[CONFIG_ID_MAX];
	bool has_cmdline; /* "--" was given, even with nothing after it */
	char cmdline[CONFIG_OPTIONS_MAX + 1];
};

/*
 * Decodes and parses the load options (bytes long; NULL or 0 bytes: none).
 * Errors start "load options: ".
 */
int loadopt_parse(struct loadopt *o, const void *utf16le, size_t bytes, struct err *err);


#endif
