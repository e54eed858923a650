/*
 * cfg_path.h - turns a path written in a configuration (BLS "linux /vmlinux",
 * load option "initrd=boot/initrd.img") into the form UEFI's file protocol
 * opens on the loader's own volume: '\' separators, a leading '\', no runs of
 * separators. Used by bls.c and loadopt.c.
 */
#ifndef PVHBOOT_CFG_PATH_H
#define PVHBOOT_CFG_PATH_H

#include "lib/env.h"
#include "lib/err.h"

/*
 * Converts in[0..n) into out (size outsz, NUL-terminated). Fails, with
 * "WHAT: path 'P' ..." in err, when the path is empty, ends in a separator,
 * names a device ("FS0:\x": paths are on the loader's volume), holds a control
 * or non-ASCII byte, or does not fit in outsz - 1 characters.
 */
int cfg_path_to_uefi(char *out, size_t outsz, const char *in, size_t n, const char *what,
		     struct err *err);

#endif
