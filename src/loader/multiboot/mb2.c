/*
 * mb2.c - multiboot2 boot information (Multiboot2 Specification 2.0) into a
 * boot request. Caller: loader_multiboot_main() with %eax = 0x36d76289.
 * Tags are walked inside total_size only; each tag's size is checked before
 * any of its fields is read.
 */
#include "loader/common/rsdp.h"
#include "loader/multiboot/multiboot.h"

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_MAX_MMAP_ENTRIES 1024

/* A string filling at most len bytes of a tag; it must carry its NUL. */
static const char *tag_string(const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (p[i] == '\0')
			return (const char *)p;
	return NULL;
}

static int mb2_mmap(struct bootreq *req, const uint8_t *tag, uint32_t size, struct err *err)
{
	if (size < 16)
		return err_fail(err, "multiboot2: mmap tag: size %u, need 16", size);
	uint32_t entry_size = le32(tag + 8);
	if (entry_size < 24 || entry_size % 8)
		return err_fail(err, "multiboot2: mmap tag: entry_size %u, need a multiple of 8 >= 24",
				entry_size);
	uint32_t n = (size - 16) / entry_size;
	if (n > MB2_MAX_MMAP_ENTRIES)
		return err_fail(err, "multiboot2: mmap tag: %u entries, at most %d", n,
				MB2_MAX_MMAP_ENTRIES);
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = tag + 16 + (size_t)i * entry_size;
		if (bootreq_add_ram(req, le64(e), le64(e + 8), le32(e + 16), err))
			return -1;
	}
	return 0;
}

int mb2_parse(struct bootreq *req, const struct phys_mem *pm, uint32_t info_addr,
	      struct err *err)
{
	const uint8_t *head = phys_map(pm, info_addr, 8);
	bool have_mmap = false, have_meminfo = false, have_new_rsdp = false;
	uint64_t mem_lower = 0, mem_upper = 0;

	bootreq_init(req, "multiboot2");
	if (!head)
		return err_fail(err, "multiboot2: boot information at 0x%x not readable", info_addr);
	if (info_addr % 8)
		return err_fail(err, "multiboot2: boot information at 0x%x not 8-aligned", info_addr);
	uint32_t total = le32(head);
	if (total < 16 || total > MB2_MAX_INFO)
		return err_fail(err, "multiboot2: total_size %u outside 16..%u", total, MB2_MAX_INFO);
	const uint8_t *info = phys_map(pm, info_addr, total);
	if (!info)
		return err_fail(err, "multiboot2: boot information [0x%x, +0x%x) not readable",
				info_addr, total);

	uint32_t off = 8;
	for (;;) {
		if (total - off < 8)
			return err_fail(err, "multiboot2: tag at offset %u: past total_size %u without an end tag",
					off, total);
		const uint8_t *tag = info + off;
		uint32_t type = le32(tag), size = le32(tag + 4);
		if (size < 8 || size > total - off)
			return err_fail(err, "multiboot2: tag type %u at offset %u: size %u outside 8..%u",
					type, off, size, total - off);
		if (type == MB2_TAG_END)
			break;
		switch (type) {
		case MB2_TAG_CMDLINE: {
			const char *s = tag_string(tag + 8, size - 8);
			if (!s)
				return err_fail(err, "multiboot2: cmdline tag: no NUL within %u bytes",
						size - 8);
			req->loader_cmdline = bootreq_strdup(req, s, size - 8, err);
			if (!req->loader_cmdline)
				return -1;
			break;
		}
		case MB2_TAG_MODULE: {
			if (size < 17)
				return err_fail(err, "multiboot2: module tag: size %u, need 17", size);
			const char *s = tag_string(tag + 16, size - 16);
			if (!s)
				return err_fail(err, "multiboot2: module tag: string without NUL");
			if (mb_add_module(req, pm, le32(tag + 8), le32(tag + 12), s, false, err))
				return -1;
			break;
		}
		case MB2_TAG_BASIC_MEMINFO:
			if (size < 16)
				return err_fail(err, "multiboot2: basic meminfo tag: size %u, need 16", size);
			mem_lower = (uint64_t)le32(tag + 8) * 1024;
			mem_upper = (uint64_t)le32(tag + 12) * 1024;
			have_meminfo = true;
			break;
		case MB2_TAG_MMAP:
			if (mb2_mmap(req, tag, size, err))
				return -1;
			have_mmap = true;
			break;
		case MB2_TAG_ACPI_NEW:
		case MB2_TAG_ACPI_OLD: {
			uint32_t n = size - 8;
			if (type == MB2_TAG_ACPI_OLD && have_new_rsdp)
				break; /* the new one wins whatever the order */
			if (n < 20)
				return err_fail(err, "multiboot2: ACPI tag %u: %u bytes, an RSDP has 20",
						type, n);
			if (n > sizeof(req->rsdp_copy))
				n = sizeof(req->rsdp_copy);
			if (!rsdp_valid(tag + 8, n))
				break; /* a bad copy is ignored: the BIOS scan may still find one */
			memset(req->rsdp_copy, 0, sizeof(req->rsdp_copy));
			memcpy(req->rsdp_copy, tag + 8, n);
			req->have_rsdp_copy = true;
			have_new_rsdp = type == MB2_TAG_ACPI_NEW;
			break;
		}
		default:
			break;
		}
		uint64_t next = (uint64_t)off + size;
		next = (next + 7) & ~7ull;
		if (next >= total)
			return err_fail(err, "multiboot2: no end tag within total_size %u", total);
		off = (uint32_t)next;
	}

	if (!have_mmap) {
		if (!have_meminfo)
			return err_fail(err, "multiboot2: neither a memory map nor a basic meminfo tag");
		if (bootreq_add_ram(req, 0, mem_lower, 1, err) ||
		    bootreq_add_ram(req, 0x100000, mem_upper, 1, err))
			return -1;
	}
	if (!req->have_kernel)
		return err_fail(err, "multiboot2: no modules: give the PVH kernel as the first module2");

	/* Prefer the firmware's own RSDP (it lies in reserved memory) when it is the same one. */
	uint64_t scanned = rsdp_scan_bios(pm);
	if (req->have_rsdp_copy) {
		const uint8_t *s = scanned ? phys_map(pm, scanned, 20) : NULL;
		if (s && memcmp(s, req->rsdp_copy, 20) == 0) {
			req->rsdp = scanned;
			req->have_rsdp_copy = false;
		}
	} else {
		req->rsdp = scanned;
	}
	return 0;
}
