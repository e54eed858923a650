/*
 * check_seg.c - the segment registers and TR at entry, judged by their
 * descriptors in the GDT that sgdt found (entry.S). PVH wants flat 32-bit
 * segments (base 0, 4 GiB limit: 0xfffff with G=1, D/B=1, present), CS
 * execute/read, DS/ES/SS read/write, and TR an active (busy) 32-bit TSS
 * with base 0 and limit 0x67. The descriptor caches cannot be read, so the
 * GDT entry is the best evidence. Called by guest_main().
 */
#include "guest.h"
#include "loader/console.h"

/* Access byte: P(7) DPL(6:5) S(4) type(3:0). */
#define DESC_P 0x80u
#define DESC_S 0x10u
#define TYPE_CODE 0x8u
#define TYPE_CODE_READ 0x2u
#define TYPE_DATA_WRITE 0x2u
#define TYPE_DATA_DOWN 0x4u
#define TYPE_TSS32_BUSY 0xbu
/* Flags nibble: G(3) D/B(2) L(1) AVL(0). */
#define FLAG_G 0x8u
#define FLAG_DB 0x4u
#define FLAG_L 0x2u

struct desc {
	uint64_t raw;
	uint32_t base;
	uint32_t limit;	    /* the 20-bit field */
	uint32_t limit_eff; /* in bytes, G applied */
	uint8_t access;
	uint8_t flags;
};

static bool read_desc(const struct handover *h, struct check *c, uint32_t sel, struct desc *d)
{
	const struct guest_cpu_state *s = h->cpu;
	uint32_t off = sel & ~7u;

	if (off == 0) {
		check_fail(c, "selector 0x%04x is the null selector", sel);
		return false;
	}
	if (sel & 4u) {
		check_fail(c, "selector 0x%04x points into the LDT (TI=1)", sel);
		return false;
	}
	if (off + 7 > s->gdt_limit) {
		check_fail(c, "selector 0x%04x beyond GDT limit 0x%04x", sel, s->gdt_limit);
		return false;
	}
	if (!phys_ok((uint64_t)s->gdt_base + off, 8)) {
		check_fail(c, "descriptor at GDT base 0x%08x + 0x%x beyond 4 GiB", s->gdt_base, off);
		return false;
	}
	uint32_t lo = phys_le32((uint64_t)s->gdt_base + off);
	uint32_t hi = phys_le32((uint64_t)s->gdt_base + off + 4);

	d->raw = ((uint64_t)hi << 32) | lo;
	d->limit = (lo & 0xffffu) | (hi & 0x000f0000u);
	d->base = (lo >> 16) | ((hi & 0xffu) << 16) | (hi & 0xff000000u);
	d->access = (uint8_t)(hi >> 8);
	d->flags = (uint8_t)((hi >> 20) & 0xfu);
	d->limit_eff = (d->flags & FLAG_G) ? (d->limit << 12) | 0xfffu : d->limit;
	console_printf("%s: selector 0x%04x descriptor 0x%016llx: base 0x%08x limit 0x%05x G=%u "
		       "D/B=%u L=%u P=%u S=%u type 0x%x\n",
		       c->name, sel, (unsigned long long)d->raw, d->base, d->limit,
		       !!(d->flags & FLAG_G), !!(d->flags & FLAG_DB), !!(d->flags & FLAG_L),
		       !!(d->access & DESC_P), !!(d->access & DESC_S), d->access & 0xfu);
	return true;
}

/* What every flat 32-bit segment shares, code or data. */
static void check_flat(struct check *c, const struct desc *d)
{
	if (!(d->access & DESC_P))
		check_fail(c, "not present (access 0x%02x)", d->access);
	if (!(d->access & DESC_S))
		check_fail(c, "system descriptor (S=0, type 0x%x), want code/data", d->access & 0xfu);
	if (d->base != 0)
		check_fail(c, "base 0x%08x, want 0", d->base);
	if (d->limit_eff != 0xffffffffu)
		check_fail(c, "limit 0x%05x G=%u (0x%08x bytes), want 0xfffff G=1", d->limit,
			   !!(d->flags & FLAG_G), d->limit_eff);
	if (!(d->flags & FLAG_DB))
		check_fail(c, "D/B=0 (16-bit), want 32-bit");
	if (d->flags & FLAG_L)
		check_fail(c, "L=1 (64-bit code), want 32-bit");
}

static void check_code(const struct handover *h, const char *name, uint32_t sel)
{
	struct check c;
	struct desc d;

	check_begin(&c, name);
	if (read_desc(h, &c, sel, &d)) {
		check_flat(&c, &d);
		unsigned type = d.access & 0xfu;
		if ((d.access & DESC_S) &&
		    (type & (TYPE_CODE | TYPE_CODE_READ)) != (TYPE_CODE | TYPE_CODE_READ))
			check_fail(&c, "type 0x%x, want execute/read code (0xa or 0xb)", type);
	}
	check_end(&c);
}

static void check_data(const struct handover *h, const char *name, uint32_t sel)
{
	struct check c;
	struct desc d;

	check_begin(&c, name);
	if (read_desc(h, &c, sel, &d)) {
		check_flat(&c, &d);
		unsigned type = d.access & 0xfu;
		if ((d.access & DESC_S) &&
		    (type & (TYPE_CODE | TYPE_DATA_WRITE | TYPE_DATA_DOWN)) != TYPE_DATA_WRITE)
			check_fail(&c, "type 0x%x, want read/write expand-up data (0x2 or 0x3)",
				   type);
	}
	check_end(&c);
}

static void check_tss(const struct handover *h)
{
	struct check c;
	struct desc d;

	check_begin(&c, "tss");
	if (h->cpu->tr == 0) {
		check_fail(&c, "TR selector is 0: no TSS loaded");
	} else if (read_desc(h, &c, h->cpu->tr, &d)) {
		if (!(d.access & DESC_P))
			check_fail(&c, "not present (access 0x%02x)", d.access);
		if ((d.access & DESC_S) || (d.access & 0xfu) != TYPE_TSS32_BUSY)
			check_fail(&c, "S=%u type 0x%x, want a busy 32-bit TSS (S=0 type 0xb)",
				   !!(d.access & DESC_S), d.access & 0xfu);
		if (d.base != 0)
			check_fail(&c, "base 0x%08x, want 0", d.base);
		if (d.limit_eff != 0x67)
			check_fail(&c, "limit 0x%08x bytes, want 0x67", d.limit_eff);
	}
	check_end(&c);
}

void check_segments(const struct handover *h)
{
	const struct guest_cpu_state *s = h->cpu;

	check_code(h, "seg.cs", s->cs);
	check_data(h, "seg.ds", s->ds);
	check_data(h, "seg.es", s->es);
	check_data(h, "seg.ss", s->ss);
	check_tss(h);
}
