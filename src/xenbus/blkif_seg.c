/*
 * blkif_seg.c - a read split along 4 KiB frames, and the vbd names (see
 * blkif_seg.h).
 */
#include "xenbus/blkif_seg.h"
#include "lib/fmt.h"

uint32_t blkif_plan(uint64_t addr, uint64_t count, unsigned max_seg, struct blkif_req_plan *out)
{
	out->nseg = 0;
	out->nsectors = 0;
	if (count == 0 || addr % BLKIF_SECTOR || max_seg == 0 || max_seg > BLKIF_SEGS)
		return 0;
	uint64_t frame = addr & ~(uint64_t)(BLKIF_FRAME - 1);
	unsigned first = (unsigned)((addr - frame) / BLKIF_SECTOR);
	while (out->nseg < max_seg && count > 0) {
		unsigned room = BLKIF_SECTORS_PER_FRAME - first;
		unsigned n = count < room ? (unsigned)count : room;
		struct blkif_seg *s = &out->seg[out->nseg++];
		s->frame = frame;
		s->first_sect = (uint8_t)first;
		s->last_sect = (uint8_t)(first + n - 1);
		out->nsectors += n;
		count -= n;
		frame += BLKIF_FRAME;
		first = 0;
	}
	return out->nsectors;
}

/* Linux's letters: 0 a, 25 z, 26 aa, 701 zz, 702 aaa (bijective base 26). */
static void letters(uint32_t index, char *out, size_t size)
{
	char tmp[8];
	unsigned n = 0;

	uint64_t i = (uint64_t)index + 1;
	while (i > 0 && n < sizeof(tmp)) {
		i--;
		tmp[n++] = (char)('a' + i % 26);
		i /= 26;
	}
	size_t k = 0;
	while (n > 0 && k + 1 < size)
		out[k++] = tmp[--n];
	if (size)
		out[k] = '\0';
}

void blkif_vdev_name(uint32_t vdev, char *out, size_t size)
{
	char l[8];

	if (vdev & (1u << 28)) {
		letters((vdev >> 8) & 0xfffffu, l, sizeof(l));
		fmt_snprintf(out, size, "xvd%s", l);
	} else if ((vdev >> 8) == 202) {
		letters((vdev & 0xffu) >> 4, l, sizeof(l));
		fmt_snprintf(out, size, "xvd%s", l);
	} else {
		fmt_snprintf(out, size, "xbd%u", vdev);
	}
}
