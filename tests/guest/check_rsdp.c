/*
 * check_rsdp.c - the ACPI RSDP the loader handed over (rsdp_paddr): its
 * signature "RSD PTR ", the ACPI 1.0 checksum over the first 20 bytes and,
 * for revision >= 2, the extended checksum over `length` bytes. Required
 * unless the kernel command line says expect.rsdp=0 (firmware without
 * ACPI). Called by guest_main().
 */
#include "guest.h"
#include "loader/console.h"

#define RSDP_V1_LEN 20
#define RSDP_V2_MIN_LEN 36
#define RSDP_MAX_LEN 4096 /* anything larger is garbage, not a table */

static uint8_t phys_sum(uint64_t addr, uint32_t len)
{
	const volatile uint8_t *p = phys_ptr(addr);
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum;
}

void check_rsdp(const struct handover *h)
{
	uint64_t a = h->si.rsdp_paddr;
	struct check c;

	check_begin(&c, "rsdp");
	if (!h->si_readable) {
		check_fail(&c, "no start info");
		check_end(&c);
		return;
	}
	if (a == 0) {
		if (cmdline_has_token(h->cmdline.text, "expect.rsdp=0"))
			console_printf("rsdp: none, as expect.rsdp=0 says\n");
		else
			check_fail(&c, "rsdp_paddr is 0 (pass expect.rsdp=0 if there is no ACPI)");
		check_end(&c);
		return;
	}
	if (!phys_ok(a, RSDP_V1_LEN)) {
		check_fail(&c, "rsdp_paddr 0x%llx + %u beyond 4 GiB", (unsigned long long)a,
			   RSDP_V1_LEN);
		check_end(&c);
		return;
	}
	const volatile uint8_t *p = phys_ptr(a);
	static const char sig[8] = "RSD PTR ";
	char oem[7];
	for (unsigned i = 0; i < 6; i++)
		oem[i] = (p[9 + i] >= 0x20 && p[9 + i] < 0x7f) ? (char)p[9 + i] : '.';
	oem[6] = '\0';
	uint8_t rev = p[15];
	console_printf("rsdp: at 0x%llx revision %u oem \"%s\" rsdt 0x%08x\n",
		       (unsigned long long)a, rev, oem, phys_le32(a + 16));
	for (unsigned i = 0; i < 8; i++)
		if (p[i] != (uint8_t)sig[i]) {
			check_fail(&c, "signature byte %u is 0x%02x, want \"RSD PTR \"", i, p[i]);
			check_end(&c);
			return;
		}
	uint8_t sum = phys_sum(a, RSDP_V1_LEN);
	if (sum != 0)
		check_fail(&c, "checksum of the first 20 bytes is 0x%02x, want 0", sum);
	if (rev >= 2) {
		if (!phys_ok(a, RSDP_V2_MIN_LEN)) {
			check_fail(&c, "revision %u RSDP at 0x%llx runs past 4 GiB", rev,
				   (unsigned long long)a);
			check_end(&c);
			return;
		}
		uint32_t len = phys_le32(a + 20);
		console_printf("rsdp: length %u xsdt 0x%llx\n", len,
			       (unsigned long long)phys_le64(a + 24));
		if (len < RSDP_V2_MIN_LEN || len > RSDP_MAX_LEN || !phys_ok(a, len))
			check_fail(&c, "revision %u length %u outside %u..%u (or past 4 GiB)", rev,
				   len, RSDP_V2_MIN_LEN, RSDP_MAX_LEN);
		else if ((sum = phys_sum(a, len)) != 0)
			check_fail(&c, "extended checksum over %u bytes is 0x%02x, want 0", len,
				   sum);
	}
	check_end(&c);
}
