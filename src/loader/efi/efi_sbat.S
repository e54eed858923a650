/*
 * efi_sbat.S - pvhboot.efi's .sbat section: the SBAT metadata (CSV, one
 * component a line) that shim requires of every image it starts itself
 * (shim's SBAT.md): without it shim refuses \EFI\BOOT\grubx64.efi under
 * Secure Boot. The first line is the format's own, fixed by shim; the
 * second names pvhboot with its generation, which rises by one whenever a
 * release fixes a Secure Boot bypass, so that SbatLevel can revoke the
 * older ones. A unified kernel image built from pvhboot.efi carries it too.
 *
 * Caller: nobody; the Makefile keeps the section in pvhboot.efi.
 */
	.section .sbat, "a"
	.ascii "sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\n"
	.ascii "pvhboot,1,pvhboot,pvhboot,0.1,man:pvhboot(7)\n"
