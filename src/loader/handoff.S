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
 *      TR = 32-bit TSS (base 0, limit 0x67), IDTR = limit 0 (base 0),
 *      %ebx = start info.
 */
#include "loader/handoff.h"

/* 128 bytes from (%esi) to (%edi) through %xmm0-7: all loads before any store. */
.macro SSE_BLOCK
	movups 0(%esi), %xmm0
	movups 16(%esi), %xmm1
	movups 32(%esi), %xmm2
	movups 48(%esi), %xmm3
	movups 64(%esi), %xmm4
	movups 80(%esi), %xmm5
	movups 96(%esi), %xmm6
	movups 112(%esi), %xmm7
	movups %xmm0, 0(%edi)
	movups %xmm1, 16(%edi)
	movups %xmm2, 32(%edi)
	movups %xmm3, 48(%edi)
	movups %xmm4, 64(%edi)
	movups %xmm5, 80(%edi)
	movups %xmm6, 96(%edi)
	movups %xmm7, 112(%edi)
.endm

#ifdef PVHBOOT_BENCH
/*
 * Bench build only (make bench): the TSC at the stub's start, after the
 * copies and just before the jump, kept on the stub's stack and printed
 * afterwards (so the printing is not timed) on the debug port 0xe9 as
 * "PVHBOOT-BENCH-STUB start=H copies=H jump=H", 16 hex digits each.
 */
.macro BENCH_TSC_PUSH
	rdtsc
	push %edx
	push %eax
.endm
.macro BENCH_PUTC c
	mov $\c, %al
	out %al, $0xe9
.endm
.macro BENCH_PUTS s:vararg
	.irp c, \s
	BENCH_PUTC \c
	.endr
.endm
/* The 64-bit value at OFF(%esp) in hex; bench_hex32 is position-independent. */
.macro BENCH_PUT64 off
	mov (\off + 4)(%esp), %edx
	call bench_hex32
	mov \off(%esp), %edx
	call bench_hex32
.endm
#endif

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

	/*
	 * A null IDT (limit 0), before the first copy. The IDTR still points
	 * at the previous owner's table (the firmware's after
	 * ExitBootServices, GRUB's, SeaBIOS's), in memory the copies may
	 * overwrite: a fault or an NMI would then jump through garbage. With
	 * limit 0 every vector faults into a double, then a triple fault: the
	 * machine shuts down, where it can be seen. The kernel loads its own.
	 */
	pushl $0
	pushl $0
	lidt 2(%esp)                    /* 2 bytes of limit 0, 4 bytes of base 0 */
	add $8, %esp

	/*
	 * 0. SSE for the copies where the CPU has it (CPUID.1 EDX: SSE, FXSR):
	 * QEMU's TCG runs one `rep movsl` iteration per 4 bytes, 128-byte
	 * movups blocks several times faster (make bench measures both). EM
	 * and TS clear, MP and OSFXSR set; step 4 resets CR0 and CR4 anyway.
	 * The answer stays at HO_STACK_TOP-4(%ebp).
	 */
	xor %esi, %esi
	mov $1, %eax
	cpuid
	and $((1 << 25) | (1 << 24)), %edx
	cmp $((1 << 25) | (1 << 24)), %edx
	jne no_sse
	mov %cr0, %eax
	and $~0xc, %eax                 /* EM (bit 2), TS (bit 3) */
	or $0x2, %eax                   /* MP (bit 1) */
	mov %eax, %cr0
	mov %cr4, %eax
	or $0x200, %eax                 /* OSFXSR (bit 9) */
	mov %eax, %cr4
	inc %esi
no_sse:
	push %esi
#ifdef PVHBOOT_BENCH
	BENCH_TSC_PUSH                  /* 16(%esp) after the last push: start */
#endif

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
	cmpl $0, HO_STACK_TOP-4(%ebp)
	je copy_backward_dwords
	add %ecx, %esi
	add %ecx, %edi
	mov %ecx, %eax
	shr $7, %ecx
	jz sse_backward_tail
sse_backward:                           /* each block read whole before it is written */
	sub $128, %esi
	sub $128, %edi
	SSE_BLOCK
	dec %ecx
	jnz sse_backward
sse_backward_tail:                      /* the lowest len % 128 bytes, downwards */
	std
	dec %esi
	dec %edi
	mov %eax, %ecx
	and $127, %ecx
	rep movsb
	cld
	jmp op_done

copy_backward_dwords:
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
	cmpl $0, HO_STACK_TOP-4(%ebp)
	je copy_forward_dwords
	mov %ecx, %eax
	shr $7, %ecx
	jz sse_forward_tail
sse_forward:                            /* each block read whole before it is written */
	SSE_BLOCK
	add $128, %esi
	add $128, %edi
	dec %ecx
	jnz sse_forward
sse_forward_tail:
	mov %eax, %ecx
	and $127, %ecx
	rep movsb
	jmp op_done

copy_forward_dwords:
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
#ifdef PVHBOOT_BENCH
	BENCH_TSC_PUSH                  /* 8(%esp): copies done */
#endif
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
#ifdef PVHBOOT_BENCH
	BENCH_TSC_PUSH                  /* 0(%esp): about to jump */
	BENCH_PUTS 80,86,72,66,79,79,84,45,66,69,78,67,72,45,83,84,85,66,32  /* "PVHBOOT-BENCH-STUB " */
	BENCH_PUTS 115,116,97,114,116,61  /* "start=" */
	BENCH_PUT64 16
	BENCH_PUTS 32,99,111,112,105,101,115,61  /* " copies=" */
	BENCH_PUT64 8
	BENCH_PUTS 32,106,117,109,112,61  /* " jump=" */
	BENCH_PUT64 0
	BENCH_PUTC 10
	add $24, %esp
#endif
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

#ifdef PVHBOOT_BENCH
/* %edx as 8 hex digits on port 0xe9; clobbers %eax, %ecx, %edx. */
bench_hex32:
	mov $8, %ecx
1:	rol $4, %edx
	mov %edx, %eax
	and $0xf, %eax
	cmp $10, %al
	jb 2f
	add $('a' - '0' - 10), %al
2:	add $'0', %al
	out %al, $0xe9
	dec %ecx
	jnz 1b
	ret
#endif
handoff_end:

#ifdef PVHBOOT_BENCH
/*
 * void bench_copy(void *dst, const void *src, uint32_t len): cdecl, bench
 * build only, outside the stub. The copy floor of boot.c: the stub's own
 * forward copy (128-byte SSE blocks where the CPU has them, then dwords and
 * bytes), so that the floor and the stub differ only in what they copy to.
 */
	.text
	.globl bench_copy
bench_copy:
	push %ebx
	push %esi
	push %edi
	mov $1, %eax
	cpuid
	mov 16(%esp), %edi
	mov 20(%esp), %esi
	mov 24(%esp), %ecx
	and $((1 << 25) | (1 << 24)), %edx
	cmp $((1 << 25) | (1 << 24)), %edx
	jne 2f
	mov %cr0, %eax
	and $~0xc, %eax
	or $0x2, %eax
	mov %eax, %cr0
	mov %cr4, %eax
	or $0x200, %eax
	mov %eax, %cr4
	mov %ecx, %eax
	shr $7, %ecx
	jz 1f
0:	SSE_BLOCK
	add $128, %esi
	add $128, %edi
	dec %ecx
	jnz 0b
1:	mov %eax, %ecx
	and $127, %ecx
2:	mov %ecx, %eax
	shr $2, %ecx
	rep movsl
	mov %eax, %ecx
	and $3, %ecx
	rep movsb
	pop %edi
	pop %esi
	pop %ebx
	ret
#endif
