/*
 * test_handoff.c - unit tests of handoff_fill() (src/loader/common/
 * handoff_fill.c): the GDT is decoded field by field as the CPU reads a
 * descriptor (Intel SDM vol. 3, 3.4.5), so a wrong constant shows as the
 * wrong base, limit or type; the copy list is checked op by op, and every
 * address above 4 GiB is refused. Suite "handoff".
 */
#include <criterion/criterion.h>
#include <string.h>

#include "loader/handoff.h"

struct seg_desc {
	uint32_t base;
	uint64_t limit_bytes; /* limit scaled by G, plus one: the segment's size */
	unsigned type;        /* 4 bits */
	bool s, p, db, g, l, avl;
	unsigned dpl;
};

static struct seg_desc decode(uint64_t d)
{
	struct seg_desc s;
	uint32_t limit = (uint32_t)(d & 0xffff) | (uint32_t)((d >> 48) & 0xf) << 16;

	s.base = (uint32_t)((d >> 16) & 0xffffff) | (uint32_t)((d >> 56) & 0xff) << 24;
	s.type = (unsigned)(d >> 40) & 0xf;
	s.s = (d >> 44) & 1;
	s.dpl = (unsigned)(d >> 45) & 3;
	s.p = (d >> 47) & 1;
	s.avl = (d >> 52) & 1;
	s.l = (d >> 53) & 1;
	s.db = (d >> 54) & 1;
	s.g = (d >> 55) & 1;
	s.limit_bytes = s.g ? ((uint64_t)limit << 12) + 0x1000 : (uint64_t)limit + 1;
	return s;
}

static struct handoff_block block;
static struct plan plan;
static struct err err;

static void setup(void)
{
	memset(&block, 0xcc, sizeof(block));
	memset(&plan, 0, sizeof(plan));
	err_clear(&err);
}

static void add_op(uint32_t kind, uint64_t dst, uint64_t src, uint64_t len)
{
	struct plan_op *op = &plan.ops[plan.nops++];

	op->kind = kind;
	op->dst = dst;
	op->src = src;
	op->len = len;
}

Test(handoff, gdt_is_flat_with_a_tss)
{
	setup();
	cr_assert_eq(handoff_fill(&block, 0x7f000, &plan, 0x1000850, 0x8000, &err), 0, "%s",
		     err.msg);

	cr_assert_eq(block.gdt[0], 0, "null descriptor");

	struct seg_desc code = decode(block.gdt[HO_SEL_CODE / 8]);
	cr_assert_eq(code.base, 0);
	cr_assert_eq(code.limit_bytes, 0x100000000ull, "4 GiB code segment");
	cr_assert(code.g && code.db && !code.l, "32-bit, page granular");
	cr_assert(code.s && code.p);
	cr_assert_eq(code.dpl, 0);
	cr_assert_eq(code.type & 0x8, 0x8, "code");
	cr_assert_eq(code.type & 0x2, 0x2, "readable");
	cr_assert_eq(code.type & 0x4, 0, "not conforming");

	struct seg_desc data = decode(block.gdt[HO_SEL_DATA / 8]);
	cr_assert_eq(data.base, 0);
	cr_assert_eq(data.limit_bytes, 0x100000000ull, "4 GiB data segment");
	cr_assert(data.g && data.db);
	cr_assert(data.s && data.p);
	cr_assert_eq(data.dpl, 0);
	cr_assert_eq(data.type & 0x8, 0, "data");
	cr_assert_eq(data.type & 0x2, 0x2, "writable");
	cr_assert_eq(data.type & 0x4, 0, "expand-up");

	struct seg_desc tss = decode(block.gdt[HO_SEL_TSS / 8]);
	cr_assert_eq(tss.base, 0, "PVH ABI: TSS base 0");
	cr_assert_eq(tss.limit_bytes, 0x68, "PVH ABI: TSS limit 0x67");
	cr_assert(!tss.g);
	cr_assert(!tss.s, "a system descriptor");
	cr_assert(tss.p);
	cr_assert_eq(tss.type, 9, "32-bit TSS, available");

	cr_assert_eq(block.gdt_limit, 4 * 8 - 1);
	cr_assert_eq(block.gdt_base, 0x7f000 + HO_GDT);
	cr_assert_eq(block.entry, 0x1000850);
	cr_assert_eq(block.start_info, 0x8000);
	cr_assert_eq(block.nops, 0);
}

Test(handoff, lgdt_operand_layout)
{
	/* lgdt reads a 2-byte limit and then a 4-byte base at HO_GDTR. */
	setup();
	cr_assert_eq(handoff_fill(&block, 0x12340, &plan, 0x100000, 0x9000, &err), 0);
	const uint8_t *raw = (const uint8_t *)&block;
	cr_assert_eq(le16(raw + HO_GDTR), 31);
	cr_assert_eq(le32(raw + HO_GDTR + 2), 0x12340);
	cr_assert_eq(le32(raw + HO_ENTRY), 0x100000);
	cr_assert_eq(le32(raw + HO_START_INFO), 0x9000);
	cr_assert_eq(le32(raw + HO_NOPS), 0);
}

Test(handoff, ops_converted_in_order)
{
	setup();
	add_op(PLAN_COPY, 0x1000000, 0x3000000, 0x2a00000);
	add_op(PLAN_ZERO, 0x3a00000, 0, 0x1000);
	add_op(PLAN_COPY, 0x200000, 0x7ff00000, 0x12345);
	add_op(PLAN_COPY, 0xfffff000, 0x1000, 0x1000); /* ends exactly at 4 GiB */
	cr_assert_eq(handoff_fill(&block, 0x7f000, &plan, 0x1000850, 0x8000, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(block.nops, 4);
	cr_assert_eq(block.ops[0].dst, 0x1000000);
	cr_assert_eq(block.ops[0].src, 0x3000000);
	cr_assert_eq(block.ops[0].len, 0x2a00000);
	cr_assert_eq(block.ops[0].kind, PLAN_COPY);
	cr_assert_eq(block.ops[1].dst, 0x3a00000);
	cr_assert_eq(block.ops[1].src, 0);
	cr_assert_eq(block.ops[1].len, 0x1000);
	cr_assert_eq(block.ops[1].kind, HO_OP_ZERO);
	cr_assert_eq(block.ops[2].src, 0x7ff00000);
	cr_assert_eq(block.ops[2].len, 0x12345);
	cr_assert_eq(block.ops[3].dst, 0xfffff000);

	/* The stub reads ops at HO_OPS + i * HO_OP_SIZE. */
	const uint8_t *raw = (const uint8_t *)&block;
	cr_assert_eq(le32(raw + HO_OPS + HO_OP_SIZE + HO_OP_DST), 0x3a00000);
	cr_assert_eq(le32(raw + HO_OPS + HO_OP_SIZE + HO_OP_LEN), 0x1000);
	cr_assert_eq(le32(raw + HO_OPS + HO_OP_SIZE + HO_OP_KIND), HO_OP_ZERO);
	cr_assert_eq(le32(raw + HO_OPS + 2 * HO_OP_SIZE + HO_OP_SRC), 0x7ff00000);
	cr_assert_eq(le32(raw + HO_NOPS), 4);
}

Test(handoff, entry_or_start_info_above_4g)
{
	setup();
	cr_assert_eq(handoff_fill(&block, 0x7f000, &plan, 0x100000000ull, 0x8000, &err), -1);
	cr_assert_str_eq(err.msg, "handoff: entry 0x100000000 or start info 0x8000 above 4 GiB");
	setup();
	cr_assert_eq(handoff_fill(&block, 0x7f000, &plan, 0x1000, 0x123456789ull, &err), -1);
	cr_assert_str_eq(err.msg, "handoff: entry 0x1000 or start info 0x123456789 above 4 GiB");
}

Test(handoff, op_above_4g)
{
	setup();
	add_op(PLAN_COPY, 0x1000000, 0x2000000, 0x1000);
	add_op(PLAN_COPY, 0xfffff000, 0x1000, 0x1001); /* destination crosses 4 GiB */
	cr_assert_eq(handoff_fill(&block, 0x7f000, &plan, 0x1000, 0x8000, &err), -1);
	cr_assert_str_eq(err.msg, "handoff: operation 1 (0xfffff000 <- 0x1000, 0x1001 bytes) "
				  "not below 4 GiB");

	setup();
	add_op(PLAN_COPY, 0x1000, 0xfffff800, 0x1000); /* source crosses 4 GiB */
	cr_assert_eq(handoff_fill(&block, 0x7f000, &plan, 0x1000, 0x8000, &err), -1);
	cr_assert_str_eq(err.msg, "handoff: operation 0 (0x1000 <- 0xfffff800, 0x1000 bytes) "
				  "not below 4 GiB");

	setup();
	add_op(PLAN_COPY, 0x1000, 0x140000000ull, 0x10);
	cr_assert_eq(handoff_fill(&block, 0x7f000, &plan, 0x1000, 0x8000, &err), -1);
	cr_assert_str_eq(err.msg, "handoff: operation 0 (0x1000 <- 0x140000000, 0x10 bytes) "
				  "not below 4 GiB");

	setup();
	add_op(PLAN_ZERO, 0xffffffffffffff00ull, 0, 0x200); /* wraps */
	cr_assert_eq(handoff_fill(&block, 0x7f000, &plan, 0x1000, 0x8000, &err), -1);
	cr_assert_str_eq(err.msg, "handoff: operation 0 (0xffffffffffffff00 <- 0x0, 0x200 bytes) "
				  "not below 4 GiB");
}

Test(handoff, full_op_list_fits)
{
	setup();
	for (unsigned i = 0; i < PLAN_MAX_OPS; i++)
		add_op(i % 2 ? PLAN_ZERO : PLAN_COPY, 0x100000 + i * 0x1000ull,
		       i % 2 ? 0 : 0x4000000 + i * 0x1000ull, 0x800);
	cr_assert_eq(handoff_fill(&block, 0x7f000, &plan, 0x1000, 0x8000, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(block.nops, PLAN_MAX_OPS);
	cr_assert_eq(block.ops[PLAN_MAX_OPS - 1].dst, 0x100000 + (PLAN_MAX_OPS - 1) * 0x1000u);
	cr_assert_eq(block.ops[PLAN_MAX_OPS - 1].kind, PLAN_ZERO);

	plan.nops = PLAN_MAX_OPS + 1;
	err_clear(&err);
	cr_assert_eq(handoff_fill(&block, 0x7f000, &plan, 0x1000, 0x8000, &err), -1);
	cr_assert_str_eq(err.msg, "handoff: 137 operations, room for 136");
}
