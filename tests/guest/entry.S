/*
 * entry.S - the conformance guest's PVH entry point (the address in the
 * XEN_ELFNOTE_PHYS32_ENTRY note and e_entry). The loader under test jumps
 * here; guest_main() (guest.c) judges what it was handed.
 *
 * CPU state the PVH ABI promises (and the C code checks, not assumes):
 * 32-bit protected mode, paging off, flat CS/DS/ES/SS, a 32-bit TSS in TR,
 * IF/TF/VM clear, %ebx = physical address of struct hvm_start_info. There
 * is no stack and no other register is defined.
 *
 * Everything is captured before it can change: EFLAGS first (any ALU
 * instruction would rewrite the arithmetic flags), then the control
 * registers, selectors, TR, GDTR and IDTR, pushed so that they form a
 * struct guest_cpu_state (guest.h) on the stack.
 */
	.code32
	.section .text.entry, "ax", @progbits
	.globl guest_entry
	.type guest_entry, @function
guest_entry:
	/* 1. A stack: our own NOBITS .stack section (tail.S), not the BSS
	 *    being checked. mov does not touch EFLAGS. */
	movl	$__stack_top, %esp

	/* 2. EFLAGS exactly as handed over; keep it in %edx for now. */
	pushfl
	popl	%edx

	/* 3. Now make the CPU safe for C: no interrupts (there is no IDT),
	 *    string operations counting up (the ABI leaves DF undefined). */
	cli
	cld

	/* 4. IDTR, then GDTR: sidt/sgdt store limit (16 bits) then base
	 *    (32 bits); the limit lands at 2(%esp) so the base is 4-byte
	 *    aligned. */
	subl	$8, %esp
	sidt	2(%esp)
	movw	$0, (%esp)
	subl	$8, %esp
	sgdt	2(%esp)
	movw	$0, (%esp)

	/* 5. TR selector (str), zero-extended. */
	xorl	%eax, %eax
	str	%ax
	pushl	%eax

	/* 6. Segment selectors, zero-extended, in struct order ss, es, ds, cs
	 *    pushed in reverse. */
	xorl	%eax, %eax
	movw	%ss, %ax
	pushl	%eax
	movw	%es, %ax
	pushl	%eax
	movw	%ds, %ax
	pushl	%eax
	movw	%cs, %ax
	pushl	%eax

	/* 7. CR4 then CR0 (checked for paging, PAE, etc. all off). */
	movl	%cr4, %eax
	pushl	%eax
	movl	%cr0, %eax
	pushl	%eax

	/* 8. EFLAGS from step 2, then %ebx = start info physical address. */
	pushl	%edx
	pushl	%ebx

	/* 9. guest_main(const struct guest_cpu_state *) never returns. */
	movl	%esp, %eax
	pushl	%eax
	call	guest_main

	/* Not reached: guest_main exits QEMU or halts. */
1:	cli
	hlt
	jmp	1b
	.size guest_entry, . - guest_entry

	.section .note.GNU-stack, "", @progbits
