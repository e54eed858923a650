/*
 * bootreq.h - what every front end hands to the common boot path: the raw
 * memory map, the kernel (an ELF or a bundle), its command line, the modules
 * with theirs, the RSDP and the start-info flags. Front ends fill it from
 * their firmware's data; strings are copied into the request's own pool so
 * nothing of the firmware's boot information must survive the copies.
 */
#ifndef PVHBOOT_BOOTREQ_H
#define PVHBOOT_BOOTREQ_H

#include "lib/env.h"
#include "lib/err.h"
#include "pvh/memmap.h"
#include "pvh/plan.h"

#define BOOTREQ_MAX_MODULES PLAN_MAX_MODULES
#define BOOTREQ_POOL_SIZE 16384
/* The longest string taken from boot information; longer is an error. */
#define BOOTREQ_MAX_STRING 4096

struct bootreq_blob {
	uint64_t addr;       /* physical address now */
	uint64_t size;
	const uint8_t *data; /* readable bytes of [addr, addr+size) */
	const char *name;    /* for messages: file name or "module 2" */
	const char *cmdline; /* "" if none */
};

struct bootreq {
	const char *source; /* "multiboot2", "multiboot1", "pvh" */
	unsigned nraw;
	struct memmap_entry raw[MEMMAP_MAX];
	bool have_kernel;
	struct bootreq_blob kernel; /* its cmdline is the kernel's */
	unsigned nmodules;
	struct bootreq_blob modules[BOOTREQ_MAX_MODULES];
	uint64_t rsdp;          /* physical address, 0 if unknown */
	bool have_rsdp_copy;    /* multiboot2 tags carry the RSDP bytes, not its address */
	uint8_t rsdp_copy[36];
	uint32_t si_flags;
	const char *loader_cmdline;
	size_t pool_used;
	char pool[BOOTREQ_POOL_SIZE];
};

void bootreq_init(struct bootreq *req, const char *source);

/* Copy n bytes of s (stopping early at a NUL) into the pool as a C string. */
const char *bootreq_strdup(struct bootreq *req, const char *s, size_t n, struct err *err);

int bootreq_add_ram(struct bootreq *req, uint64_t addr, uint64_t size, uint32_t type,
		    struct err *err);

int bootreq_add_module(struct bootreq *req, const struct bootreq_blob *blob, struct err *err);

/* Skip the first word of a string ("vmlinux console=ttyS0" -> "console=ttyS0"). */
const char *cmdline_skip_word(const char *s);

#endif
