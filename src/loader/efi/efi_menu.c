/*
 * efi_menu.c - the boot menu (see efi_menu.h). Caller: efi_main() when
 * loader.conf asks for a menu and there is more than one entry.
 */
#include "loader/efi/efi_menu.h"
#include "loader/efi/efi_console.h"

/* Codes 0-0xffff are the firmware's: ours is the first one past them. */
#define WATCHDOG_CODE 0x10000
/* What the boot manager arms before starting a boot option (UEFI 2.10, 3.1.2). */
#define WATCHDOG_BOOT_SECONDS (5 * 60)

static void show_selection(const struct bls_entry *entries, const unsigned *order, unsigned pos)
{
	efi_printf("\rpvhboot: > %u. %-60s", pos + 1, bls_display_title(&entries[order[pos]]));
}

unsigned efi_menu_run(const struct bls_entry *entries, const unsigned *order, unsigned n,
		      unsigned default_index, const struct loader_conf *conf)
{
	unsigned pos = 0;

	/*
	 * The boot manager's 5-minute watchdog runs since it started us: a menu
	 * that waits longer (a long timeout, menu-force, a person reading)
	 * would reset the machine. Off while waiting, re-armed for loading.
	 */
	uefi_call_wrapper(efi_bs->SetWatchdogTimer, 4, 0, WATCHDOG_CODE, 0, NULL);
	for (unsigned i = 0; i < n; i++) {
		if (order[i] == default_index)
			pos = i;
		efi_printf("pvhboot:   %u. %s%s\n", i + 1, bls_display_title(&entries[order[i]]),
			   order[i] == default_index ? " (default)" : "");
	}
	efi_printf("pvhboot: Up/Down or a number, then Enter");
	if (conf->menu == LOADER_MENU_TIMEOUT)
		efi_printf("; the default boots in %u s unless a key is pressed", conf->timeout_sec);
	efi_printf("\n");
	show_selection(entries, order, pos);

	/* Count down in steps of 100 ms until the first key; then wait for Enter. */
	bool waiting = conf->menu == LOADER_MENU_TIMEOUT;
	unsigned left_ms = conf->timeout_sec * 1000;
	for (;;) {
		EFI_INPUT_KEY key;
		if (!efi_read_key(&key, waiting ? 100 : 1000 * 1000)) {
			if (!waiting)
				continue;
			left_ms = left_ms > 100 ? left_ms - 100 : 0;
			if (left_ms == 0)
				break;
			continue;
		}
		waiting = false;
		if (key.ScanCode == SCAN_UP && pos > 0)
			pos--;
		else if (key.ScanCode == SCAN_DOWN && pos + 1 < n)
			pos++;
		else if (key.UnicodeChar >= L'1' && key.UnicodeChar <= L'9' &&
			 (unsigned)(key.UnicodeChar - L'1') < n)
			pos = (unsigned)(key.UnicodeChar - L'1');
		else if (key.UnicodeChar == CHAR_CARRIAGE_RETURN || key.UnicodeChar == CHAR_LINEFEED)
			break;
		show_selection(entries, order, pos);
	}
	efi_printf("\n");
	uefi_call_wrapper(efi_bs->SetWatchdogTimer, 4, WATCHDOG_BOOT_SECONDS, WATCHDOG_CODE, 0, NULL);
	return order[pos];
}
