/*
 * efi_tpm.c - see efi_tpm.h. The protocol's layout is the TCG EFI Protocol
 * Specification's (EFI_TCG2_PROTOCOL, EFI_TCG2_EVENT with a packed header,
 * HeaderVersion 1); GNU-EFI has no declaration of it.
 */
#include "loader/efi/efi_tpm.h"
#include "lib/fmt.h"
#include "lib/sha256.h"
#include "loader/efi/efi_console.h"
#include "loader/efi/efi_file.h"

#define EV_IPL 0x0000000du
#define EVENT_TEXT_MAX 64
#define CMDLINE_MAX 4096

static EFI_GUID tcg2_guid = { 0x607f766c, 0x7455, 0x42be,
			      { 0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f } };

struct __attribute__((packed)) tcg2_event {
	UINT32 size; /* the whole structure */
	UINT32 header_size;
	UINT16 header_version;
	UINT32 pcr_index;
	UINT32 event_type;
	UINT8 event[EVENT_TEXT_MAX];
};

struct tcg2 {
	EFI_STATUS(EFIAPI *get_capability)(struct tcg2 *self, void *cap);
	EFI_STATUS(EFIAPI *get_event_log)(struct tcg2 *self, UINT32 format, UINT64 *loc,
					  UINT64 *last, BOOLEAN *truncated);
	EFI_STATUS(EFIAPI *hash_log_extend_event)(struct tcg2 *self, UINT64 flags, UINT64 data,
						  UINT64 len, struct tcg2_event *event);
};

static struct tcg2 *tcg2;
static bool looked;
static bool verbose;
static unsigned measured;
static uint32_t pcrs_measured; /* bit n: PCR n */

void efi_tpm_set_verbose(bool on)
{
	verbose = on;
}

static struct tcg2 *tpm(void)
{
	if (!looked) {
		looked = true;
		if (EFI_ERROR(uefi_call_wrapper(efi_bs->LocateProtocol, 3, &tcg2_guid, NULL,
						(void **)&tcg2)))
			tcg2 = NULL;
		if (!tcg2)
			efi_printf("pvhboot: no TPM (no EFI_TCG2_PROTOCOL): nothing is measured\n");
	}
	return tcg2;
}

void efi_tpm_measure(unsigned pcr, const void *data, uint64_t len, const char *what)
{
	static struct tcg2_event ev;
	uint8_t d[SHA256_DIGEST_SIZE];
	char hex[2 * SHA256_DIGEST_SIZE + 1];
	size_t n = strlen(what);
	struct tcg2 *t = tpm();

	if (!t)
		return;
	if (n > sizeof(ev.event))
		n = sizeof(ev.event);
	ev.size = (UINT32)(offsetof(struct tcg2_event, event) + n);
	ev.header_size = (UINT32)(offsetof(struct tcg2_event, event) - offsetof(struct tcg2_event, header_size));
	ev.header_version = 1;
	ev.pcr_index = pcr;
	ev.event_type = EV_IPL;
	memcpy(ev.event, what, n);
	EFI_STATUS st = uefi_call_wrapper(t->hash_log_extend_event, 5, t, 0,
					  (UINT64)(uintptr_t)data, len, &ev);
	if (EFI_ERROR(st)) {
		efi_printf("pvhboot: warning: measuring %s into PCR %u failed (0x%llx)\n", what, pcr,
			   (unsigned long long)st);
		return;
	}
	measured++;
	if (pcr < 32)
		pcrs_measured |= 1u << pcr;
	if (!verbose)
		return;
	sha256(data, (size_t)len, d);
	for (unsigned i = 0; i < SHA256_DIGEST_SIZE; i++) {
		static const char digits[] = "0123456789abcdef";
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[sizeof(hex) - 1] = '\0';
	efi_printf("pvhboot: measured PCR %u sha256 %s %s (%llu bytes)\n", pcr, hex, what,
		   (unsigned long long)len);
}

void efi_tpm_summary(void)
{
	char list[64];
	size_t n = 0;

	if (!tcg2 || !measured)
		return;
	list[0] = '\0';
	for (unsigned pcr = 0; pcr < 32; pcr++) {
		if (!(pcrs_measured & (1u << pcr)))
			continue;
		n += fmt_snprintf(list + n, sizeof(list) - n, "%s%u", n ? ", " : "", pcr);
		if (n >= sizeof(list))
			break;
	}
	efi_printf("pvhboot: TPM: %u measurement%s into PCR %s%s\n", measured,
		   measured == 1 ? "" : "s", list,
		   verbose ? "" : " (pvhboot.debug prints each digest)");
}

void efi_tpm_measure_cmdline(const char *cmdline)
{
	static uint16_t wide[CMDLINE_MAX + 1];
	size_t n = 0;

	if (!tpm())
		return;
	while (n < CMDLINE_MAX && cmdline[n]) {
		wide[n] = (uint8_t)cmdline[n];
		n++;
	}
	wide[n] = 0;
	efi_tpm_measure(TPM_PCR_KERNEL_CONFIG, wide, 2 * (n + 1), "kernel command line");
}

bool efi_tpm_present(void)
{
	return tpm() != NULL;
}

void efi_tpm_measure_file(EFI_FILE_HANDLE root, unsigned pcr, const char *path)
{
	struct efi_file f;
	struct err err;
	void *buf = NULL;

	if (!tpm())
		return;
	err_clear(&err);
	if (EFI_ERROR(efi_file_open(root, path, &f, &err))) {
		efi_printf("pvhboot: warning: %s: not measured: %s\n", path, err.msg);
		return;
	}
	if (EFI_ERROR(uefi_call_wrapper(efi_bs->AllocatePool, 3, EfiLoaderData, f.size ? f.size : 1,
					&buf))) {
		efi_printf("pvhboot: warning: %s: not measured: no memory for %llu bytes\n", path,
			   (unsigned long long)f.size);
	} else if (EFI_ERROR(efi_file_read_at(&f, 0, buf, f.size, &err))) {
		efi_printf("pvhboot: warning: %s: not measured: %s\n", path, err.msg);
	} else {
		efi_tpm_measure(pcr, buf, f.size, path);
	}
	if (buf)
		uefi_call_wrapper(efi_bs->FreePool, 1, buf);
	efi_file_close(&f);
}
