/*
 * boot.c - the common boot path after a front end filled a boot request.
 * Caller: loader_multiboot_main(), loader_pvh_main(). 32-bit protected mode,
 * paging off: physical addresses are pointers.
 */
#include "loader/boot.h"
#include "lib/fmt.h"
#include "loader/common/prepare.h"
#include "loader/console.h"
#include "loader/handoff.h"
#include "hw/portio.h"

extern char __image_start[], __image_end[];

static struct boot_prepared prepared;

#ifdef PVHBOOT_BENCH
/*
 * Bench build only (make bench): the copy floor. The plan reserves 2 MiB
 * more after the hand-off area (free RAM no copy touches); before anything
 * is written, the loader copies as many bytes as the plan will copy, in
 * 1 MiB blocks with `rep movsb`, and prints the TSC around it with its own
 * entry TSC (entry.S). bench/bench.sh subtracts this from the loader's time.
 */
#define BENCH_BLOCK 0x100000u
#define BOOT_HANDOFF_RESERVE (HANDOFF_AREA_SIZE + 2 * BENCH_BLOCK + 4096)

extern uint64_t bench_tsc_entry;

static uint64_t bench_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static void bench_floor(const struct boot_prepared *bp, const struct bootreq *req)
{
	uintptr_t src = ((uintptr_t)bp->plan.handoff_addr + HANDOFF_AREA_SIZE + 4095) & ~(uintptr_t)4095;
	uintptr_t dst = src + BENCH_BLOCK;
	uint64_t left = bp->plan.bytes_copied, read = req->kernel.size;

	for (unsigned i = 0; i < req->nmodules; i++)
		read += req->modules[i].size;
	uint64_t t0 = bench_rdtsc();
	while (left) {
		uint32_t n = left < BENCH_BLOCK ? (uint32_t)left : BENCH_BLOCK;
		uintptr_t s = src, d = dst;
		__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
		left -= left < BENCH_BLOCK ? left : BENCH_BLOCK;
	}
	uint64_t t1 = bench_rdtsc();
	console_printf("PVHBOOT-BENCH entry=%llx floor_start=%llx floor_end=%llx bytes_read=%llu "
		       "bytes_copied=%llu bytes_staged=%llu bytes_zeroed=%llu\n",
		       (unsigned long long)bench_tsc_entry, (unsigned long long)t0,
		       (unsigned long long)t1, (unsigned long long)read,
		       (unsigned long long)bp->plan.bytes_copied,
		       (unsigned long long)bp->plan.bytes_staged,
		       (unsigned long long)bp->plan.bytes_zeroed);
}
#else
#define BOOT_HANDOFF_RESERVE HANDOFF_AREA_SIZE
#endif

void loader_fail(const struct loader_options *opts, const char *msg)
{
	console_printf("pvhboot: error: %s\n", msg);
	if (opts && opts->exit_on_error) {
		console_puts("pvhboot: exit-on-error: leaving through isa-debug-exit\n");
		outb(QEMU_EXIT_PORT, LOADER_EXIT_ERROR);
	}
	console_puts("pvhboot: stopped; nothing was written to memory. Fix the above and reboot.\n");
	cpu_halt_forever();
}

static void *phys_ptr(uint64_t addr)
{
	return (void *)(uintptr_t)addr;
}

static void report(const struct boot_prepared *bp, const struct bootreq *req,
		   const struct loader_options *opts)
{
	const struct elf_image *elf = &bp->elf;

	console_printf("pvhboot: kernel %s: %llu bytes at 0x%llx, ELF%u, PVH entry 0x%llx\n",
		       req->kernel.name, (unsigned long long)req->kernel.size,
		       (unsigned long long)req->kernel.addr, elf->elf_class,
		       (unsigned long long)bp->entry);
	for (unsigned i = 0; i < elf->nsegments; i++) {
		const struct elf_segment *s = &elf->segments[i];
		console_printf("pvhboot:   segment %u: 0x%08llx-0x%08llx (%llu bytes from file, %llu zeroed)\n",
			       s->index, (unsigned long long)s->paddr,
			       (unsigned long long)(s->paddr + s->memsz - 1),
			       (unsigned long long)s->filesz,
			       (unsigned long long)(s->memsz - s->filesz));
	}
	for (unsigned i = 0; i < req->nmodules; i++) {
		const struct bootreq_blob *m = &req->modules[i];
		uint64_t now = bp->plan.module_addr[i];
		/* Front ends that know no file name label modules "module N": print real names only. */
		bool named = m->name && strncmp(m->name, "module ", 7) != 0;
		console_printf("pvhboot:   module %u%s%s: %llu bytes at 0x%llx%s, cmdline '%s'\n", i,
			       named ? " " : "", named ? m->name : "", (unsigned long long)m->size,
			       (unsigned long long)now, now == m->addr ? "" : " (moved)",
			       m->cmdline);
	}
	console_printf("pvhboot:   cmdline '%s'\n", bp->si.cmdline ? bp->si.cmdline : "");
	console_printf("pvhboot:   start info at 0x%llx: %u memory map entries, RSDP 0x%llx\n",
		       (unsigned long long)bp->plan.bootdata_addr, bp->map.n,
		       (unsigned long long)bp->si.rsdp);
	console_printf("pvhboot:   %u operations: %llu bytes copied (%llu staged), %llu zeroed\n",
		       bp->plan.nops, (unsigned long long)bp->plan.bytes_copied,
		       (unsigned long long)bp->plan.bytes_staged,
		       (unsigned long long)bp->plan.bytes_zeroed);
	if (opts->debug) {
		char line[96];
		console_puts("pvhboot: memory map handed over:\n");
		for (unsigned i = 0; i < bp->map.n; i++) {
			memmap_format_entry(line, sizeof(line), &bp->map.e[i]);
			console_printf("pvhboot:   %s\n", line);
		}
		console_printf("pvhboot: hand-off area at 0x%llx\n",
			       (unsigned long long)bp->plan.handoff_addr);
		for (unsigned i = 0; i < bp->plan.nops; i++) {
			const struct plan_op *op = &bp->plan.ops[i];
			console_printf("pvhboot:   op %u: %s 0x%08llx <- 0x%08llx, 0x%llx bytes\n", i,
				       op->kind == PLAN_ZERO ? "zero" : "copy",
				       (unsigned long long)op->dst, (unsigned long long)op->src,
				       (unsigned long long)op->len);
		}
	}
}

void boot_run(struct bootreq *req, const struct loader_options *opts)
{
	struct boot_prepared *bp = &prepared;
	struct range image = { (uintptr_t)__image_start, (uintptr_t)__image_end };
	struct err err;
	char line[96];

	err_clear(&err);
	for (unsigned i = 0; i < opts->nunknown; i++)
		console_printf("pvhboot: warning: unknown option '%s' ignored\n", opts->unknown[i]);
	if (opts->debug) {
		console_printf("pvhboot: memory map from %s (%u entries):\n", req->source, req->nraw);
		for (unsigned i = 0; i < req->nraw; i++) {
			memmap_format_entry(line, sizeof(line), &req->raw[i]);
			console_printf("pvhboot:   %s\n", line);
		}
	}
	if (boot_prepare(bp, req, &image, 1, "pvhboot itself", BOOT_HANDOFF_RESERVE, &err))
		loader_fail(opts, err.msg);
	report(bp, req, opts);
#ifdef PVHBOOT_BENCH
	bench_floor(bp, req);
#endif

	/* From here on memory is written: only ranges the plan proved free. */
	if (bp->rsdp_copy_addr)
		memcpy(phys_ptr(bp->rsdp_copy_addr), req->rsdp_copy, sizeof(req->rsdp_copy));
	if (si_build(phys_ptr(bp->plan.bootdata_addr), bp->si_bytes, bp->plan.bootdata_addr,
		     &bp->si, &err))
		loader_fail(opts, err.msg);

	struct handoff_block *block = phys_ptr(bp->plan.handoff_addr);
	void *code = (uint8_t *)block + sizeof(*block);
	if (handoff_fill(block, (uint32_t)bp->plan.handoff_addr, &bp->plan, bp->entry,
			 bp->plan.bootdata_addr, &err))
		loader_fail(opts, err.msg);
	memcpy(code, handoff_start, (size_t)(handoff_end - handoff_start));
	console_printf("pvhboot: starting kernel at 0x%llx\n", (unsigned long long)bp->entry);
	handoff_enter(block, code);
}
