/*
 * boot.h - the common boot path of the 32-bit front ends: prepare, report,
 * write the boot data and the hand-off area, enter the stub. Never returns:
 * on any error it prints the reason and stops (see loader_fail).
 */
#ifndef PVHBOOT_BOOT_H
#define PVHBOOT_BOOT_H

#include "loader/common/bootreq.h"
#include "loader/common/options.h"

#define PVHBOOT_VERSION "0.1"

/* QEMU isa-debug-exit value written on errors with exit-on-error: status 67. */
#define LOADER_EXIT_ERROR 0x21

__attribute__((noreturn)) void boot_run(struct bootreq *req, const struct loader_options *opts);

/*
 * A device to let go of once the plan is made, before the loader writes
 * anything (firmware mode's Xen vbds: their backends must be disconnected
 * while pvhboot's pages are still its own). Its failure stops the boot.
 */
void boot_set_release(int (*release)(struct err *err));

/* Print "pvhboot: error: MSG", then halt (or exit QEMU with exit-on-error). */
__attribute__((noreturn)) void loader_fail(const struct loader_options *opts, const char *msg);

#endif
