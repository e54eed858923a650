/*
 * crc32.h - CRC-32 (IEEE 802.3, the one of zlib and `gzip -l`), used by the
 * conformance guest to check module bytes and by the tools that prepare them.
 */
#ifndef PVHBOOT_CRC32_H
#define PVHBOOT_CRC32_H

#include "lib/env.h"

/* Start with crc = 0; feed the previous result to continue. */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);

#endif
