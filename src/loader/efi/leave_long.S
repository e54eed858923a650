/*
 * leave_long.S - from UEFI's 64-bit long mode to the shared 32-bit hand-off.
 *
 * Caller: efi_enter_kernel(), after ExitBootServices, through a copy of this
 * code in the hand-off area (below 1 GiB, identity-mapped by the firmware,
 * clear of every copy). SysV call: %rdi = hand-off block, %rsi = hand-off
 * stub, both below 4 GiB. Position-independent; never returns.
 *
 * Out: 32-bit protected mode, paging off, EFER.LME clear, %ebp = block,
 * jumping to the stub, which does the copies and the PVH entry state.
 */
#include "loader/handoff.h"

	.text
	.code64
	.globl efi_leave_long_start, efi_leave_long_end

efi_leave_long_start:
	cli
	mov %edi, %ebp                  /* block; upper half of %rbp is now zero */

	/* CR4.PCIDE (bit 17) and CET (bit 23) forbid turning paging off: clear them. */
	mov %cr4, %rax
	and $~((1 << 17) | (1 << 23)), %rax
	mov %rax, %cr4

	/* The block's GDT (0x08 flat 32-bit code, 0x10 flat data): 10-byte operand. */
	sub $16, %rsp
	movw $(4 * 8 - 1), (%rsp)
	lea HO_GDT(%rbp), %rax
	mov %rax, 2(%rsp)
	lgdt (%rsp)
	add $16, %rsp

	/* Far return to 0x08: a code segment with L=0, D=1 is 32-bit compatibility mode. */
	lea compat32(%rip), %rax
	pushq $HO_SEL_CODE
	pushq %rax
	lretq

	.code32
compat32:
	mov $HO_SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs

	/* Paging off (CR0.PG): the CPU leaves long mode, EFER.LMA clears. */
	mov %cr0, %eax
	and $0x7fffffff, %eax
	mov %eax, %cr0

	/* EFER.LME (bit 8) off, so nothing re-enters long mode. */
	mov $0xc0000080, %ecx
	rdmsr
	and $0xfffffeff, %eax
	wrmsr

	/* Legacy protected mode, paging off: the shared stub does the rest. */
	jmp *%esi
efi_leave_long_end:

	.section .note.GNU-stack, "", @progbits
