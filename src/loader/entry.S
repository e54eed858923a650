/*
 * entry.S - where pvhboot starts, and its own PVH note.
 *
 * mb_entry: e_entry, reached from a multiboot1 or multiboot2 loader (GRUB,
 *   QEMU -kernel, iPXE): 32-bit protected mode, flat segments, paging off,
 *   %eax = multiboot magic, %ebx = physical address of the boot information.
 * pvh_entry: the XEN_ELFNOTE_PHYS32_ENTRY below, reached from a PVH VMM
 *   (QEMU/KVM, Xen, microVMs): same CPU state, %ebx = hvm_start_info.
 * Neither gets a usable stack, so each clears the BSS (which holds our stack)
 * with registers alone, sets %esp and calls C; C never returns.
 */
#include <xen/elfnote.h>

	.section .note.Xen, "a"
	.balign 4
	.long 4                         /* namesz: "Xen\0" */
	.long 4                         /* descsz: a 32-bit physical address */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.balign 4
	.long pvh_entry
	.balign 4

#ifdef PVHBOOT_BENCH
/*
 * Bench build only (make bench): the TSC at the loader's first instant,
 * once %eax/%ebx are saved (rdtsc clobbers %eax/%edx). In .data, not the
 * BSS, which is cleared just after; boot.c reports it.
 */
	.section .data
	.balign 8
	.globl bench_tsc_entry
bench_tsc_entry:
	.quad 0

.macro BENCH_STAMP_ENTRY
	rdtsc
	mov %eax, bench_tsc_entry
	mov %edx, bench_tsc_entry + 4
.endm
#endif

/*
 * Clear the BSS (it holds our stack) with registers alone, then take the
 * stack. %esi and %ebp (what the loader handed over) are preserved; %edx
 * is not (the multiboot entries keep nothing there).
 */
.macro ENTER_C_ENVIRONMENT
#ifdef PVHBOOT_BENCH
	BENCH_STAMP_ENTRY
#endif
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	mov %ecx, %edx
	xor %eax, %eax
	shr $2, %ecx
	rep stosl                       /* dwords: QEMU's TCG runs rep stos once per element */
	mov %edx, %ecx
	and $3, %ecx
	rep stosb
	mov $__stack_top, %esp
.endm

	.section .text.entry, "ax"
	.code32
	.globl mb_entry, pvh_entry

mb_entry:
	cli
	cld
	mov %eax, %esi                  /* magic */
	mov %ebx, %ebp                  /* boot information */
	ENTER_C_ENVIRONMENT
	push %ebp
	push %esi
	call loader_multiboot_main      /* (magic, info); does not return */
	jmp cpu_halt_forever

pvh_entry:
	cli
	cld
	mov %ebx, %ebp                  /* hvm_start_info */
	ENTER_C_ENVIRONMENT
	push %ebp
	call loader_pvh_main            /* (start_info); does not return */
	jmp cpu_halt_forever
