/*
 * decompress.h - host side: a bzImage payload decompressed with Debian's
 * libraries (liblzma for xz and lzma, liblz4 for the kernel's lz4 legacy
 * stream, libzstd, zlib for gzip, libbz2), into memory, never beyond a cap.
 * Caller: pvh-extract. The loader decompresses nothing.
 */
#ifndef PVHBOOT_DECOMPRESS_H
#define PVHBOOT_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "elf/bzimage.h"
#include "lib/err.h"

/* What liblzma may allocate (the kernel's xz uses a 32 MiB dictionary). */
#define DECOMP_LZMA_MEMLIMIT (256ull << 20)

struct decomp_out {
	uint8_t *data; /* malloc'd; the caller frees it */
	size_t len;
};

/*
 * Decompress in_len bytes at in, compressed with comp, into out->data.
 * max is the cap: more output than max bytes is an error ("xz: the payload
 * decompresses to more than the cap of 0x20000000 bytes (512 MiB)"), found
 * without ever holding more than max + 1 bytes. hint, the expected size (the
 * payload's size trailer) or 0, only sizes the first allocation. Stops at
 * the end of the first stream (the trailer and padding after it are not
 * data). Returns 0, or -1 with err set ("xz: corrupt data (LZMA_DATA_ERROR)
 * after 0x... of 0x... input bytes") and out->data NULL.
 */
int decomp_payload(enum bzimage_comp comp, const uint8_t *in, size_t in_len, size_t max,
		   size_t hint, struct decomp_out *out, struct err *err);

#endif
