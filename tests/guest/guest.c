/*
 * guest.c - guest_main(), called once by entry.S with the CPU state as the
 * loader left it. Prints what was handed over, runs every check in turn
 * (each prints PASS/FAIL lines), prints the verdict line and exits QEMU
 * through isa-debug-exit: 0x10 on pass (QEMU status 33), 0x11 on failure
 * (status 35). Halts if the exit device is absent.
 */
#include "guest.h"
#include "loader/console.h"
#include "hw/portio.h"

#define EXIT_PASS 0x10 /* QEMU exits with (0x10 << 1) | 1 = 33 */
#define EXIT_FAIL 0x11 /* (0x11 << 1) | 1 = 35 */

/* About 8 KiB: kept out of the 32 KiB stack. */
static struct handover guest_handover;

__attribute__((noreturn)) void guest_main(const struct guest_cpu_state *cpu);

void guest_main(const struct guest_cpu_state *cpu)
{
	struct handover *h = &guest_handover;

	console_init();
	console_printf("pvh-testguest: image [0x%08x, 0x%08x)\n",
		       (uint32_t)(uintptr_t)__image_start, (uint32_t)(uintptr_t)__image_end);
	handover_read(h, cpu);
	handover_print(h);

	check_cpu(h);
	check_segments(h);
	check_start_info(h);
	check_memmap(h);
	check_load();
	check_modules(h);
	check_cmdline(h);
	check_rsdp(h);

	bool ok = report_verdict();
	outb(QEMU_EXIT_PORT, ok ? EXIT_PASS : EXIT_FAIL);
	cpu_halt_forever();
}
