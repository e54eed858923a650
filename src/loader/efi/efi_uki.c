/*
 * efi_uki.c - see efi_uki.h. Section names and the command-line rule are
 * systemd-stub's (docs/UKI or src/boot/stub.c): .cmdline is taken as is up
 * to its first NUL, trailing white space dropped.
 */
#include "loader/efi/efi_uki.h"
#include "elf/pe.h"
#include "lib/fmt.h"
#include "loader/efi/efi_console.h"
#include "loader/efi/efi_file.h"
#include "loader/efi/efi_tpm.h"
#include "loader/config/uki_text.h"

/* Headers and section table of a type 2 entry: systemd's UKIs need a few hundred bytes. */
#define UKI_HEADERS_MAX 4096
#define OSREL_MAX 4096

static struct pe_image pe;

int efi_uki_find(struct efi_uki *u, const void *image_base, uint64_t image_size,
		 struct err *err)
{
	const uint8_t *base = image_base;
	const struct pe_section *s;
	uint64_t off, len;
	struct err why;

	memset(u, 0, sizeof(*u));
	err_clear(&why);
	if (pe_parse(&pe, base, image_size, PE_LOADED, &why))
		return err_fail(err, "pvhboot.efi as loaded (%llu bytes at %p): %s",
				(unsigned long long)image_size, image_base, why.msg);
	s = pe_find(&pe, ".linux");
	if (!s)
		return 0;
	pe_section_span(s, PE_LOADED, &off, &len);
	if (len == 0)
		return err_fail(err, "unified kernel image: section .linux is empty (VirtualSize 0)");
	u->linux_data = base + off;
	u->linux_size = len;
	s = pe_find(&pe, ".initrd");
	if (s) {
		pe_section_span(s, PE_LOADED, &off, &len);
		u->initrd_data = base + off;
		u->initrd_size = len;
	}
	s = pe_find(&pe, ".cmdline");
	if (s) {
		pe_section_span(s, PE_LOADED, &off, &len);
		if (len > CONFIG_OPTIONS_MAX)
			return err_fail(err, "unified kernel image: section .cmdline: %llu bytes, at most %u",
					(unsigned long long)len, (unsigned)CONFIG_OPTIONS_MAX);
		uki_text_copy(u->cmdline, sizeof(u->cmdline), base + off, len, true);
		u->has_cmdline = true;
	}
	s = pe_find(&pe, ".uname");
	if (s) {
		pe_section_span(s, PE_LOADED, &off, &len);
		uki_text_copy(u->uname, sizeof(u->uname), base + off, len, true);
	}
	return 1;
}

static char options_text[CONFIG_OPTIONS_MAX + 1];

const char *efi_uki_cmdline(struct efi_uki *u, const void *load_options, uint32_t bytes,
			    bool secure_boot)
{
	if (uki_options_text(options_text, sizeof(options_text), load_options, bytes) &&
	    options_text[0]) {
		if (secure_boot) {
			efi_printf("pvhboot: Secure Boot: load options ignored, the embedded "
				   "command line is the only one\n");
		} else {
			efi_printf("pvhboot: the load options replace the embedded command line\n");
			return options_text;
		}
	}
	return u->has_cmdline ? u->cmdline : "";
}

/* A named section's text, read from the file; "" when absent. */
static int read_section_text(struct efi_file *f, const char *name, char *dst, size_t dstsz,
			     bool one_line, struct err *err)
{
	static char buf[OSREL_MAX];
	const struct pe_section *s = pe_find(&pe, name);
	uint64_t off, len;

	dst[0] = '\0';
	if (!s)
		return 0;
	pe_section_span(s, PE_FILE, &off, &len);
	if (len > sizeof(buf))
		len = sizeof(buf);
	if (EFI_ERROR(efi_file_read_at(f, off, buf, len, err)))
		return -1;
	uki_text_copy(dst, dstsz, (const uint8_t *)buf, len, one_line);
	return 0;
}

int efi_uki_entry(EFI_FILE_HANDLE root, const char *name, struct bls_entry *e, struct err *err)
{
	static uint8_t head[UKI_HEADERS_MAX];
	static char osrel[OSREL_MAX];
	struct efi_file f;
	char path[CONFIG_PATH_MAX];
	struct err why;
	int rc = -1;

	memset(e, 0, sizeof(*e));
	if (fmt_snprintf(path, sizeof(path), "\\EFI\\Linux\\%s", name) >= (int)sizeof(path) ||
	    strlen(name) >= sizeof(e->id))
		return err_fail(err, "\\EFI\\Linux\\%.64s: name too long", name);
	if (EFI_ERROR(efi_file_open(root, path, &f, err)))
		return -1;
	uint64_t have = f.size < sizeof(head) ? f.size : sizeof(head);
	err_clear(&why);
	if (EFI_ERROR(efi_file_read_at(&f, 0, head, have, err)))
		goto out;
	if (pe_parse_headers(&pe, head, have, f.size, &why)) {
		err_fail(err, "%s: %s", path, why.msg);
		goto out;
	}
	if (!pe_find(&pe, ".linux")) {
		err_fail(err, "%s: no .linux section: not a unified kernel image", path);
		goto out;
	}
	if (read_section_text(&f, ".osrel", osrel, sizeof(osrel), false, err) ||
	    read_section_text(&f, ".uname", e->version, sizeof(e->version), true, err))
		goto out;
	memcpy(e->id, name, strlen(name) + 1);
	uki_osrel_pretty_name(e->title, sizeof(e->title), osrel);
	memcpy(e->efi_path, path, strlen(path) + 1);
	e->is_efi = true;
	rc = 0;
out:
	efi_file_close(&f);
	return rc;
}

/*
 * systemd's canonical order of UKI sections (src/fundamental/uki.h:
 * "the canonical order in which we measure the sections into TPM PCR 11");
 * .pcrsig is never measured, since it signs the result.
 */
static const char *const uki_measured_sections[] = {
	".linux", ".osrel", ".cmdline", ".initrd", ".ucode", ".splash",
	".dtb",   ".uname", ".sbat",    ".pcrpkey",
};

void efi_uki_measure(const void *image_base)
{
	const uint8_t *base = image_base;

	for (size_t i = 0; i < sizeof(uki_measured_sections) / sizeof(uki_measured_sections[0]); i++) {
		const char *name = uki_measured_sections[i];
		const struct pe_section *s = pe_find(&pe, name);
		uint64_t off, len;
		if (!s)
			continue;
		pe_section_span(s, PE_LOADED, &off, &len);
		if (!len)
			continue; /* systemd-stub skips empty sections */
		/* The name with its NUL, then the data: two events, as systemd-stub logs them. */
		efi_tpm_measure(TPM_PCR_KERNEL_IMAGE, name, strlen(name) + 1, name);
		efi_tpm_measure(TPM_PCR_KERNEL_IMAGE, base + off, len, name);
	}
}
