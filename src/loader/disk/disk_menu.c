/*
 * disk_menu.c - the serial boot menu (see disk_menu.h). Keys: 1-9 pick an
 * entry, ESC [ A / ESC [ B (a terminal's Up/Down) move, Enter boots; the
 * first key stops the countdown.
 */
#include "loader/disk/disk_menu.h"
#include "hw/portio.h"
#include "loader/console.h"

static void show_selection(const struct bls_entry *entries, const unsigned *order, unsigned pos)
{
	console_printf("\rpvhboot: > %u. %-60s", pos + 1, bls_display_title(&entries[order[pos]]));
}

unsigned disk_menu_run(const struct bls_entry *entries, const unsigned *order, unsigned n,
		       unsigned default_index, const struct loader_conf *conf, uint32_t tsc_khz)
{
	unsigned pos = 0;

	for (unsigned i = 0; i < n; i++) {
		if (order[i] == default_index)
			pos = i;
		console_printf("pvhboot:   %u. %s%s\n", i + 1, bls_display_title(&entries[order[i]]),
			       order[i] == default_index ? " (default)" : "");
	}
	console_puts("pvhboot: a number or Up/Down, then Enter");
	if (conf->menu == LOADER_MENU_TIMEOUT)
		console_printf("; the default boots in %u s unless a key is pressed",
			       conf->timeout_sec);
	console_puts("\n");
	show_selection(entries, order, pos);

	bool waiting = conf->menu == LOADER_MENU_TIMEOUT;
	uint64_t khz = tsc_khz ? tsc_khz : 1000000;
	uint64_t deadline = cpu_rdtsc() + (uint64_t)conf->timeout_sec * 1000u * khz;
	unsigned esc = 0; /* 0, 1 after ESC, 2 after ESC [ */
	for (;;) {
		int c = console_poll_key();
		if (c < 0) {
			if (waiting && cpu_rdtsc() >= deadline)
				break;
			__asm__ volatile("pause");
			continue;
		}
		waiting = false;
		if (esc == 1) {
			esc = c == '[' ? 2 : 0;
			continue;
		}
		if (esc == 2) {
			esc = 0;
			if (c == 'A' && pos > 0)
				pos--;
			else if (c == 'B' && pos + 1 < n)
				pos++;
		} else if (c == 27) {
			esc = 1;
			continue;
		} else if (c >= '1' && c <= '9' && (unsigned)(c - '1') < n) {
			pos = (unsigned)(c - '1');
		} else if (c == '\r' || c == '\n') {
			break;
		}
		show_selection(entries, order, pos);
	}
	console_puts("\n");
	return order[pos];
}
