/*
 * bundle.h - one file that carries a PVH kernel, its command line and any
 * number of modules with theirs, for VMMs that hand over a single module.
 *
 * Format: a cpio archive in the "newc" format (magic 070701, what
 * `cpio -o -H newc` and the Linux initramfs tools write). Members, in order:
 *   kernel          the PVH kernel ELF (exactly one)
 *   cmdline         the kernel command line (optional; a final newline and
 *                   trailing NULs are dropped)
 *   NAME.cmdline    the command line of module NAME (optional)
 *   NAME            any other regular file is a module, in archive order
 * Names are compared after dropping a leading "./". Directories, members
 * whose name starts with "." (padding that aligns module data to pages) and
 * the "TRAILER!!!" end marker are skipped.
 */
#ifndef PVHBOOT_BUNDLE_H
#define PVHBOOT_BUNDLE_H

#include "lib/env.h"
#include "lib/err.h"

#define BUNDLE_MAX_MODULES 30

/* A span of the bundle: offset and size inside the buffer. */
struct bundle_span {
	uint64_t offset;
	uint64_t size;
};

struct bundle_module {
	struct bundle_span data;
	const char *name; /* points into the buffer, not NUL-terminated */
	unsigned namelen;
	bool has_cmdline;
	struct bundle_span cmdline; /* text, not NUL-terminated */
};

struct bundle {
	struct bundle_span kernel;
	bool has_cmdline;
	struct bundle_span cmdline;
	unsigned nmodules;
	struct bundle_module modules[BUNDLE_MAX_MODULES];
};

/* True if buf starts like a newc cpio archive. */
bool bundle_detect(const void *buf, uint64_t size);

int bundle_parse(struct bundle *b, const void *buf, uint64_t size, struct err *err);

#endif
