/*
 * utf16.h - UTF-16LE (GPT partition names, FAT long names) to UTF-8, for
 * the partition and FAT readers.
 */
#ifndef PVHBOOT_FS_UTF16_H
#define PVHBOOT_FS_UTF16_H

#include "lib/env.h"

/*
 * Converts up to nunits little-endian UTF-16 units at src (stopping at a NUL
 * unit) into NUL-terminated UTF-8 at out. Unpaired surrogates become '?'.
 * Returns false (out holds a truncated, terminated string) when out, of cap
 * bytes, is too small.
 */
bool utf16le_to_utf8(const uint8_t *src, size_t nunits, char *out, size_t cap);

#endif
