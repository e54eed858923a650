/* efi_secureboot.c - see efi_secureboot.h. */
#include "loader/efi/efi_secureboot.h"
#include "loader/efi/efi_console.h"

static EFI_GUID global_guid = EFI_GLOBAL_VARIABLE;

/* A one-byte global variable; -1 when absent or of another size. */
static int read_byte_var(CHAR16 *name)
{
	UINT8 v = 0;
	UINTN size = sizeof(v);
	UINT32 attrs = 0;
	EFI_STATUS st = uefi_call_wrapper(efi_st->RuntimeServices->GetVariable, 5, name,
					  &global_guid, &attrs, &size, &v);

	return EFI_ERROR(st) || size != 1 ? -1 : v;
}

bool efi_secure_boot_enabled(void)
{
	static int known = -1;

	if (known < 0) {
		int sb = read_byte_var(L"SecureBoot"), setup = read_byte_var(L"SetupMode");
		known = sb == 1 && setup == 0;
		efi_printf("pvhboot: Secure Boot %s (SecureBoot=%d SetupMode=%d)\n",
			   known ? "on" : "off", sb, setup);
	}
	return known;
}
