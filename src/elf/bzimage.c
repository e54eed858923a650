/*
 * bzimage.c - the bzImage setup header and the kernel's lz4 legacy framing
 * (see bzimage.h for the promise). Callers: pvh-extract, pvh-inspect, the
 * unit tests, the bzImage fuzzer. Every byte is read through bytes_at(),
 * which compares a length with what remains after an offset, so neither
 * the test nor the pointer arithmetic can overflow.
 */
#include "elf/bzimage.h"

typedef unsigned long long ull; /* what fmt's %llx takes */

bool bzimage_detect(const void *head, uint64_t head_size)
{
	struct byte_range b = { head, head_size };
	const uint8_t *flag = bytes_at(&b, BZIMAGE_BOOT_FLAG, 2);
	const uint8_t *hdrs = bytes_at(&b, BZIMAGE_HEADER, 4);

	return flag && hdrs && le16(flag) == BZIMAGE_BOOT_FLAG_MAGIC &&
	       le32(hdrs) == BZIMAGE_HDRS_MAGIC;
}

enum bzimage_comp bzimage_comp_of(const uint8_t *p, uint64_t len)
{
	static const struct {
		enum bzimage_comp comp;
		uint8_t len;
		uint8_t magic[BZIMAGE_MAGIC_LEN];
	} magics[] = {
		{ BZIMAGE_COMP_GZIP, 3, { 0x1f, 0x8b, 0x08 } },
		{ BZIMAGE_COMP_BZIP2, 3, { 'B', 'Z', 'h' } },
		{ BZIMAGE_COMP_LZMA, 3, { 0x5d, 0x00, 0x00 } },
		{ BZIMAGE_COMP_XZ, 6, { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00 } },
		{ BZIMAGE_COMP_LZO, 4, { 0x89, 0x4c, 0x5a, 0x4f } },
		{ BZIMAGE_COMP_LZ4, 4, { 0x02, 0x21, 0x4c, 0x18 } },
		{ BZIMAGE_COMP_ZSTD, 4, { 0x28, 0xb5, 0x2f, 0xfd } },
		{ BZIMAGE_COMP_NONE, 4, { 0x7f, 'E', 'L', 'F' } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(magics); i++)
		if (len >= magics[i].len && memcmp(p, magics[i].magic, magics[i].len) == 0)
			return magics[i].comp;
	return BZIMAGE_COMP_UNKNOWN;
}

const char *bzimage_comp_name(enum bzimage_comp comp)
{
	switch (comp) {
	case BZIMAGE_COMP_GZIP:
		return "gzip";
	case BZIMAGE_COMP_BZIP2:
		return "bzip2";
	case BZIMAGE_COMP_LZMA:
		return "lzma";
	case BZIMAGE_COMP_XZ:
		return "xz";
	case BZIMAGE_COMP_LZO:
		return "lzo";
	case BZIMAGE_COMP_LZ4:
		return "lz4";
	case BZIMAGE_COMP_ZSTD:
		return "zstd";
	case BZIMAGE_COMP_NONE:
		return "uncompressed";
	case BZIMAGE_COMP_UNKNOWN:
	default:
		return "unknown";
	}
}

/*
 * kernel_version: a NUL-terminated string at field + 0x200, inside the
 * setup area. Informational only, so anything odd leaves it empty rather
 * than failing the parse.
 */
static void bz_read_version(struct bzimage_info *info, const struct byte_range *head)
{
	const uint8_t *f = bytes_at(head, BZIMAGE_KERNEL_VERSION, 2);
	uint64_t off, end = info->setup_size < head->size ? info->setup_size : head->size;
	size_t n = 0;

	info->version[0] = '\0';
	info->release_len = 0;
	if (!f || le16(f) == 0)
		return;
	off = (uint64_t)le16(f) + 0x200u;
	for (;;) {
		const uint8_t *c = off + n < end ? bytes_at(head, off + n, 1) : NULL;

		if (!c)
			goto absent; /* no NUL inside the setup area */
		if (*c == '\0')
			break;
		if (*c < 0x20 || *c > 0x7e)
			goto absent;
		if (n + 1 < BZIMAGE_VERSION_MAX)
			info->version[n] = (char)*c;
		n++;
	}
	if (n >= BZIMAGE_VERSION_MAX)
		n = BZIMAGE_VERSION_MAX - 1; /* cut, still terminated */
	info->version[n] = '\0';
	while (info->release_len < n && info->version[info->release_len] != ' ')
		info->release_len++;
	return;
absent:
	info->version[0] = '\0';
}

int bzimage_parse_header(struct bzimage_info *info, const void *head, uint64_t head_size,
			 uint64_t file_size, struct err *err)
{
	struct byte_range h = { head, head_size < file_size ? head_size : file_size };
	const uint8_t *p;
	uint64_t start, end;
	uint32_t poff, plen;

	memset(info, 0, sizeof(*info));
	p = bytes_at(&h, 0, BZIMAGE_HEADER_NEED);
	if (!p) {
		/* Say whether the file or what was read of it is too short. */
		if (h.size == file_size)
			return err_fail(err, "bzimage: file size 0x%llx ends inside the setup header "
					"(0x%x bytes, through payload_length at 0x%x)",
					(ull)file_size, BZIMAGE_HEADER_NEED, BZIMAGE_PAYLOAD_LENGTH);
		return err_fail(err, "bzimage: 0x%llx bytes read, the setup header needs 0x%x",
				(ull)h.size, BZIMAGE_HEADER_NEED);
	}
	if (le16(p + BZIMAGE_BOOT_FLAG) != BZIMAGE_BOOT_FLAG_MAGIC)
		return err_fail(err, "bzimage: boot_flag at 0x%x is 0x%04x, not 0xaa55",
				BZIMAGE_BOOT_FLAG, le16(p + BZIMAGE_BOOT_FLAG));
	if (le32(p + BZIMAGE_HEADER) != BZIMAGE_HDRS_MAGIC)
		return err_fail(err, "bzimage: header at 0x%x is %02x %02x %02x %02x, not \"HdrS\"",
				BZIMAGE_HEADER, p[BZIMAGE_HEADER], p[BZIMAGE_HEADER + 1],
				p[BZIMAGE_HEADER + 2], p[BZIMAGE_HEADER + 3]);
	info->protocol = le16(p + BZIMAGE_VERSION);
	if (info->protocol < BZIMAGE_PROTOCOL_PAYLOAD)
		return err_fail(err, "bzimage: boot protocol %u.%02u predates payload_offset (2.08)",
				info->protocol >> 8, info->protocol & 0xffu);
	info->setup_sects = p[BZIMAGE_SETUP_SECTS] ? p[BZIMAGE_SETUP_SECTS] : 4u;
	/* At most 256 * 512: cannot overflow. */
	info->setup_size = ((uint64_t)info->setup_sects + 1u) * 512u;
	info->loadflags = p[BZIMAGE_LOADFLAGS];
	if (info->protocol >= 0x020c)
		info->xloadflags = le16(p + BZIMAGE_XLOADFLAGS);
	if (info->protocol >= 0x020a) {
		const uint8_t *is = bytes_at(&h, BZIMAGE_INIT_SIZE, 4);

		info->init_size = is ? le32(is) : 0;
	}
	if (info->setup_size > file_size)
		return err_fail(err, "bzimage: setup_sects %u: setup code ends at 0x%llx, beyond "
				"file size 0x%llx", info->setup_sects, (ull)info->setup_size,
				(ull)file_size);

	poff = le32(p + BZIMAGE_PAYLOAD_OFFSET);
	plen = le32(p + BZIMAGE_PAYLOAD_LENGTH);
	if (plen == 0)
		return err_fail(err, "bzimage: payload_length at 0x%x is 0: no payload",
				BZIMAGE_PAYLOAD_LENGTH);
	if (add_overflows(info->setup_size, (uint64_t)poff, &start) || start >= file_size)
		return err_fail(err, "bzimage: payload_offset 0x%x: payload starts at 0x%llx "
				"(after 0x%llx bytes of setup), beyond file size 0x%llx",
				poff, (ull)info->setup_size + poff, (ull)info->setup_size,
				(ull)file_size);
	if (add_overflows(start, (uint64_t)plen, &end) || end > file_size)
		return err_fail(err, "bzimage: payload_offset 0x%x + payload_length 0x%x: payload "
				"ends at 0x%llx, beyond file size 0x%llx", poff, plen,
				(ull)start + plen, (ull)file_size);
	info->payload_offset = start;
	info->payload_length = plen;

	bz_read_version(info, &h);
	p = bytes_at(&h, start, plen);
	if (p) {
		info->comp = bzimage_comp_of(p, plen);
		if (plen >= 4) {
			info->size_trailer = le32(p + plen - 4);
			info->has_size_trailer = true;
		}
	}
	return 0;
}

int bzimage_parse(struct bzimage_info *info, const void *buf, uint64_t size, struct err *err)
{
	struct byte_range b = { buf, size };
	const uint8_t *p;
	uint8_t m[BZIMAGE_MAGIC_LEN] = { 0 };
	uint64_t n;

	if (bzimage_parse_header(info, buf, size, size, err))
		return -1;
	if (info->comp != BZIMAGE_COMP_UNKNOWN)
		return 0;
	n = info->payload_length < BZIMAGE_MAGIC_LEN ? info->payload_length : BZIMAGE_MAGIC_LEN;
	p = bytes_at(&b, info->payload_offset, n);
	if (p)
		memcpy(m, p, (size_t)n);
	return err_fail(err, "bzimage: payload at 0x%llx: unknown compression (first bytes "
			"%02x %02x %02x %02x %02x %02x)", (ull)info->payload_offset, m[0], m[1],
			m[2], m[3], m[4], m[5]);
}

int bzimage_lz4_init(struct bzimage_lz4 *r, const uint8_t *data, uint64_t size,
		     struct err *err)
{
	struct byte_range b = { data, size };
	const uint8_t *p = bytes_at(&b, 0, 4);

	r->data = data;
	r->size = size;
	r->pos = 0;
	r->block = 0;
	if (!p || le32(p) != BZIMAGE_LZ4_MAGIC)
		return err_fail(err, "bzimage: lz4: no legacy magic 02 21 4c 18 at the start");
	r->pos = 4;
	return 0;
}

int bzimage_lz4_next(struct bzimage_lz4 *r, const uint8_t **block, uint32_t *len,
		     struct err *err)
{
	struct byte_range b = { r->data, r->size };

	for (;;) {
		uint64_t left = r->size - r->pos; /* pos <= size always */
		const uint8_t *p;
		uint32_t n;

		if (left == 0 || left == 4)
			return 0; /* the end, or only the size trailer left */
		p = bytes_at(&b, r->pos, 4);
		if (!p)
			return err_fail(err, "bzimage: lz4: %llu stray bytes at 0x%llx after block %u",
					(ull)left, (ull)r->pos, r->block);
		n = le32(p);
		if (n == BZIMAGE_LZ4_MAGIC) {
			r->pos += 4; /* a concatenated stream begins */
			continue;
		}
		if (n == 0 || n > BZIMAGE_LZ4_BLOCK_BOUND)
			return err_fail(err, "bzimage: lz4 block %u at 0x%llx: size 0x%x, not in "
					"1..0x%x", r->block, (ull)r->pos, n, BZIMAGE_LZ4_BLOCK_BOUND);
		if (n > left - 4)
			return err_fail(err, "bzimage: lz4 block %u at 0x%llx: size 0x%x beyond the "
					"0x%llx bytes left", r->block, (ull)r->pos, n,
					(ull)(left - 4));
		*block = bytes_at(&b, r->pos + 4, n);
		*len = n;
		r->pos += 4u + (uint64_t)n;
		r->block++;
		return 1;
	}
}
