/* efi_memmap.c - reading the UEFI memory map (see efi_memmap.h). */
#include "loader/config/efi_memmap.h"

static const char *const efi_memtype_names[] = {
	[EFI_MT_RESERVED] = "Reserved",
	[EFI_MT_LOADER_CODE] = "LoaderCode",
	[EFI_MT_LOADER_DATA] = "LoaderData",
	[EFI_MT_BOOT_SERVICES_CODE] = "BootServicesCode",
	[EFI_MT_BOOT_SERVICES_DATA] = "BootServicesData",
	[EFI_MT_RUNTIME_SERVICES_CODE] = "RuntimeServicesCode",
	[EFI_MT_RUNTIME_SERVICES_DATA] = "RuntimeServicesData",
	[EFI_MT_CONVENTIONAL] = "Conventional",
	[EFI_MT_UNUSABLE] = "Unusable",
	[EFI_MT_ACPI_RECLAIM] = "ACPIReclaim",
	[EFI_MT_ACPI_NVS] = "ACPINVS",
	[EFI_MT_MMIO] = "MMIO",
	[EFI_MT_MMIO_PORT_SPACE] = "MMIOPortSpace",
	[EFI_MT_PAL_CODE] = "PalCode",
	[EFI_MT_PERSISTENT] = "Persistent",
	[EFI_MT_UNACCEPTED] = "Unaccepted",
};

const char *efi_memtype_name(uint32_t efi_type)
{
	return efi_type < ARRAY_SIZE(efi_memtype_names) ? efi_memtype_names[efi_type] : "Unknown";
}

uint32_t efi_memtype_to_e820(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_MT_LOADER_CODE:
	case EFI_MT_LOADER_DATA:
	case EFI_MT_BOOT_SERVICES_CODE:
	case EFI_MT_BOOT_SERVICES_DATA:
	case EFI_MT_CONVENTIONAL:
		return 1; /* RAM */
	case EFI_MT_ACPI_RECLAIM:
		return 3; /* ACPI */
	case EFI_MT_ACPI_NVS:
		return 4; /* NVS */
	case EFI_MT_UNUSABLE:
		return 5; /* unusable */
	case EFI_MT_PERSISTENT:
		return 7; /* PMEM */
	default:
		/* Runtime services, MMIO, PalCode, Unaccepted (the kernel cannot accept
		 * it through PVH) and types newer than this code: keep out. */
		return 2; /* reserved */
	}
}

bool efi_memtype_free_after_exit(uint32_t efi_type)
{
	return efi_memtype_to_e820(efi_type) == 1;
}

int efi_memmap_check(size_t map_size, size_t desc_size, size_t *count, struct err *err)
{
	*count = 0;
	if (desc_size < EFI_MEMDESC_MIN_SIZE || desc_size % 8 != 0)
		return err_fail(err,
				"efi memmap: descriptor size %zu not a multiple of 8 of at least %u",
				desc_size, EFI_MEMDESC_MIN_SIZE);
	if (map_size % desc_size != 0)
		return err_fail(err, "efi memmap: map size %zu not a multiple of descriptor size %zu",
				map_size, desc_size);
	*count = map_size / desc_size;
	return 0;
}

int efi_memmap_get(const void *map, size_t desc_size, size_t i, struct efi_memdesc *d,
		   struct err *err)
{
	/* i < count, so i * desc_size + desc_size <= map_size: no overflow. */
	const uint8_t *p = (const uint8_t *)map + i * desc_size;
	uint64_t bytes, end;

	d->type = le32(p);
	d->start = le64(p + 8);
	d->pages = le64(p + 24);
	d->attribute = le64(p + 32);
	/* UEFI: "PhysicalStart must be aligned on a 4 KiB boundary"; the merges rely on it. */
	if (d->start & (EFI_MEMMAP_PAGE_SIZE - 1))
		return err_fail(err, "efi memmap: descriptor %zu (%s): PhysicalStart 0x%llx not 4 KiB aligned",
				i, efi_memtype_name(d->type), (unsigned long long)d->start);
	if (mul_overflows(d->pages, (uint64_t)EFI_MEMMAP_PAGE_SIZE, &bytes))
		return err_fail(err, "efi memmap: descriptor %zu (%s): NumberOfPages 0x%llx overflows 64 bits as bytes",
				i, efi_memtype_name(d->type), (unsigned long long)d->pages);
	if (add_overflows(d->start, bytes, &end))
		return err_fail(err,
				"efi memmap: descriptor %zu (%s): PhysicalStart 0x%llx + 0x%llx pages runs past 2^64",
				i, efi_memtype_name(d->type), (unsigned long long)d->start,
				(unsigned long long)d->pages);
	return 0;
}

/*
 * Sorts out[0..n) by address (insertion sort: after a first compaction the
 * array is nearly sorted) and merges touching or overlapping entries of one
 * type. Returns the new count. Large servers report thousands of
 * descriptors, most of them RAM of one kind or another.
 */
static unsigned compact(struct memmap_entry *out, unsigned n)
{
	unsigned k = 0;

	for (unsigned i = 1; i < n; i++) {
		struct memmap_entry e = out[i];
		unsigned j = i;
		for (; j > 0 && out[j - 1].addr > e.addr; j--)
			out[j] = out[j - 1];
		out[j] = e;
	}
	/* Last bytes, not ends: a range may end at 2^64. Sizes are never 0 here. */
	for (unsigned i = 0; i < n; i++) {
		if (k > 0) {
			struct memmap_entry *last = &out[k - 1];
			uint64_t last_byte = last->addr + (last->size - 1);
			uint64_t byte = out[i].addr + (out[i].size - 1);
			bool whole = last->addr == 0 && byte == UINT64_MAX; /* 2^64 bytes: no size */
			if (last->type == out[i].type && !whole &&
			    (out[i].addr <= last_byte || out[i].addr - 1 == last_byte)) {
				if (byte > last_byte)
					last->size = byte - last->addr + 1;
				continue;
			}
		}
		out[k++] = out[i];
	}
	return k;
}

/* With the output full: extends an entry of d's type that d touches. */
static bool merge_into(struct memmap_entry *out, unsigned n, const struct efi_memdesc *d)
{
	uint32_t type = efi_memtype_to_e820(d->type);
	uint64_t first = d->start, byte = d->start + (d->pages * EFI_MEMMAP_PAGE_SIZE - 1);

	for (unsigned i = 0; i < n; i++) {
		uint64_t e_byte = out[i].addr + (out[i].size - 1);
		bool touches = (first <= e_byte || first - 1 == e_byte) &&
			       (byte >= out[i].addr || byte + 1 == out[i].addr);
		if (out[i].type != type || !touches)
			continue;
		uint64_t lo = first < out[i].addr ? first : out[i].addr;
		uint64_t hi = byte > e_byte ? byte : e_byte;
		if (lo == 0 && hi == UINT64_MAX)
			return false; /* the whole space: a size of 2^64 does not fit */
		out[i].addr = lo;
		out[i].size = hi - lo + 1;
		return true;
	}
	return false;
}

/* free_now: only Conventional memory, as RAM; otherwise every descriptor, converted. */
static int convert(const void *map, size_t map_size, size_t desc_size, struct memmap_entry *out,
		   unsigned max, unsigned *n, bool free_now, struct err *err)
{
	size_t count;

	*n = 0;
	if (efi_memmap_check(map_size, desc_size, &count, err) < 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		struct efi_memdesc d;

		if (efi_memmap_get(map, desc_size, i, &d, err) < 0)
			return -1;
		if (d.pages == 0 || (free_now && d.type != EFI_MT_CONVENTIONAL))
			continue;
		if (free_now)
			d.type = EFI_MT_CONVENTIONAL;
		if (*n >= max && max > 0)
			*n = compact(out, *n);
		if (*n >= max && merge_into(out, *n, &d))
			continue;
		if (*n >= max)
			return err_fail(err,
					"efi memmap: more than %u ranges even with neighbours of one type merged (descriptor %zu of %zu)",
					max, i, count);
		out[*n].addr = d.start;
		out[*n].size = d.pages * EFI_MEMMAP_PAGE_SIZE;
		out[*n].type = efi_memtype_to_e820(d.type);
		(*n)++;
	}
	return 0;
}

int efi_memmap_convert(const void *map, size_t map_size, size_t desc_size,
		       struct memmap_entry *out, unsigned max, unsigned *n, struct err *err)
{
	return convert(map, map_size, desc_size, out, max, n, false, err);
}

int efi_memmap_free_now(const void *map, size_t map_size, size_t desc_size,
			struct memmap_entry *out, unsigned max, unsigned *n, struct err *err)
{
	return convert(map, map_size, desc_size, out, max, n, true, err);
}

int efi_memmap_check_free(const void *map, size_t map_size, size_t desc_size, struct range r,
			  struct err *err)
{
	size_t count;
	uint64_t at;

	if (efi_memmap_check(map_size, desc_size, &count, err) < 0)
		return -1;
	if (r.start >= r.end)
		return 0;
	/* First: nothing that stays in use may overlap r, whatever else covers it. */
	for (size_t i = 0; i < count; i++) {
		struct efi_memdesc d;
		struct range dr;

		if (efi_memmap_get(map, desc_size, i, &d, err) < 0)
			return -1;
		if (d.pages == 0)
			continue; /* an empty range overlaps nothing */
		dr.start = d.start;
		dr.end = d.start + d.pages * EFI_MEMMAP_PAGE_SIZE;
		if (!efi_memtype_free_after_exit(d.type) && range_overlaps(r, dr))
			return err_fail(err,
					"efi memmap: 0x%llx-0x%llx overlaps %s 0x%llx-0x%llx, in use after ExitBootServices",
					(unsigned long long)r.start, (unsigned long long)(r.end - 1),
					efi_memtype_name(d.type), (unsigned long long)dr.start,
					(unsigned long long)(dr.end - 1));
	}
	/* Then: free descriptors must cover it with no hole; the map may be unsorted. */
	at = r.start;
	while (at < r.end) {
		uint64_t next = at;

		for (size_t i = 0; i < count; i++) {
			struct efi_memdesc d;
			uint64_t end;

			efi_memmap_get(map, desc_size, i, &d, err); /* checked above */
			end = d.start + d.pages * EFI_MEMMAP_PAGE_SIZE;
			if (d.start <= at && at < end && end > next)
				next = end;
		}
		if (next == at)
			return err_fail(err,
					"efi memmap: 0x%llx-0x%llx not in the memory map at 0x%llx (a hole)",
					(unsigned long long)r.start, (unsigned long long)(r.end - 1),
					(unsigned long long)at);
		at = next;
	}
	return 0;
}
