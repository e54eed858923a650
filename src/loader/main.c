/*
 * main.c - the C entry points of the 32-bit image, called from entry.S with
 * a stack and a zeroed BSS: identify the boot protocol, turn its data into
 * a boot request, and hand over to boot_run().
 */
#include "lib/fmt.h"
#include "loader/boot.h"
#include "loader/common/pvh_info.h"
#include "loader/console.h"
#include "loader/disk/disk.h"
#include "loader/multiboot/multiboot.h"
#include "xen/xen_abi.h"
#include "xen/xen_guest.h"
#include "xen/xen_pv.h"

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

/* Xen's E820 map of this domain, asked for when pvhboot runs under Xen. */
static uint8_t xen_e820[MEMMAP_MAX * XEN_E820_ENTRY_SIZE];

/*
 * Under Xen: install the hypercall page, print through Xen's console and
 * fetch the domain's memory map, which Xen 4.17's PVH dom0 builder leaves
 * out of its (version 0) start info. Returns NULL when not under Xen.
 */
static const struct pvh_xen *pvh_xen_setup(struct pvh_xen *out)
{
	struct xen_cpuid_info xen;
	uint32_t page, n;

	if (!xen_cpuid_find(xen_cpuid_hw, NULL, &xen))
		return NULL;
	*out = (struct pvh_xen){ 0 };
	if (xen_hypercall_init(&xen, &page)) {
		console_printf("pvhboot: Xen (CPUID 0x%x) offers no hypercall page\n", xen.base);
		return out;
	}
	console_set_sink(xen_console_write);
	/* A domU's user sees its PV console (`xl console`), not Xen's log where 0xe9 goes. */
	xen_pv_set_tsc_khz(xen_tsc_khz());
	if (xen_pvcons_init() == 0)
		console_set_domain_console(xen_pvcons_write, xen_pvcons_poll_key, xen_pvcons_drain);
	console_printf("pvhboot: running under Xen %u.%u (CPUID 0x%x), hypercall page at 0x%x "
		       "(MSR 0x%x)\n",
		       xen.version >> 16, xen.version & 0xffff, xen.base, page, xen.hypercall_msr);
	long rc = xen_memory_map(xen_e820, MEMMAP_MAX, &n);
	if (rc) {
		console_printf("pvhboot: Xen's XENMEM_memory_map failed: %ld\n", rc);
		return out;
	}
	console_printf("pvhboot: Xen's memory map of this domain: %u entries\n", n);
	out->e820 = (struct pvh_e820){ .buf = xen_e820, .size = sizeof(xen_e820), .n = n };
	return out;
}

void loader_pvh_main(uint32_t start_info)
{
	struct pvh_xen xen_buf;
	struct err err;

	console_init();
	err_clear(&err);
	console_puts("pvhboot " PVHBOOT_VERSION ": started through its PVH entry\n");
	const struct pvh_xen *xen = pvh_xen_setup(&xen_buf);
	if (pvh_info_parse_xen(&request, &options, &identity, start_info, xen, &err))
		loader_fail(&options, err.msg);
	if (!request.have_kernel)
		disk_boot(&request, &options);
	boot_run(&request, &options);
}
