/*
 * bzimage_builder.c - builds small bzImages in memory for the bzImage tests
 * (see bzimage_builder.h).
 */
#include "bzimage_builder.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bzb_set(struct bzb *b, size_t off, unsigned width, uint64_t v)
{
	assert(off <= b->size && width <= b->size - off);
	for (unsigned i = 0; i < width; i++)
		b->buf[off + i] = (uint8_t)(v >> (8 * i));
}

void bzb_make(struct bzb *b, const void *payload, size_t len)
{
	b->size = BZB_PAYLOAD + len + BZB_PAD;
	b->buf = calloc(1, b->size);
	assert(b->buf);
	bzb_set(b, 0x1f1, 1, 1);              /* setup_sects */
	bzb_set(b, 0x1fe, 2, 0xaa55);         /* boot_flag */
	memcpy(b->buf + 0x202, "HdrS", 4);    /* header */
	bzb_set(b, 0x206, 2, 0x020f);         /* version: 2.15 */
	bzb_set(b, 0x20e, 2, 0x300 - 0x200);  /* kernel_version */
	bzb_set(b, 0x211, 1, 1);              /* loadflags: LOADED_HIGH */
	bzb_set(b, 0x236, 2, 0x7f);           /* xloadflags, as Debian's */
	bzb_set(b, 0x248, 4, BZB_PAYLOAD - BZB_SETUP_SIZE); /* payload_offset */
	bzb_set(b, 0x24c, 4, len);            /* payload_length */
	bzb_set(b, 0x260, 4, 0x1000000);      /* init_size */
	memcpy(b->buf + 0x300, BZB_VERSION, sizeof(BZB_VERSION));
	memset(b->buf + BZB_SETUP_SIZE, 0x90, BZB_PAYLOAD - BZB_SETUP_SIZE);
	if (len)
		memcpy(b->buf + BZB_PAYLOAD, payload, len);
}

void bzb_make_trailer(struct bzb *b, const void *payload, size_t len, uint32_t trailer)
{
	uint8_t *p = malloc(len + 4);

	assert(p);
	if (len)
		memcpy(p, payload, len);
	for (unsigned i = 0; i < 4; i++)
		p[len + i] = (uint8_t)(trailer >> (8 * i));
	bzb_make(b, p, len + 4);
	free(p);
}

void bzb_free(struct bzb *b)
{
	free(b->buf);
	b->buf = NULL;
	b->size = 0;
}

bool bzb_write_file(const struct bzb *b, const char *path)
{
	FILE *f = fopen(path, "wb");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(b->buf, 1, b->size, f) == b->size;
	return fclose(f) == 0 && ok;
}
