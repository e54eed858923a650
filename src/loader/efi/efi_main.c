/*
 * efi_main.c - pvhboot.efi's entry: pick what to boot, then efi_boot().
 *
 * Caller: the firmware (a boot entry, the removable-media path
 * \EFI\BOOT\BOOTX64.EFI, or the UEFI shell), in long mode with boot services.
 * The load options win over the configuration files:
 *   pvhboot.efi linux=\vmlinux initrd=\a.img initrd=\b.img -- console=ttyS0
 * Otherwise /loader/loader.conf and /loader/entries/NAME.conf (Boot Loader
 * Specification type 1) and /EFI/Linux/NAME.efi (type 2: unified kernel
 * images) on the volume pvhboot.efi was loaded from. A PVH ELF boots
 * through efi_boot(); an EFI image (a bzImage, a UKI) starts through the
 * firmware (efi_image.c), which verifies it (with shim's help when shim
 * started us, efi_shim.c). With Secure Boot on, only the latter. When pvhboot.efi is itself a UKI (it carries .linux), it boots
 * what it carries and reads no configuration (efi_uki.c). Every failure
 * returns an EFI error status, so the firmware tries its next option.
 */
#include <efi.h>

#include "lib/fmt.h"
#include "loader/common/options.h"
#include "loader/config/bls.h"
#include "loader/config/loader_conf.h"
#include "loader/config/loadopt.h"
#include "loader/config/menu_select.h"
#include "loader/efi/efi_boot.h"
#include "loader/efi/efi_console.h"
#include "loader/efi/efi_file.h"
#include "loader/efi/efi_image.h"
#include "loader/efi/efi_menu.h"
#include "loader/efi/efi_secureboot.h"
#include "loader/efi/efi_tpm.h"
#include "loader/efi/efi_uki.h"

#define PVHBOOT_VERSION "0.1"
#define ENTRIES_DIR "\\loader\\entries"
#define TYPE2_DIR "\\EFI\\Linux"
#define CONFIG_FILE_MAX (64 * 1024)

/* GNU-EFI's crt0 converts the firmware's Microsoft x64 call: efi_main is SysV. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

static EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;

static struct loadopt opts;
static struct loader_conf conf;
static struct efi_selection sel;
static char file_buf[CONFIG_FILE_MAX];
/* The loader entries' pool: freed when we return to the firmware. */
static void *entries_pool;
static EFI_FILE_HANDLE opened_root;
static bool entry_debug; /* pvhboot.debug in the chosen entry's options */

/* What efi_main holds: given back before returning to the firmware. */
static void give_back(void)
{
	if (entries_pool)
		uefi_call_wrapper(efi_bs->FreePool, 1, entries_pool);
	entries_pool = NULL;
	if (opened_root)
		uefi_call_wrapper(opened_root->Close, 1, opened_root);
	opened_root = NULL;
}

struct entry_list {
	EFI_FILE_HANDLE root;
	struct bls_entry *entries;
	unsigned n;
};

/* Called for each /loader/entries/NAME.conf: parse it; a broken one is reported and skipped. */
static int add_entry(void *ctx, const char *name)
{
	struct entry_list *l = ctx;
	char path[CONFIG_PATH_MAX], id[CONFIG_ID_MAX];
	struct err err;
	size_t len;

	err_clear(&err);
	if (l->n >= CONFIG_MAX_ENTRIES) {
		efi_printf("pvhboot: warning: more than %d loader entries; %s ignored\n",
			   CONFIG_MAX_ENTRIES, name);
		return 0;
	}
	fmt_snprintf(path, sizeof(path), ENTRIES_DIR "\\%s", name);
	if (EFI_ERROR(efi_file_slurp(l->root, path, file_buf, sizeof(file_buf), &len, &err)) ||
	    bls_id_from_filename(id, sizeof(id), name, &err) ||
	    bls_parse(&l->entries[l->n], id, file_buf, len, path, &err)) {
		efi_printf("pvhboot: error: %s (entry skipped)\n", err.msg);
		return 0;
	}
	struct bls_entry *e = &l->entries[l->n];
	if (e->nunknown)
		efi_printf("pvhboot: warning: %s:%u: unknown key '%s' ignored\n", path,
			   e->first_unknown_line, e->first_unknown);
	l->n++;
	return 0;
}

/* Called for each /EFI/Linux/NAME.efi: a type 2 entry; a broken one is reported and skipped. */
static int add_uki_entry(void *ctx, const char *name)
{
	struct entry_list *l = ctx;
	struct err err;

	err_clear(&err);
	if (l->n >= CONFIG_MAX_ENTRIES) {
		efi_printf("pvhboot: warning: more than %d loader entries; %s ignored\n",
			   CONFIG_MAX_ENTRIES, name);
		return 0;
	}
	if (efi_uki_entry(l->root, name, &l->entries[l->n], &err)) {
		efi_printf("pvhboot: error: %s (entry skipped)\n", err.msg);
		return 0;
	}
	l->n++;
	return 0;
}

static EFI_STATUS select_from_entries(EFI_FILE_HANDLE root, struct err *err)
{
	static unsigned order[CONFIG_MAX_ENTRIES];
	struct entry_list l = { root, NULL, 0 };
	size_t len;
	EFI_STATUS st;

	loader_conf_defaults(&conf);
	st = efi_file_slurp(root, "\\loader\\loader.conf", file_buf, sizeof(file_buf), &len, err);
	if (st == EFI_NOT_FOUND) {
		err_clear(err);
	} else if (EFI_ERROR(st) || loader_conf_parse(&conf, file_buf, len, "/loader/loader.conf", err)) {
		return EFI_ERROR(st) ? st : EFI_INVALID_PARAMETER;
	} else if (conf.nunknown) {
		efi_printf("pvhboot: warning: /loader/loader.conf:%u: key '%s' not used\n",
			   conf.first_unknown_line, conf.first_unknown);
	}

	st = uefi_call_wrapper(efi_bs->AllocatePool, 3, EfiLoaderData,
			       CONFIG_MAX_ENTRIES * sizeof(struct bls_entry), (void **)&l.entries);
	if (EFI_ERROR(st)) {
		err_fail(err, "efi: no memory for the loader entries");
		return st;
	}
	entries_pool = l.entries;
	st = efi_dir_each(root, ENTRIES_DIR, ".conf", add_entry, &l, err);
	if (EFI_ERROR(st) && st != EFI_NOT_FOUND)
		return st;
	err_clear(err);
	st = efi_dir_each(root, TYPE2_DIR, ".efi", add_uki_entry, &l, err);
	if (EFI_ERROR(st) && st != EFI_NOT_FOUND)
		return st;
	err_clear(err);
	if (l.n == 0) {
		err_fail(err, "nothing to boot: no load options (linux=...), no usable "
			      "/loader/entries/*.conf and no /EFI/Linux/*.efi");
		return EFI_NOT_FOUND;
	}

	menu_sort(l.entries, l.n, order);
	unsigned chosen;
	if (opts.has_entry) {
		chosen = l.n;
		for (unsigned i = 0; i < l.n; i++)
			if (strcmp(l.entries[i].id, opts.entry) == 0)
				chosen = i;
		if (chosen == l.n) {
			err_fail(err, "load options: entry=%s: no such loader entry", opts.entry);
			return EFI_NOT_FOUND;
		}
	} else {
		chosen = order[menu_pick_default(l.entries, order, l.n, conf.default_pattern)];
		if (conf.menu == LOADER_MENU_FORCE || (conf.menu == LOADER_MENU_TIMEOUT && l.n > 1))
			chosen = efi_menu_run(l.entries, order, l.n, chosen, &conf);
	}

	struct bls_entry *e = &l.entries[chosen];
	efi_printf("pvhboot: booting entry '%s' (%s)\n", e->id, bls_display_title(e));
	sel.title = bls_display_title(e);
	sel.linux_path = e->linux_path;
	sel.efi_path = e->is_efi ? e->efi_path : NULL;
	sel.ninitrds = e->ninitrd;
	for (unsigned i = 0; i < e->ninitrd; i++)
		sel.initrd_paths[i] = e->initrd[i];
	/*
	 * pvhboot.* words in the options are the loader's (options.h, as on the
	 * PVH path): pvhboot.reloc=ADDR, pvhboot.debug. The rest is the kernel's.
	 */
	static char kernel_cmdline[CONFIG_OPTIONS_MAX + 1];
	struct loader_options lo;
	memset(&lo, 0, sizeof(lo));
	options_parse(&lo, e->options, false, kernel_cmdline, sizeof(kernel_cmdline));
	if (lo.bad[0]) {
		err_fail(err, ENTRIES_DIR "\\%s.conf: options: pvhboot.%s: malformed (reloc= takes "
			      "0x... hex or decimal)", e->id, lo.bad);
		return EFI_INVALID_PARAMETER;
	}
	for (unsigned i = 0; i < lo.nunknown; i++)
		efi_printf("pvhboot: warning: " ENTRIES_DIR "\\%s.conf: unknown option pvhboot.%s\n",
			   e->id, lo.unknown[i]);
	sel.has_reloc = lo.reloc_forced;
	sel.reloc = lo.reloc_base;
	entry_debug = lo.debug;
	sel.cmdline = kernel_cmdline;
	return EFI_SUCCESS;
}

/*
 * We are a unified kernel image: boot the .linux ELF we carry through PVH,
 * with our .initrd and command line; no configuration is read.
 */
static EFI_STATUS boot_uki(EFI_HANDLE image, EFI_LOADED_IMAGE *li, struct efi_uki *u)
{
	efi_printf("pvhboot: unified kernel image%s%s: .linux %llu bytes, .initrd %llu bytes\n",
		   u->uname[0] ? " " : "", u->uname, (unsigned long long)u->linux_size,
		   (unsigned long long)u->initrd_size);
	sel.title = ".linux";
	sel.linux_path = ".linux";
	sel.linux_data = u->linux_data;
	sel.linux_size = u->linux_size;
	if (u->initrd_data && u->initrd_size) {
		sel.initrd_data = u->initrd_data;
		sel.initrd_size = u->initrd_size;
		sel.ninitrds = 1;
		sel.initrd_paths[0] = ".initrd";
	}
	/* pvhboot.* words are the loader's here too (pvhboot.debug, pvhboot.reloc=). */
	static char kernel_cmdline[CONFIG_OPTIONS_MAX + 1];
	struct loader_options lo;
	memset(&lo, 0, sizeof(lo));
	options_parse(&lo, efi_uki_cmdline(u, li->LoadOptions, li->LoadOptionsSize,
					   efi_secure_boot_enabled()),
		      false, kernel_cmdline, sizeof(kernel_cmdline));
	sel.cmdline = kernel_cmdline;
	sel.debug = lo.debug;
	sel.has_reloc = lo.reloc_forced;
	sel.reloc = lo.reloc_base;
	efi_tpm_set_verbose(sel.debug);
	efi_uki_measure(li->ImageBase);
	efi_tpm_measure_cmdline(sel.cmdline);
	efi_tpm_summary();
	return efi_boot(image, NULL, &sel);
}

/*
 * Secure Boot: a kernel pvhboot reads itself is verified by nobody, so only
 * what LoadImage verifies may start.
 */
static EFI_STATUS refuse_unverified(void)
{
	/* Printed whole here: with its advice it outgrows struct err's message. */
	efi_printf("pvhboot: error: Secure Boot is on: %s is a bare ELF kernel, which the "
		   "firmware cannot verify, so it is not started. Build a signed unified kernel "
		   "image instead (pvh-ukify -o /EFI/Linux/NAME.efi --linux %s --initrd ... "
		   "--cmdline ...; sbsign --key KEY --cert CERT, with a key in db or, when shim "
		   "starts pvhboot, in shim's MokList) and boot that\n",
		   sel.linux_path, sel.linux_path);
	give_back();
	return efi_fail(EFI_SECURITY_VIOLATION, "bare ELF kernel refused under Secure Boot");
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_LOADED_IMAGE *li;
	EFI_FILE_HANDLE root;
	struct err err;
	EFI_STATUS status;

	efi_console_init(st);
	err_clear(&err);
	efi_printf("pvhboot " PVHBOOT_VERSION " (UEFI)\n");
	efi_secure_boot_enabled(); /* says which, once */

	status = uefi_call_wrapper(efi_bs->HandleProtocol, 3, image, &loaded_image_guid,
				   (void **)&li);
	if (EFI_ERROR(status)) {
		err_fail(&err, "efi: no LoadedImage protocol on our own image");
		return efi_fail(status, err.msg);
	}
	static struct efi_uki uki;
	int is_uki = efi_uki_find(&uki, li->ImageBase, li->ImageSize, &err);
	if (is_uki < 0)
		return efi_fail(EFI_LOAD_ERROR, err.msg);
	if (is_uki)
		return boot_uki(image, li, &uki);
	if (loadopt_parse(&opts, li->LoadOptions, li->LoadOptionsSize, &err))
		return efi_fail(EFI_INVALID_PARAMETER, err.msg);
	if (opts.binary)
		efi_printf("pvhboot: load options are not text: ignored\n");
	status = efi_volume_open(image, &root, &err);
	if (EFI_ERROR(status))
		return efi_fail(status, err.msg);
	opened_root = root;

	if (opts.has_linux) {
		sel.title = opts.linux_path;
		sel.linux_path = opts.linux_path;
		sel.ninitrds = opts.ninitrd;
		for (unsigned i = 0; i < opts.ninitrd; i++)
			sel.initrd_paths[i] = opts.initrd[i];
		sel.cmdline = "";
		efi_printf("pvhboot: booting %s from the load options\n", opts.linux_path);
	} else {
		status = select_from_entries(root, &err);
		if (EFI_ERROR(status)) {
			give_back();
			return efi_fail(status, err.msg);
		}
	}
	if (opts.has_cmdline)
		sel.cmdline = opts.cmdline;
	sel.debug = opts.debug || entry_debug;
	if (opts.has_reloc) {
		sel.has_reloc = true;
		sel.reloc = opts.reloc_base;
	}
	/* Not a PVH ELF (an EFI-stub bzImage, a UKI): the firmware starts it. */
	if (!sel.efi_path && efi_image_is_pe(root, sel.linux_path))
		sel.efi_path = sel.linux_path;
	if (sel.efi_path) {
		struct efi_image_request req = { sel.efi_path, sel.ninitrds, sel.initrd_paths,
						 sel.cmdline ? sel.cmdline : "" };
		status = efi_image_start(image, root, &req, &err);
		give_back();
		return efi_fail(status, err.msg);
	}
	if (efi_secure_boot_enabled())
		return refuse_unverified();
	/* A type 1 entry: what pvhboot loads itself, measured as a boot loader does. */
	if (efi_tpm_present()) {
		efi_tpm_set_verbose(sel.debug);
		efi_tpm_measure_file(root, TPM_PCR_KERNEL_INITRD, sel.linux_path);
		for (unsigned i = 0; i < sel.ninitrds; i++)
			efi_tpm_measure_file(root, TPM_PCR_KERNEL_INITRD, sel.initrd_paths[i]);
		efi_tpm_measure_cmdline(sel.cmdline ? sel.cmdline : "");
		efi_tpm_summary();
	}
	/* efi_boot returns only on an error, reported and its own pages freed. */
	status = efi_boot(image, root, &sel);
	give_back();
	return status;
}
