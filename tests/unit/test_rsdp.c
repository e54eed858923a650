/*
 * test_rsdp.c - unit tests of rsdp_valid() and rsdp_scan_bios()
 * (src/loader/common/rsdp.c): ACPI 1.0 and 2.0+ checksums (ACPI 6.4,
 * 5.2.5.3) and the BIOS scan of the EBDA's first KiB and 0xe0000-0xfffff on
 * a host buffer standing for the first MiB. Suite "rsdp".
 */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "loader/common/rsdp.h"

#define LOW_MEM 0x100000u

static uint8_t low[LOW_MEM];

static uint8_t sum(const uint8_t *p, unsigned n)
{
	uint8_t s = 0;

	for (unsigned i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

/* A valid RSDP of the given revision; length is the 2.0 length field. */
static void make_rsdp(uint8_t *p, unsigned revision, uint32_t length)
{
	memset(p, 0, revision >= 2 ? length : 20);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "BOCHS ", 6);
	p[15] = (uint8_t)revision;
	put_le32(p + 16, 0x7fe14d2);
	p[8] = (uint8_t)-sum(p, 20);
	if (revision >= 2) {
		put_le32(p + 20, length);
		put_le64(p + 24, 0x7fe1500);
		p[32] = (uint8_t)-sum(p, length);
	}
}

Test(rsdp, v1_checksum)
{
	uint8_t p[36];

	make_rsdp(p, 0, 0);
	cr_assert(rsdp_valid(p, 20));
	cr_assert(rsdp_valid(p, 36));
	cr_assert(!rsdp_valid(p, 19), "20 bytes are needed");
	p[8]++;
	cr_assert(!rsdp_valid(p, 20), "checksum of the first 20 bytes");
	p[8]--;
	p[19] ^= 0x40;
	cr_assert(!rsdp_valid(p, 20));
	p[19] ^= 0x40;
	p[7] = '_';
	p[8] = (uint8_t)(p[8] - '_' + ' '); /* checksum still right, signature not */
	cr_assert_eq(sum(p, 20), 0);
	cr_assert(!rsdp_valid(p, 20), "signature");
}

Test(rsdp, v1_ignores_bytes_after_20)
{
	uint8_t p[36];

	make_rsdp(p, 0, 0);
	memset(p + 20, 0xa5, 16);
	cr_assert(rsdp_valid(p, 36));
}

Test(rsdp, v2_checksums)
{
	uint8_t p[64];

	make_rsdp(p, 2, 36);
	cr_assert(rsdp_valid(p, 36));
	cr_assert(!rsdp_valid(p, 35), "the whole length must be available");
	cr_assert(!rsdp_valid(p, 20));
	p[33] = 1; /* reserved byte: breaks only the extended checksum */
	cr_assert_eq(sum(p, 20), 0);
	cr_assert(!rsdp_valid(p, 36), "extended checksum");

	make_rsdp(p, 2, 40); /* a longer table of a later revision */
	cr_assert(rsdp_valid(p, 40));
	cr_assert(!rsdp_valid(p, 39));

	make_rsdp(p, 2, 36);
	put_le32(p + 20, 24); /* length below the 2.0 size */
	p[8] = (uint8_t)(p[8] - sum(p, 20));
	cr_assert_eq(sum(p, 20), 0);
	cr_assert(!rsdp_valid(p, 36), "length 24 < 36");
}

Test(rsdp, short_v2_never_read_past_avail)
{
	/* 20..35 bytes before an unreadable page: the 2.0 length at offset 20 is out of reach. */
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *two = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(two, MAP_FAILED);
	cr_assert_eq(mprotect(two + page, (size_t)page, PROT_NONE), 0);
	for (uint32_t avail = 20; avail < 36; avail++) {
		uint8_t *p = two + page - avail;
		uint8_t full[36];

		make_rsdp(full, 2, 36);
		memcpy(p, full, avail);
		cr_assert(!rsdp_valid(p, avail), "a 2.0 RSDP needs 36 bytes, %u given", avail);
	}
	munmap(two, 2 * (size_t)page);
}

Test(rsdp, scan_nothing)
{
	struct phys_mem pm = phys_buffer(low, 0, LOW_MEM);

	memset(low, 0, sizeof(low));
	cr_assert_eq(rsdp_scan_bios(&pm), 0);
	/* Memory that does not reach the BIOS area reads as no RSDP. */
	pm = phys_buffer(low, 0, 0xe0000);
	cr_assert_eq(rsdp_scan_bios(&pm), 0);
}

Test(rsdp, scan_bios_area)
{
	struct phys_mem pm = phys_buffer(low, 0, LOW_MEM);

	memset(low, 0, sizeof(low));
	make_rsdp(low + 0xf6a10, 2, 36);
	cr_assert_eq(rsdp_scan_bios(&pm), 0xf6a10);
	/* Only 16-byte boundaries count. */
	memset(low, 0, sizeof(low));
	make_rsdp(low + 0xf6a18, 0, 0);
	cr_assert_eq(rsdp_scan_bios(&pm), 0);
	/* The first valid one wins; an invalid one before it is passed over. */
	memset(low, 0, sizeof(low));
	make_rsdp(low + 0xe0000, 0, 0);
	low[0xe0000 + 8]++;
	make_rsdp(low + 0xe1230, 0, 0);
	make_rsdp(low + 0xf0000, 0, 0);
	cr_assert_eq(rsdp_scan_bios(&pm), 0xe1230);
}

Test(rsdp, scan_bios_area_last_paragraphs)
{
	struct phys_mem pm = phys_buffer(low, 0, LOW_MEM);

	/* A 1.0 RSDP is 20 bytes: one starting 32 bytes before 1 MiB fits. */
	memset(low, 0, sizeof(low));
	make_rsdp(low + 0xfffe0, 0, 0);
	cr_assert_eq(rsdp_scan_bios(&pm), 0xfffe0);
}

Test(rsdp, scan_ebda_first)
{
	struct phys_mem pm = phys_buffer(low, 0, LOW_MEM);

	memset(low, 0, sizeof(low));
	put_le32(low + 0x40e, 0x9fc0); /* EBDA at 0x9fc00 */
	make_rsdp(low + 0x9fc00 + 0x3e0, 0, 0); /* its 20 bytes end inside the KiB */
	make_rsdp(low + 0xf0000, 2, 36);
	cr_assert_eq(rsdp_scan_bios(&pm), 0x9ffe0);

	/* Only the EBDA's first KiB is searched. */
	memset(low, 0, sizeof(low));
	put_le32(low + 0x40e, 0x9f00);
	make_rsdp(low + 0x9f000 + 0x400, 0, 0);
	cr_assert_eq(rsdp_scan_bios(&pm), 0);
	make_rsdp(low + 0xf0000, 2, 36);
	cr_assert_eq(rsdp_scan_bios(&pm), 0xf0000);
}

Test(rsdp, scan_ignores_implausible_ebda)
{
	struct phys_mem pm = phys_buffer(low, 0, LOW_MEM);

	/* A BDA word pointing below 512 KiB is not an EBDA. */
	memset(low, 0, sizeof(low));
	put_le32(low + 0x40e, 0x1000);
	make_rsdp(low + 0x10000, 0, 0);
	cr_assert_eq(rsdp_scan_bios(&pm), 0);
	make_rsdp(low + 0xe8880, 0, 0);
	cr_assert_eq(rsdp_scan_bios(&pm), 0xe8880);
}
