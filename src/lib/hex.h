/* hex.h - fixed-width hexadecimal fields (cpio headers, crc32= arguments). */
#ifndef PVHBOOT_HEX_H
#define PVHBOOT_HEX_H

#include "lib/env.h"

/* Exactly 8 hex digits (either case) at s into *out; false on any other byte. */
bool hex_parse_u32(const char *s, uint32_t *out);

#endif
