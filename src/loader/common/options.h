/*
 * options.h - the loader's own options. On multiboot they are the loader's
 * command line (GRUB `multiboot2 /pvhboot.elf debug`); on PVH, where the one
 * command line belongs to the kernel, they are the words prefixed
 * "pvhboot." (which also work on multiboot), taken out before the rest goes
 * to the kernel.
 *   debug          print the memory maps and the copy list
 *   exit-on-error  after printing an error, write to QEMU's isa-debug-exit
 *                  port (0xf4) instead of halting: for tests
 *   reloc=ADDR     load the kernel's image span at ADDR (0x... hex or
 *                  decimal) instead of its linked address or the base
 *                  pvhboot would choose; only a kernel with
 *                  XEN_ELFNOTE_PHYS32_RELOC may move, and the plan refuses
 *                  a base that breaks its note or memory (it says why)
 */
#ifndef PVHBOOT_OPTIONS_H
#define PVHBOOT_OPTIONS_H

#include "lib/env.h"

#define OPTIONS_MAX_UNKNOWN 4

struct loader_options {
	bool debug;
	bool exit_on_error;
	bool reloc_forced;
	uint64_t reloc_base;
	char bad[64];      /* first malformed option value, reported as an error */
	unsigned nunknown; /* words not understood, reported as warnings */
	char unknown[OPTIONS_MAX_UNKNOWN][32];
};

/*
 * Read options from in. all_words: every word is an option (multiboot);
 * otherwise only "pvhboot."-prefixed words are, and the other words are
 * copied to rest (size restsz, always NUL-terminated) for the kernel.
 * A first word that looks like a path (contains '/' or '\') is skipped.
 */
/* "0x..." hex or decimal, the whole of s[0..n); false if malformed or above 2^64 - 1. */
bool options_parse_u64(const char *s, size_t n, uint64_t *out);

void options_parse(struct loader_options *opts, const char *in, bool all_words, char *rest,
		   size_t restsz);

#endif
