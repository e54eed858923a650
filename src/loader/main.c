/*
 * main.c - the C entry points of the 32-bit image, called from entry.S with
 * a stack and a zeroed BSS: identify the boot protocol, turn its data into
 * a boot request, and hand over to boot_run().
 */
#include "lib/fmt.h"
#include "loader/boot.h"
#include "loader/common/pvh_info.h"
#include "loader/console.h"
#include "loader/multiboot/multiboot.h"

__attribute__((noreturn)) void loader_multiboot_main(uint32_t magic, uint32_t info);
__attribute__((noreturn)) void loader_pvh_main(uint32_t start_info);

static struct bootreq request;
static struct loader_options options;

/* Physical memory as the loader sees it: paging off, every address below 4 GiB. */
static const void *phys_map_identity(const struct phys_mem *pm, uint64_t addr, uint64_t len)
{
	uint64_t end;

	(void)pm;
	if (add_overflows(addr, len, &end) || end > 0x100000000ull)
		return NULL;
	return (const void *)(uintptr_t)addr;
}

static const struct phys_mem identity = { phys_map_identity, NULL, 0, 0 };

void loader_multiboot_main(uint32_t magic, uint32_t info)
{
	struct err err;
	int rc;

	console_init();
	err_clear(&err);
	if (magic == MB2_BOOT_MAGIC) {
		console_puts("pvhboot " PVHBOOT_VERSION ": started by a multiboot2 loader\n");
		rc = mb2_parse(&request, &identity, info, &err);
	} else if (magic == MB1_BOOT_MAGIC) {
		console_puts("pvhboot " PVHBOOT_VERSION ": started by a multiboot1 loader\n");
		rc = mb1_parse(&request, &identity, info, &err);
	} else {
		char msg[96];
		console_puts("pvhboot " PVHBOOT_VERSION "\n");
		fmt_snprintf(msg, sizeof(msg),
			     "entered at e_entry with %%eax 0x%x: not a multiboot magic", magic);
		loader_fail(NULL, msg);
	}
	options_parse(&options, request.loader_cmdline, true, NULL, 0);
	if (rc)
		loader_fail(&options, err.msg);
	boot_run(&request, &options);
}

void loader_pvh_main(uint32_t start_info)
{
	struct err err;

	console_init();
	err_clear(&err);
	console_puts("pvhboot " PVHBOOT_VERSION ": started through its PVH entry\n");
	if (pvh_info_parse(&request, &options, &identity, start_info, &err))
		loader_fail(&options, err.msg);
	boot_run(&request, &options);
}
