/*
 * handoff_fill.c - the hand-off block for a plan (see handoff.h): descriptors,
 * copy list, entry and start info. Pure, so the block is unit-tested.
 */
#include "loader/handoff.h"

/* Flat 32-bit code: base 0, limit 0xfffff pages (4 GiB), G=1 D=1 P=1 DPL0, execute/read. */
#define GDT_CODE32 0x00cf9a000000ffffull
/* Flat 32-bit data: same, read/write. */
#define GDT_DATA32 0x00cf92000000ffffull
/* 32-bit TSS, available (type 9), P=1, base 0, limit 0x67: what the PVH ABI states. */
#define GDT_TSS32 0x0000890000000067ull

int handoff_fill(struct handoff_block *block, uint32_t block_paddr, const struct plan *plan,
		 uint64_t entry, uint64_t start_info, struct err *err)
{
	memset(block, 0, sizeof(*block));
	block->gdt[0] = 0;
	block->gdt[HO_SEL_CODE / 8] = GDT_CODE32;
	block->gdt[HO_SEL_DATA / 8] = GDT_DATA32;
	block->gdt[HO_SEL_TSS / 8] = GDT_TSS32;
	block->gdt_limit = sizeof(block->gdt) - 1;
	block->gdt_base = block_paddr + HO_GDT;
	if (entry > UINT32_MAX || start_info > UINT32_MAX)
		return err_fail(err, "handoff: entry 0x%llx or start info 0x%llx above 4 GiB",
				(unsigned long long)entry, (unsigned long long)start_info);
	block->entry = (uint32_t)entry;
	block->start_info = (uint32_t)start_info;
	if (plan->nops > ARRAY_SIZE(block->ops))
		return err_fail(err, "handoff: %u operations, room for %zu", plan->nops,
				ARRAY_SIZE(block->ops));
	for (unsigned i = 0; i < plan->nops; i++) {
		const struct plan_op *op = &plan->ops[i];
		uint64_t end;
		if (add_overflows(op->dst, op->len, &end) || end > 0x100000000ull ||
		    op->src > UINT32_MAX || op->len > UINT32_MAX ||
		    (op->kind == PLAN_COPY && op->src + op->len > 0x100000000ull))
			return err_fail(err, "handoff: operation %u (0x%llx <- 0x%llx, 0x%llx bytes) "
					     "not below 4 GiB", i, (unsigned long long)op->dst,
					(unsigned long long)op->src, (unsigned long long)op->len);
		block->ops[i].dst = (uint32_t)op->dst;
		block->ops[i].src = (uint32_t)op->src;
		block->ops[i].len = (uint32_t)op->len;
		block->ops[i].kind = op->kind;
	}
	block->nops = plan->nops;
	return 0;
}
