/*
 * header.S - the multiboot1 and multiboot2 headers of build/pvhboot.elf.
 * Neither asks for a load address: GRUB, QEMU and iPXE load the ELF by its
 * program headers and enter at e_entry (mb_entry) with %eax = the magic.
 * build/pvhboot-pvh.elf links without this file: QEMU's -kernel tries
 * multiboot before PVH, so the PVH-only image must not carry these.
 */
#define MB1_MAGIC 0x1badb002
#define MB1_FLAGS 0x00000003 /* bit 0: page-align modules; bit 1: memory info */

#define MB2_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0

	.section .mbheader, "a"
	.balign 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)

	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/* Information request: the memory map and the ACPI RSDP copies. */
	.balign 8
mb2_info_req:
	.short 1                /* type: information request */
	.short 1                /* flags: optional (no failure if one is missing) */
	.long mb2_info_req_end - mb2_info_req
	.long 6                 /* memory map */
	.long 14                /* ACPI old RSDP */
	.long 15                /* ACPI new RSDP */
mb2_info_req_end:

	/* Modules page-aligned: they may then stay where they are. */
	.balign 8
	.short 6                /* type: module alignment */
	.short 0
	.long 8

	.balign 8
	.short 0                /* end tag */
	.short 0
	.long 8
mb2_header_end:
