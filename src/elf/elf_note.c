/*
 * elf_note.c - the Xen notes of a kernel, read the way Xen's libelf reads
 * them: header of three 32-bit words, name padded to 4, descriptor padded to
 * 4 whatever p_align says (toolchains give the notes segment 8-byte alignment
 * when .note.gnu.property is present). Called by elf.c with the fetched
 * bytes of each PT_NOTE segment, or each SHT_NOTE section of a file without
 * PT_NOTE; also holds the table of note names for reports.
 */
#include "elf/elf_private.h"
#include "xen/xen_abi.h"

typedef unsigned long long ull; /* what fmt's %llx takes */

static const char *const elf_xen_names[] = {
	[XEN_ELFNOTE_INFO] = "INFO",
	[XEN_ELFNOTE_ENTRY] = "ENTRY",
	[XEN_ELFNOTE_HYPERCALL_PAGE] = "HYPERCALL_PAGE",
	[XEN_ELFNOTE_VIRT_BASE] = "VIRT_BASE",
	[XEN_ELFNOTE_PADDR_OFFSET] = "PADDR_OFFSET",
	[XEN_ELFNOTE_XEN_VERSION] = "XEN_VERSION",
	[XEN_ELFNOTE_GUEST_OS] = "GUEST_OS",
	[XEN_ELFNOTE_GUEST_VERSION] = "GUEST_VERSION",
	[XEN_ELFNOTE_LOADER] = "LOADER",
	[XEN_ELFNOTE_PAE_MODE] = "PAE_MODE",
	[XEN_ELFNOTE_FEATURES] = "FEATURES",
	[XEN_ELFNOTE_BSD_SYMTAB] = "BSD_SYMTAB",
	[XEN_ELFNOTE_HV_START_LOW] = "HV_START_LOW",
	[XEN_ELFNOTE_L1_MFN_VALID] = "L1_MFN_VALID",
	[XEN_ELFNOTE_SUSPEND_CANCEL] = "SUSPEND_CANCEL",
	[XEN_ELFNOTE_INIT_P2M] = "INIT_P2M",
	[XEN_ELFNOTE_MOD_START_PFN] = "MOD_START_PFN",
	[XEN_ELFNOTE_SUPPORTED_FEATURES] = "SUPPORTED_FEATURES",
	[XEN_ELFNOTE_PHYS32_ENTRY] = "PHYS32_ENTRY",
	[XEN_ELFNOTE_PHYS32_RELOC] = "PHYS32_RELOC",
};

const char *elf_xen_note_name(uint32_t type)
{
	if (type < ARRAY_SIZE(elf_xen_names))
		return elf_xen_names[type];
	return NULL;
}

/* Descriptors are read as one little-endian number only at natural sizes. */
static uint64_t elf_note_number(const uint8_t *d, uint32_t size)
{
	switch (size) {
	case 1: return d[0];
	case 2: return le16(d);
	case 4: return le32(d);
	case 8: return le64(d);
	default: return 0;
	}
}

static int elf_note_phys32_entry(struct elf_image *img, const struct elf_note *n,
				 struct err *err)
{
	if (n->descsz != 4 && n->descsz != 8)
		return err_fail(err, "elf: note PHYS32_ENTRY: descsz %u, expected 4 or 8", n->descsz);
	if (n->value >= ELF_4GIB)
		return err_fail(err, "elf: note PHYS32_ENTRY: value 0x%llx above 4 GiB",
				(ull)n->value);
	/* Two entries that disagree leave no right answer; repeats are harmless. */
	if (img->has_pvh_entry && img->pvh_entry != n->value)
		return err_fail(err, "elf: note PHYS32_ENTRY: second value 0x%llx differs from 0x%llx",
				(ull)n->value, (ull)img->pvh_entry);
	img->has_pvh_entry = true;
	img->pvh_entry = n->value;
	img->pvh_entry_size = n->descsz;
	return 0;
}

/* Linux: ELFNOTE32 with .long align, min, max; a 64-bit form is accepted too. */
static int elf_note_phys32_reloc(struct elf_image *img, const struct elf_note *n,
				 const uint8_t *desc, struct err *err)
{
	struct elf_reloc r = { .present = true };
	uint32_t w;

	if (n->descsz != 12 && n->descsz != 24)
		return err_fail(err, "elf: note PHYS32_RELOC: descsz %u, expected 12 or 24",
				n->descsz);
	w = n->descsz / 3;
	r.align = elf_note_number(desc, w);
	r.min = elf_note_number(desc + w, w);
	r.max = elf_note_number(desc + 2 * w, w);
	if (img->reloc.present && (img->reloc.align != r.align || img->reloc.min != r.min ||
				   img->reloc.max != r.max))
		return err_fail(err, "elf: note PHYS32_RELOC: second note differs from the first");
	img->reloc = r;
	return 0;
}

static int elf_note_xen(struct elf_image *img, const struct elf_note_area *area,
			unsigned number, const uint8_t *desc, const struct elf_note *n,
			struct err *err)
{
	if (img->nnotes >= ELF_MAX_NOTES)
		return err_fail(err, "elf: %s %u: note %u: more than %u Xen notes",
				area->is_section ? "section" : "phdr", area->index, number,
				(unsigned)ELF_MAX_NOTES);
	img->notes[img->nnotes++] = *n;
	if (n->type == XEN_ELFNOTE_PHYS32_ENTRY)
		return elf_note_phys32_entry(img, n, err);
	if (n->type == XEN_ELFNOTE_PHYS32_RELOC)
		return elf_note_phys32_reloc(img, n, desc, err);
	return 0;
}

int elf_note_scan(struct elf_image *img, const uint8_t *bytes,
		  const struct elf_note_area *area, unsigned *scanned, struct err *err)
{
	const char *what = area->is_section ? "section" : "phdr";
	/* The area's own bytes: offsets below are relative to it. */
	struct byte_range a = { .base = bytes, .size = area->size };
	uint64_t pos = 0;
	unsigned number = 0;

	/* Fewer than 12 bytes left is tail padding, as Xen treats it. */
	while (area->size - pos >= 12) {
		const uint8_t *h = bytes_at(&a, pos, 12);
		uint32_t namesz = le32(h), descsz = le32(h + 4), type = le32(h + 8);
		/* 32-bit sizes rounded up in 64 bits cannot overflow. */
		uint64_t name_off = pos + 12;
		uint64_t desc_off = name_off + ((namesz + 3ull) & ~3ull);
		uint64_t next = desc_off + ((descsz + 3ull) & ~3ull);
		const uint8_t *name, *desc;
		struct elf_note n;

		if (++*scanned > ELF_MAX_NOTES_SCANNED)
			return err_fail(err, "elf: %s %u: note %u: more than %u notes in the file",
					what, area->index, number, (unsigned)ELF_MAX_NOTES_SCANNED);
		name = bytes_at(&a, name_off, namesz);
		desc = bytes_at(&a, desc_off, descsz);
		if (!name || !desc)
			return err_fail(err,
					"elf: %s %u: note %u (namesz 0x%x, descsz 0x%x) at 0x%llx runs past the end 0x%llx",
					what, area->index, number, namesz, descsz, (ull)pos,
					(ull)area->size);

		if (namesz == 4 && memcmp(name, "Xen", 4) == 0) {
			n.type = type;
			n.descsz = descsz;
			n.desc_offset = area->offset + desc_off;
			n.value = elf_note_number(desc, descsz);
			if (elf_note_xen(img, area, number, desc, &n, err))
				return -1;
		}
		number++;
		if (next >= area->size)
			break; /* the last descriptor's padding may be cut off */
		pos = next;
	}
	return 0;
}
