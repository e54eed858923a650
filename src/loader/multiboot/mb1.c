/*
 * mb1.c - multiboot1 boot information (Multiboot Specification 0.6.96) into a
 * boot request. Caller: loader_multiboot_main() with %eax = 0x2badb002.
 */
#include "loader/common/rsdp.h"
#include "loader/multiboot/multiboot.h"

#define MB1_INFO_SIZE 68 /* up to and including boot_loader_name */
#define MB1_FLAG_MEM (1u << 0)
#define MB1_FLAG_CMDLINE (1u << 2)
#define MB1_FLAG_MODS (1u << 3)
#define MB1_FLAG_MMAP (1u << 6)
#define MB1_FLAG_LOADER_NAME (1u << 9)
#define MB1_MAX_MMAP_ENTRIES 1024
#define MB1_MAX_MODULES (BOOTREQ_MAX_MODULES + 1)

static int mb1_memory(struct bootreq *req, const struct phys_mem *pm, const uint8_t *info,
		      struct err *err)
{
	uint32_t flags = le32(info);

	if (flags & MB1_FLAG_MMAP) {
		uint32_t len = le32(info + 44), addr = le32(info + 48);
		uint32_t off = 0;
		const uint8_t *mmap = phys_map(pm, addr, len);

		if (!mmap)
			return err_fail(err, "multiboot1: mmap_addr 0x%x + mmap_length 0x%x not readable",
					addr, len);
		for (unsigned i = 0; off < len; i++) {
			if (i >= MB1_MAX_MMAP_ENTRIES)
				return err_fail(err, "multiboot1: mmap: more than %d entries",
						MB1_MAX_MMAP_ENTRIES);
			if (len - off < 24)
				return err_fail(err, "multiboot1: mmap entry %u at offset %u: %u bytes left, need 24",
						i, off, len - off);
			uint32_t size = le32(mmap + off);
			if (size < 20 || size > len - off - 4)
				return err_fail(err, "multiboot1: mmap entry %u: size %u outside 20..%u",
						i, size, len - off - 4);
			if (bootreq_add_ram(req, le64(mmap + off + 4), le64(mmap + off + 12),
					    le32(mmap + off + 20), err))
				return -1;
			off += size + 4;
		}
		return 0;
	}
	if (flags & MB1_FLAG_MEM) {
		uint64_t lower = (uint64_t)le32(info + 4) * 1024, upper = (uint64_t)le32(info + 8) * 1024;
		if (bootreq_add_ram(req, 0, lower, 1, err) ||
		    bootreq_add_ram(req, 0x100000, upper, 1, err))
			return -1;
		return 0;
	}
	return err_fail(err, "multiboot1: neither a memory map (flags bit 6) nor memory sizes (bit 0)");
}

int mb1_parse(struct bootreq *req, const struct phys_mem *pm, uint32_t info_addr,
	      struct err *err)
{
	const uint8_t *info = phys_map(pm, info_addr, MB1_INFO_SIZE);
	bool from_grub = false;

	bootreq_init(req, "multiboot1");
	if (!info)
		return err_fail(err, "multiboot1: boot information at 0x%x not readable", info_addr);
	uint32_t flags = le32(info);

	if (flags & MB1_FLAG_LOADER_NAME) {
		const char *name = phys_string(pm, le32(info + 64), 256);
		from_grub = name && strncmp(name, "GRUB", 4) == 0;
	}
	if (flags & MB1_FLAG_CMDLINE) {
		const char *cmd = phys_string(pm, le32(info + 16), BOOTREQ_MAX_STRING);
		if (!cmd)
			return err_fail(err, "multiboot1: cmdline at 0x%x not a readable string",
					le32(info + 16));
		req->loader_cmdline = bootreq_strdup(req, cmd, BOOTREQ_MAX_STRING, err);
		if (!req->loader_cmdline)
			return -1;
	}
	if (mb1_memory(req, pm, info, err))
		return -1;

	if (!(flags & MB1_FLAG_MODS) || le32(info + 20) == 0)
		return err_fail(err, "multiboot1: no modules: give the PVH kernel as the first module");
	uint32_t count = le32(info + 20), mods_addr = le32(info + 24);
	if (count > MB1_MAX_MODULES)
		return err_fail(err, "multiboot1: mods_count %u, at most %d", count, MB1_MAX_MODULES);
	const uint8_t *mods = phys_map(pm, mods_addr, (uint64_t)count * 16);
	if (!mods)
		return err_fail(err, "multiboot1: module list at 0x%x not readable", mods_addr);
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *m = mods + i * 16;
		const char *s = NULL;
		if (le32(m + 8)) {
			s = phys_string(pm, le32(m + 8), BOOTREQ_MAX_STRING);
			if (!s)
				return err_fail(err, "multiboot1: module %u: string at 0x%x not readable",
						i, le32(m + 8));
		}
		if (mb_add_module(req, pm, le32(m), le32(m + 4), s, !from_grub, err))
			return -1;
	}
	req->rsdp = rsdp_scan_bios(pm);
	return 0;
}
