/*
 * check_cpu.c - the control registers and flags at entry (captured by
 * entry.S) against the PVH ABI (Xen docs/misc/pvh.pandoc): protected mode
 * with paging off, CR4 clear, long mode off, IF/TF/VM clear. The ABI says
 * nothing of the IDTR, so cpu.idt only reports it unless the command line
 * holds expect.idt=null: pvhboot's tests pass that token, since pvhboot
 * hands over a null IDT (limit 0) so that a fault during or after its
 * copies shuts the machine down rather than running a stale handler.
 * Called by guest_main().
 */
#include "guest.h"
#include "loader/console.h"

#define CR0_PE 0x00000001u
#define CR0_ET 0x00000010u /* hard-wired to 1 on i486+: not the loader's choice */

#define EFLAGS_TF 0x00000100u
#define EFLAGS_IF 0x00000200u
#define EFLAGS_VM 0x00020000u

#define MSR_EFER 0xc0000080u
#define EFER_LME 0x00000100u
#define EFER_LMA 0x00000400u

#define CPUID_EXT_LM (1u << 29)
#define CPUID_EXT_NX (1u << 20)
#define CPUID_EXT_SYSCALL (1u << 11)

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static void check_efer(void)
{
	struct check c;
	uint32_t a, b, cx, d;

	check_begin(&c, "cpu.efer");
	cpuid(0x80000000u, &a, &b, &cx, &d);
	if (a < 0x80000001u || a > 0x8000ffffu) {
		console_printf("cpu.efer: no extended CPUID leaf 0x80000001 (max 0x%08x): no EFER\n", a);
		check_end(&c);
		return;
	}
	cpuid(0x80000001u, &a, &b, &cx, &d);
	/* rdmsr of EFER faults on a CPU without it: only read when CPUID says so. */
	if (!(d & (CPUID_EXT_LM | CPUID_EXT_NX | CPUID_EXT_SYSCALL))) {
		console_printf("cpu.efer: CPUID 0x80000001 edx 0x%08x: no EFER\n", d);
		check_end(&c);
		return;
	}
	uint64_t efer = rdmsr(MSR_EFER);
	console_printf("cpu.efer: 0x%llx\n", (unsigned long long)efer);
	if (efer & EFER_LME)
		check_fail(&c, "EFER 0x%llx has LME (bit 8) set", (unsigned long long)efer);
	if (efer & EFER_LMA)
		check_fail(&c, "EFER 0x%llx has LMA (bit 10) set", (unsigned long long)efer);
	check_end(&c);
}

static void check_idt(const struct handover *h)
{
	const struct guest_cpu_state *s = h->cpu;
	struct check c;

	check_begin(&c, "cpu.idt");
	console_printf("cpu.idt: base 0x%08x limit 0x%04x\n", s->idt_base, s->idt_limit);
	if (cmdline_has_token(h->cmdline.text, "expect.idt=null") && s->idt_limit != 0)
		check_fail(&c, "IDTR base 0x%08x limit 0x%04x, want limit 0 (expect.idt=null)",
			   s->idt_base, s->idt_limit);
	check_end(&c);
}

void check_cpu(const struct handover *h)
{
	const struct guest_cpu_state *s = h->cpu;
	struct check c;

	check_begin(&c, "cpu.cr0");
	if ((s->cr0 & ~CR0_ET) != CR0_PE)
		check_fail(&c, "cr0 0x%08x, want PE (0x1) and nothing else but ET: extra 0x%08x%s",
			   s->cr0, s->cr0 & ~(CR0_ET | CR0_PE),
			   (s->cr0 & CR0_PE) ? "" : ", PE clear");
	check_end(&c);

	check_begin(&c, "cpu.cr4");
	if (s->cr4 != 0)
		check_fail(&c, "cr4 0x%08x, want 0", s->cr4);
	check_end(&c);

	check_efer();

	check_begin(&c, "cpu.eflags");
	if (s->eflags & EFLAGS_IF)
		check_fail(&c, "eflags 0x%08x has IF (0x200) set", s->eflags);
	if (s->eflags & EFLAGS_TF)
		check_fail(&c, "eflags 0x%08x has TF (0x100) set", s->eflags);
	if (s->eflags & EFLAGS_VM)
		check_fail(&c, "eflags 0x%08x has VM (0x20000) set", s->eflags);
	check_end(&c);

	check_idt(h);
}
