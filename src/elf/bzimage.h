/*
 * bzimage.h - bounds-checked reading of an x86 Linux bzImage's setup header
 * (Linux Documentation/arch/x86/boot.rst): where its compressed payload -
 * the kernel's ELF - lies, what compressed it, which kernel it is. Also the
 * framing of the lz4 "legacy" stream the kernel's build writes, which no
 * library reads. Callers: pvh-extract (payload extraction), pvh-inspect
 * (telling a bzImage from an ELF), the unit tests and the bzImage fuzzer;
 * the UEFI loader can use it to recognise a bzImage entry. Pure: it
 * decompresses nothing and reads nothing but the buffer it is given.
 *
 * Every field is checked against the file size in arithmetic that cannot
 * overflow; the first problem is recorded in struct err, naming the field,
 * its value and the bound ("bzimage: payload_offset 0x2cc + payload_length
 * 0x7bf0e4 ends at 0x7c4000, beyond file size 0x10000").
 */
#ifndef PVHBOOT_BZIMAGE_H
#define PVHBOOT_BZIMAGE_H

#include "lib/env.h"
#include "lib/err.h"

/* Setup header fields (boot.rst, "The real-mode kernel header"). */
#define BZIMAGE_SETUP_SECTS 0x1f1   /* u8: 512-byte setup sectors; 0 means 4 */
#define BZIMAGE_BOOT_FLAG 0x1fe     /* u16: 0xaa55 */
#define BZIMAGE_HEADER 0x202        /* u32: "HdrS" */
#define BZIMAGE_VERSION 0x206       /* u16: boot protocol, 0x020f = 2.15 */
#define BZIMAGE_KERNEL_VERSION 0x20e /* u16: version string at this + 0x200 */
#define BZIMAGE_LOADFLAGS 0x211     /* u8: bit 0 LOADED_HIGH (a bzImage) */
#define BZIMAGE_XLOADFLAGS 0x236    /* u16, 2.12+ */
#define BZIMAGE_PAYLOAD_OFFSET 0x248 /* u32, 2.08+: from the protected-mode code */
#define BZIMAGE_PAYLOAD_LENGTH 0x24c /* u32, 2.08+ */
#define BZIMAGE_INIT_SIZE 0x260     /* u32, 2.10+ */
/* Bytes the reader needs: the header through payload_length. */
#define BZIMAGE_HEADER_NEED 0x250u
/* init_size is read when the file (and the protocol) have it. */
#define BZIMAGE_INIT_SIZE_END 0x264u

#define BZIMAGE_BOOT_FLAG_MAGIC 0xaa55u
#define BZIMAGE_HDRS_MAGIC 0x53726448u /* "HdrS" little-endian */
#define BZIMAGE_PROTOCOL_PAYLOAD 0x0208u /* payload_offset/length appeared in 2.08 */

/* Payload bytes the compression is recognised by (the longest magic, xz's). */
#define BZIMAGE_MAGIC_LEN 6u
/* The kernel_version string kept (longer ones are cut there). */
#define BZIMAGE_VERSION_MAX 160u

/* Payload compressions, as the kernel's CONFIG_KERNEL_* options name them. */
enum bzimage_comp {
	BZIMAGE_COMP_UNKNOWN = 0,
	BZIMAGE_COMP_GZIP,  /* 1f 8b 08 */
	BZIMAGE_COMP_BZIP2, /* "BZh" */
	BZIMAGE_COMP_LZMA,  /* 5d 00 00: the .lzma ("alone") header */
	BZIMAGE_COMP_XZ,    /* fd 37 7a 58 5a 00 */
	BZIMAGE_COMP_LZO,   /* 89 4c 5a 4f: lzop's file format */
	BZIMAGE_COMP_LZ4,   /* 02 21 4c 18: lz4's legacy frame */
	BZIMAGE_COMP_ZSTD,  /* 28 b5 2f fd */
	BZIMAGE_COMP_NONE,  /* 7f 45 4c 46: the ELF itself */
};

struct bzimage_info {
	uint16_t protocol;      /* boot protocol: 0x020f for 2.15 */
	unsigned setup_sects;   /* as the kernel reads it: 0 in the file means 4 */
	uint64_t setup_size;    /* (setup_sects + 1) * 512: file offset of the 32-bit code */
	uint8_t loadflags;
	uint16_t xloadflags;    /* 0 before 2.12 */
	uint32_t init_size;     /* memory the kernel needs to decompress itself; 0 before 2.10 */
	uint64_t payload_offset; /* file offset of the payload (setup_size + payload_offset) */
	uint64_t payload_length;
	enum bzimage_comp comp; /* BZIMAGE_COMP_UNKNOWN until the payload was seen */
	/*
	 * The last 4 bytes of the payload, little-endian: the kernel's build
	 * appends the uncompressed size to every payload (gzip's ISIZE is the
	 * same number), and the kernel's decompressor relies on it. 0 when
	 * those bytes were not in the buffer.
	 */
	uint32_t size_trailer;
	bool has_size_trailer;
	/* kernel_version, "" when absent, not NUL-terminated in the setup
	 * area, not printable or beyond the bytes given. release_len: up to
	 * the first space ("6.1.0-57-amd64"). */
	char version[BZIMAGE_VERSION_MAX];
	size_t release_len;
};

/*
 * True when head (the first head_size bytes of a file) carries the boot
 * flag 0xaa55 at 0x1fe and "HdrS" at 0x202: a Linux x86 boot image,
 * whatever else is wrong with it.
 */
bool bzimage_detect(const void *head, uint64_t head_size);

/*
 * Read the setup header from head, the first head_size bytes of a file of
 * file_size bytes (head_size <= file_size: a loader reading the header
 * first passes a prefix; a tool holding the whole file passes it all).
 * Checks the magics, that the protocol is 2.08 or later, that setup_size
 * lies inside the file and that the payload lies inside the file after the
 * setup code. Fills the payload range, the version string (when in head),
 * and the trailer and compression when the payload is in head (else comp
 * stays UNKNOWN: identify it with bzimage_comp_of on its first bytes).
 * Returns 0, or -1 with err set ("bzimage: ...").
 */
int bzimage_parse_header(struct bzimage_info *info, const void *head, uint64_t head_size,
			 uint64_t file_size, struct err *err);

/*
 * bzimage_parse_header over a whole file in memory, then requires a known
 * compression: "bzimage: payload at 0x52cc: unknown compression (first
 * bytes 00 11 22 33 44 55)". A payload shorter than its magic is unknown.
 */
int bzimage_parse(struct bzimage_info *info, const void *buf, uint64_t size, struct err *err);

/* The compression whose magic begins p (len bytes available). */
enum bzimage_comp bzimage_comp_of(const uint8_t *p, uint64_t len);

/* "gzip", "xz", "lz4", ...; "unknown" for BZIMAGE_COMP_UNKNOWN. */
const char *bzimage_comp_name(enum bzimage_comp comp);

/*
 * The kernel's lz4 payload (`lz4 -l`, then the size trailer): the legacy
 * magic 02 21 4c 18, then blocks of a 4-byte little-endian compressed size
 * and that many bytes, each decompressing to at most 8 MiB, until the
 * input ends. What differs from lz4's frame format (which liblz4's LZ4F
 * reads): no frame header, no checksums, no end mark; the magic may
 * appear again between blocks (concatenated streams); and the payload's
 * last 4 bytes are the size trailer, not a block.
 */
#define BZIMAGE_LZ4_MAGIC 0x184c2102u
#define BZIMAGE_LZ4_BLOCK_OUT (8u << 20)
/* LZ4_COMPRESSBOUND(8 MiB): no valid block is larger. */
#define BZIMAGE_LZ4_BLOCK_BOUND (BZIMAGE_LZ4_BLOCK_OUT + BZIMAGE_LZ4_BLOCK_OUT / 255u + 16u)

struct bzimage_lz4 {
	const uint8_t *data;
	uint64_t size;
	uint64_t pos;
	unsigned block; /* blocks returned so far */
};

/* Start reading the stream of size bytes at data; -1 with err set when it
 * does not begin with the legacy magic. */
int bzimage_lz4_init(struct bzimage_lz4 *r, const uint8_t *data, uint64_t size,
		     struct err *err);

/*
 * The next compressed block: 1 with *block and *len set (1 <= len <=
 * BZIMAGE_LZ4_BLOCK_BOUND, inside the stream), 0 at the end (nothing left,
 * or only the 4-byte size trailer), -1 with err set for a block that does
 * not fit ("bzimage: lz4 block 3 at 0x1000: size 0x... beyond the 0x...
 * bytes left").
 */
int bzimage_lz4_next(struct bzimage_lz4 *r, const uint8_t **block, uint32_t *len,
		     struct err *err);

#endif
