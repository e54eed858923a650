/* rsdp.c - RSDP validation and the BIOS-area scan (see rsdp.h). */
#include "loader/common/rsdp.h"

static uint8_t sum_bytes(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

bool rsdp_valid(const uint8_t *p, uint32_t avail)
{
	if (avail < 20 || memcmp(p, "RSD PTR ", 8) != 0 || sum_bytes(p, 20) != 0)
		return false;
	if (p[15] >= 2) {
		/* The length field (offset 20) and the 2.0 fields need 36 bytes. */
		if (avail < 36)
			return false;
		uint32_t len = le32(p + 20);
		if (len < 36 || len > avail)
			return false;
		return sum_bytes(p, len) == 0;
	}
	return true;
}

static uint64_t scan(const struct phys_mem *pm, uint64_t start, uint64_t len)
{
	const uint8_t *area = phys_map(pm, start, len);

	if (!area)
		return 0;
	/* 20 bytes suffice for a 1.0 RSDP; rsdp_valid() checks a longer one's length. */
	for (uint64_t off = 0; off + 20 <= len; off += 16)
		if (rsdp_valid(area + off, (uint32_t)(len - off)))
			return start + off;
	return 0;
}

uint64_t rsdp_scan_bios(const struct phys_mem *pm)
{
	const uint8_t *bda = phys_map(pm, 0x40e, 2);
	uint64_t found = 0;

	if (bda) {
		uint64_t ebda = (uint64_t)le16(bda) << 4;
		if (ebda >= 0x80000 && ebda < 0xa0000)
			found = scan(pm, ebda, 1024);
	}
	if (!found)
		found = scan(pm, 0xe0000, 0x20000);
	return found;
}
