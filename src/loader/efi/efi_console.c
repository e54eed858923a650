/*
 * efi_console.c - console output and key input through the UEFI system
 * table. Caller: every file of the UEFI front end, before ExitBootServices.
 */
#include "loader/efi/efi_console.h"
#include "lib/fmt.h"

EFI_SYSTEM_TABLE *efi_st;
EFI_BOOT_SERVICES *efi_bs;

void efi_console_init(EFI_SYSTEM_TABLE *st)
{
	efi_st = st;
	efi_bs = st->BootServices;
}

static void efi_write_ascii(const char *s, size_t n)
{
	CHAR16 buf[130];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			buf[k++] = L'\r';
		buf[k++] = (CHAR16)(uint8_t)s[i];
		if (k >= ARRAY_SIZE(buf) - 2 || i + 1 == n) {
			buf[k] = 0;
			uefi_call_wrapper(efi_st->ConOut->OutputString, 2, efi_st->ConOut, buf);
			k = 0;
		}
	}
}

void efi_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	size_t n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	efi_write_ascii(buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
}

EFI_STATUS efi_fail(EFI_STATUS status, const char *msg)
{
	efi_printf("pvhboot: error: %s\n", msg);
	efi_printf("pvhboot: returning to the firmware (status 0x%llx)\n",
		   (unsigned long long)status);
	uefi_call_wrapper(efi_bs->Stall, 1, 3 * 1000 * 1000);
	return status;
}

bool efi_read_key(EFI_INPUT_KEY *key, unsigned timeout_ms)
{
	for (unsigned waited = 0;; waited += 10) {
		EFI_STATUS st = uefi_call_wrapper(efi_st->ConIn->ReadKeyStroke, 2, efi_st->ConIn, key);
		if (!EFI_ERROR(st))
			return true;
		if (waited >= timeout_ms)
			return false;
		uefi_call_wrapper(efi_bs->Stall, 1, 10 * 1000);
	}
}
