/*
 * handoff.h - the data block the 32-bit hand-off stub (handoff.S) runs from.
 *
 * The front end copies the stub code and fills this block in the area the
 * plan reserved (clear of every copy), then calls handoff_enter(). The stub
 * performs the ordered copy list, loads the flat GDT and the TSS, sets the
 * control registers the PVH ABI names, and jumps with %ebx = start info.
 * Offsets are shared with the assembly below and checked at compile time.
 */
#ifndef PVHBOOT_HANDOFF_H
#define PVHBOOT_HANDOFF_H

#define HO_GDT 0          /* 4 descriptors: null, code, data, TSS */
#define HO_GDTR 38        /* 2-byte limit + 4-byte base, lgdt operand */
#define HO_ENTRY 44
#define HO_START_INFO 48
#define HO_NOPS 52
#define HO_STACK_TOP 320  /* 256 bytes of stack below this */
#define HO_OPS 320
#define HO_OP_SIZE 16
#define HO_OP_DST 0
#define HO_OP_SRC 4
#define HO_OP_LEN 8
#define HO_OP_KIND 12
#define HO_OP_ZERO 2      /* PLAN_ZERO; anything else is a memmove */

#define HO_SEL_CODE 0x08
#define HO_SEL_DATA 0x10
#define HO_SEL_TSS 0x18

#ifndef __ASSEMBLY__
#include "lib/env.h"
#include "pvh/plan.h"

struct handoff_op {
	uint32_t dst;
	uint32_t src;
	uint32_t len;
	uint32_t kind;
};

struct handoff_block {
	uint64_t gdt[4];
	uint16_t pad[3];
	uint16_t gdt_limit;
	uint32_t gdt_base;
	uint32_t entry;
	uint32_t start_info;
	uint32_t nops;
	uint8_t stack[HO_STACK_TOP - 56];
	struct handoff_op ops[PLAN_MAX_OPS];
};

_Static_assert(__builtin_offsetof(struct handoff_block, gdt_limit) == HO_GDTR, "HO_GDTR");
_Static_assert(__builtin_offsetof(struct handoff_block, entry) == HO_ENTRY, "HO_ENTRY");
_Static_assert(__builtin_offsetof(struct handoff_block, start_info) == HO_START_INFO, "HO_SI");
_Static_assert(__builtin_offsetof(struct handoff_block, nops) == HO_NOPS, "HO_NOPS");
_Static_assert(__builtin_offsetof(struct handoff_block, ops) == HO_OPS, "HO_OPS");
_Static_assert(sizeof(struct handoff_op) == HO_OP_SIZE, "HO_OP_SIZE");
_Static_assert(PLAN_ZERO == HO_OP_ZERO, "HO_OP_ZERO");

/*
 * Fill the block for a plan: GDT (flat 32-bit code and data, base 0, limit
 * 4 GiB; a 32-bit TSS with base 0 and limit 0x67 as the PVH ABI states), the
 * copy list, the entry and the start info. block_paddr is where the block
 * will be. Fails (returns -1) if an address does not fit in 32 bits.
 */
int handoff_fill(struct handoff_block *block, uint32_t block_paddr, const struct plan *plan,
		 uint64_t entry, uint64_t start_info, struct err *err);

/* The stub's code, position-independent, from handoff.S. */
extern const char handoff_start[], handoff_end[];

/* Bytes the plan must reserve for the block followed by the stub code. */
#define HANDOFF_AREA_SIZE (sizeof(struct handoff_block) + 1024)

/* Jump to the stub at code with %ebp = block; never returns. */
__attribute__((noreturn)) void handoff_enter(struct handoff_block *block, const void *code);
#endif

#endif
