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
static int (*boot_release)(struct err *err);

void boot_set_release(int (*release)(struct err *err))
{
	boot_release = release;
}

#ifdef PVHBOOT_BENCH
/*
 * Bench build only (make bench): the copy floor, one copy of the bytes the
 * plan must move. The plan reserves BENCH_SCRATCH more after the hand-off
 * area: RAM nothing has touched yet, as the kernel's destination has not.
 * Before anything else is written, the loader copies every copy operation's
 * own source into it with the stub's copy loop (bench_copy, handoff.S), and
 * prints the TSC around it with its own entry TSC (entry.S). So the floor
 * pays what any copy of these bytes pays: the host's first touch of fresh
 * guest pages, and the copy itself. bench/bench.sh subtracts it from the
 * loader's time. Beyond BENCH_SCRATCH the scratch is reused (then warm).
 */
#define BENCH_SCRATCH (96u << 20)
#define BOOT_HANDOFF_RESERVE (HANDOFF_AREA_SIZE + BENCH_SCRATCH + 4096)

extern uint64_t bench_tsc_entry;
/*
 * TSC after boot_prepare (planning / reporting split), and around a second,
 * warm boot_prepare into a scratch copy: under TCG the first run of the
 * loader's code pays QEMU's translation of it, which a machine (or KVM)
 * does not; the warm run is the planning's own cost.
 */
static uint64_t bench_tsc_prepared, bench_tsc_warm_start, bench_tsc_warm_end;
static struct boot_prepared bench_warm;
void bench_copy(void *dst, const void *src, uint32_t len);

static uint64_t bench_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static void bench_warm_prepare(struct bootreq *req, const struct boot_place *place)
{
	struct err err;

	err_clear(&err);
	bench_tsc_warm_start = bench_rdtsc();
	(void)boot_prepare(&bench_warm, req, place, &err); /* the same request: cannot fail now */
	bench_tsc_warm_end = bench_rdtsc();
}

static void bench_floor(const struct boot_prepared *bp, const struct bootreq *req)
{
	uintptr_t scratch = ((uintptr_t)bp->plan.handoff_addr + HANDOFF_AREA_SIZE + 4095) & ~(uintptr_t)4095;
	uint64_t read = req->kernel.size;
	uint32_t used = 0;

	for (unsigned i = 0; i < req->nmodules; i++)
		read += req->modules[i].size;
	uint64_t t0 = bench_rdtsc();
	for (unsigned i = 0; i < bp->plan.nops; i++) {
		const struct plan_op *op = &bp->plan.ops[i];
		uint64_t done = 0;

		if (op->kind == PLAN_ZERO)
			continue;
		while (done < op->len) {
			if (used == BENCH_SCRATCH)
				used = 0;
			uint64_t n = op->len - done;
			if (n > BENCH_SCRATCH - used)
				n = BENCH_SCRATCH - used;
			bench_copy((void *)(scratch + used), (const void *)(uintptr_t)(op->src + done),
				   (uint32_t)n);
			done += n;
			used += (uint32_t)n;
		}
	}
	uint64_t t1 = bench_rdtsc();
	console_printf("PVHBOOT-BENCH entry=%llx prepared=%llx warm_start=%llx warm_end=%llx "
		       "floor_start=%llx floor_end=%llx "
		       "bytes_read=%llu bytes_copied=%llu bytes_staged=%llu bytes_zeroed=%llu\n",
		       (unsigned long long)bench_tsc_entry, (unsigned long long)bench_tsc_prepared,
		       (unsigned long long)bench_tsc_warm_start, (unsigned long long)bench_tsc_warm_end,
		       (unsigned long long)t0,
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
		console_drain();
		outb(QEMU_EXIT_PORT, LOADER_EXIT_ERROR);
	}
	console_puts("pvhboot: stopped; nothing was written to memory. Fix the above and reboot.\n");
	console_drain();
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
	if (bp->plan.relocated)
		console_printf("pvhboot:   relocated by %s0x%llx (linked 0x%llx, loaded 0x%llx)\n",
			       (int64_t)bp->plan.delta < 0 ? "-" : "+",
			       (unsigned long long)((int64_t)bp->plan.delta < 0 ? -bp->plan.delta
										: bp->plan.delta),
			       (unsigned long long)elf->span_start,
			       (unsigned long long)(elf->span_start + bp->plan.delta));
	for (unsigned i = 0; i < elf->nsegments; i++) {
		const struct elf_segment *s = &elf->segments[i];
		uint64_t at = s->paddr + bp->plan.delta;
		console_printf("pvhboot:   segment %u: 0x%08llx-0x%08llx (%llu bytes from file, %llu zeroed)\n",
			       s->index, (unsigned long long)at,
			       (unsigned long long)(at + s->memsz - 1),
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
	if (opts->bad[0]) {
		fmt_snprintf(err.msg, sizeof(err.msg), "option '%s': not a number (0x... or decimal)",
			     opts->bad);
		loader_fail(opts, err.msg);
	}
	/*
	 * The loader image is dead once the stub runs from its own area: copies
	 * may cover it (kernels linked at 1 MiB), only the loader's own writes
	 * (boot data, hand-off area) must stay off it.
	 */
	struct boot_place place = {
		.live = &image,
		.nlive = 1,
		.live_name = "pvhboot itself",
		.handoff_size = BOOT_HANDOFF_RESERVE,
		.force_reloc = opts->reloc_forced,
		.reloc_base = opts->reloc_base,
	};
	if (boot_prepare(bp, req, &place, &err))
		loader_fail(opts, err.msg);
#ifdef PVHBOOT_BENCH
	bench_tsc_prepared = bench_rdtsc();
#endif
	report(bp, req, opts);
#ifdef PVHBOOT_BENCH
	bench_warm_prepare(req, &place);
	bench_floor(bp, req);
#endif

	if (boot_release && boot_release(&err))
		loader_fail(opts, err.msg);
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
