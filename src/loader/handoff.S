/*
 * handoff.S - the last code pvhboot runs: copy, then enter the kernel.
 *
 * Caller: handoff_enter() (any front end, 32-bit protected mode, flat
 * segments, paging off). The stub and its block (handoff.h) were copied to
 * memory the plan reserved, so no copy below can overwrite them.
 *
 * In:  %ebp = the block. Out (at the kernel's entry, PVH ABI):
 *      CR0 = PE|ET, CR4 = 0, EFER = 0, EFLAGS = 0x2 (IF, TF, VM clear),
 *      CS = flat 32-bit code, DS/ES/SS/FS/GS = flat 32-bit data,
 *      TR = 32-bit TSS (base 0, limit 0x67), %ebx = start info.
 */
#include "loader/handoff.h"

	.section .text.handoff, "ax"
	.code32
	.globl handoff_start, handoff_end, handoff_enter

/* void handoff_enter(block, code): cdecl, never returns. */
handoff_enter:
	cli
	mov 4(%esp), %ebp
	mov 8(%esp), %eax
	jmp *%eax

	.balign 16
handoff_start:
	cli
	cld
	lea HO_STACK_TOP(%ebp), %esp    /* our own stack: the caller's may be a destination */

	/* 1. The copy list, in the order the plan proved safe. */
	mov HO_NOPS(%ebp), %ebx
	lea HO_OPS(%ebp), %edx
next_op:
	test %ebx, %ebx
	jz copies_done
	mov HO_OP_DST(%edx), %edi
	mov HO_OP_LEN(%edx), %ecx
	cmpl $HO_OP_ZERO, HO_OP_KIND(%edx)
	je zero_fill
	mov HO_OP_SRC(%edx), %esi
	cmp %esi, %edi
	jbe copy_forward                /* dst <= src: forward never reads a written byte */
	mov %esi, %eax
	add %ecx, %eax
	cmp %eax, %edi
	jae copy_forward                /* disjoint */

	/* dst inside (src, src+len): copy from the top down. */
	std
	lea -1(%esi,%ecx), %esi
	lea -1(%edi,%ecx), %edi
	mov %ecx, %eax
	and $3, %ecx
	rep movsb                       /* the odd tail bytes first */
	sub $3, %esi
	sub $3, %edi
	mov %eax, %ecx
	shr $2, %ecx
	rep movsl                       /* then whole dwords, downwards */
	cld
	jmp op_done

copy_forward:
	mov %ecx, %eax
	shr $2, %ecx
	rep movsl
	mov %eax, %ecx
	and $3, %ecx
	rep movsb
	jmp op_done

zero_fill:
	mov %ecx, %esi
	xor %eax, %eax
	shr $2, %ecx
	rep stosl
	mov %esi, %ecx
	and $3, %ecx
	rep stosb

op_done:
	add $HO_OP_SIZE, %edx
	dec %ebx
	jmp next_op

copies_done:
	/* 2. Flat GDT; reload CS through a far return, then the data segments. */
	lgdt HO_GDTR(%ebp)
	call 1f
1:	pop %eax
	add $(2f - 1b), %eax
	pushl $HO_SEL_CODE
	push %eax
	lret
2:	mov $HO_SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs

	/* 3. An active 32-bit TSS in TR (ltr marks the descriptor busy). */
	mov $HO_SEL_TSS, %eax
	ltr %ax

	/* 4. CR0 = PE | ET: paging, WP, cache-disable and the rest clear. */
	mov $0x11, %eax
	mov %eax, %cr0
	jmp 3f
3:	xor %eax, %eax
	mov %eax, %cr4

	/* 5. EFER = 0 (LME clear) where EFER exists: CPUID 0x80000001 EDX LM, NX or SYSCALL. */
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb 4f
	mov $0x80000001, %eax
	cpuid
	test $((1 << 29) | (1 << 20) | (1 << 11)), %edx
	jz 4f
	mov $0xc0000080, %ecx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
4:
	/* 6. EFLAGS: only the reserved bit 1; IF, TF, VM, DF, AC clear. */
	pushl $0x2
	popfl

	/* 7. %ebx = start info; jump to the PVH entry. */
	mov HO_ENTRY(%ebp), %eax
	mov HO_START_INFO(%ebp), %ebx
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %ebp, %ebp
	jmp *%eax
handoff_end:
