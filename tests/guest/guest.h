/*
 * guest.h - shared declarations of the PVH conformance guest: the CPU state
 * entry.S captures, what the loader handed over (read once, bounds-checked,
 * by handover.c), the report functions and the check entry points that
 * guest_main() (guest.c) calls in order.
 */
#ifndef PVH_GUEST_H
#define PVH_GUEST_H

#include "lib/env.h"
#include "pvh/memmap.h"
#include "xen/xen_abi.h"

/*
 * Built by entry.S on the stack, lowest address first (= pushed last). The
 * selectors are zero-extended; sgdt and sidt store their 6 bytes at
 * gdt_limit and idt_limit.
 */
struct guest_cpu_state {
	uint32_t ebx;
	uint32_t eflags;
	uint32_t cr0;
	uint32_t cr4;
	uint32_t cs;
	uint32_t ds;
	uint32_t es;
	uint32_t ss;
	uint32_t tr;
	uint16_t gdt_pad;
	uint16_t gdt_limit;
	uint32_t gdt_base;
	uint16_t idt_pad;
	uint16_t idt_limit;
	uint32_t idt_base;
};

_Static_assert(sizeof(struct guest_cpu_state) == 52, "entry.S pushes 13 words");
_Static_assert(offsetof(struct guest_cpu_state, gdt_limit) == 38, "sgdt 2(%esp)");
_Static_assert(offsetof(struct guest_cpu_state, idt_limit) == 46, "sidt 2(%esp)");

/* Linker-script symbols: the whole image incl. BSS and stack. */
extern char __image_start[], __image_end[];

/* ---- physical memory (phys.c) ---------------------------------------------- */
#define PHYS_LIMIT 0x100000000ull /* everything handed over must lie below 4 GiB */

/* True if [addr, addr+size) lies below 4 GiB (so paging-off reads are safe). */
bool phys_ok(uint64_t addr, uint64_t size);
/* A pointer to physical address addr (< 4 GiB), hidden from the optimiser. */
const volatile uint8_t *phys_ptr(uint64_t addr);
/* Reads 64 bits from physical memory in little-endian order. */
uint64_t phys_le64(uint64_t addr);
uint32_t phys_le32(uint64_t addr);

/* ---- what the loader handed over (handover.c) --------------------------------- */
#define GUEST_STR_MAX 4096   /* command lines: NUL within 4 KiB */
#define GUEST_MAX_MODULES 64 /* more than this is garbage, not a boot */

enum str_state { STR_ABSENT, STR_OK, STR_ABOVE_4G, STR_UNTERMINATED };

struct guest_str {
	enum str_state state;
	uint64_t paddr;
	size_t len; /* without the NUL */
	char text[GUEST_STR_MAX];
};

struct handover {
	const struct guest_cpu_state *cpu;
	uint32_t si_paddr;
	bool si_readable; /* non-zero and the 56 bytes lie below 4 GiB */
	struct hvm_start_info si;
	struct guest_str cmdline;
	/* The memory map as read (not normalised: the checks judge it as is). */
	bool memmap_read;
	const char *memmap_why; /* why it could not be read */
	unsigned memmap_n;
	struct memmap_entry memmap[PVH_LINUX_MAX_MEMMAP];
};

void handover_read(struct handover *h, const struct guest_cpu_state *cpu);
void handover_print(const struct handover *h);
/* Reads a NUL-terminated string at paddr (0 = absent) into s. */
void guest_str_read(struct guest_str *s, uint64_t paddr);
/* Reads module i's entry; false (with why) if the module list is unreadable. */
bool handover_module(const struct handover *h, unsigned i, struct hvm_modlist_entry *m,
		     const char **why);
/* True if [addr, addr+size) overlaps the guest's image (incl. BSS and stack). */
bool guest_overlaps_image(uint64_t addr, uint64_t size);
/* True if every byte of [addr, addr+size) lies in RAM entries of the map read. */
bool handover_in_ram(const struct handover *h, uint64_t addr, uint64_t size);

/* ---- kernel command line tokens (cmdline.c) ------------------------------------ */
/* The value of the first token "KEY..." (key includes its '='), or NULL. */
const char *cmdline_value(const char *cmdline, const char *key, size_t *len);
bool cmdline_has_token(const char *cmdline, const char *token);
bool cmdline_parse_hex32(const char *s, size_t len, uint32_t *out);
bool cmdline_parse_u32(const char *s, size_t len, uint32_t *out);

/* ---- reporting (report.c) -------------------------------------------------------- */
struct check {
	const char *name;
	bool failed;
};

void check_begin(struct check *c, const char *name);
/* Prints "FAIL: name: detail"; may be called several times per check. */
void check_fail(struct check *c, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Prints "PASS: name" if nothing failed; records the name otherwise. */
void check_end(struct check *c);
/* Prints "PVH-CONFORMANCE: ok" or "... fail a,b,c"; true if all passed. */
bool report_verdict(void);

/* ---- the checks, in the order guest_main() runs them ------------------------------ */
void check_cpu(const struct handover *h); /* cpu.cr0 cpu.cr4 cpu.efer cpu.eflags cpu.idt */
void check_segments(const struct handover *h); /* seg.cs seg.ds seg.es seg.ss tss */
void check_start_info(const struct handover *h); /* si.magic si.version si.align */
void check_memmap(const struct handover *h);  /* memmap memmap.image memmap.si */
void check_load(void);                         /* load.data load.rodata bss */
void check_modules(const struct handover *h);  /* modules */
void check_cmdline(const struct handover *h);  /* cmdline */
void check_rsdp(const struct handover *h);     /* rsdp */

#endif
