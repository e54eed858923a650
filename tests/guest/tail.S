/*
 * tail.S - the NOBITS sections guest.ld places at the very end of the
 * read-write load segment, after every other BSS:
 *   .tailbss  guest_bss_tail, 64 KiB the loader must zero (the "bss" check
 *             in check_load.c reads every byte), so a loader that zeroes
 *             only part of p_memsz - p_filesz is caught;
 *   .stack    the guest's stack, set up first thing in entry.S; kept out of
 *             the checked BSS because it is written before the check runs.
 * Written in assembly because GCC gives a named zero-initialised C array
 * file space (@progbits) unless the name starts with ".bss", and the
 * linker script's .bss rule would then claim it.
 */
	.section .tailbss, "aw", @nobits
	.balign	64
	.globl	guest_bss_tail
	.type	guest_bss_tail, @object
guest_bss_tail:
	.skip	65536
	.size	guest_bss_tail, . - guest_bss_tail

	.section .stack, "aw", @nobits
	.balign	16
	.globl	__stack_bottom
__stack_bottom:
	.skip	32768
	.globl	__stack_top
__stack_top:

	.section .note.GNU-stack, "", @progbits
