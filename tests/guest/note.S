/*
 * note.S - the ELF note that makes the conformance guest a PVH kernel:
 * owner "Xen", type XEN_ELFNOTE_PHYS32_ENTRY (18), a 4-byte descriptor
 * holding the physical entry address (guest_entry in entry.S). guest.ld
 * puts it in the read-only load segment and in a PT_NOTE segment; loaders
 * (ours, QEMU's, Xen's libelf) find the entry there.
 */
#include <xen/elfnote.h>

	.section .note.xen, "a", @note
	.p2align 2
	.long	2f - 1f			/* n_namesz: "Xen" and its NUL */
	.long	4f - 3f			/* n_descsz: 4, a 32-bit address */
	.long	XEN_ELFNOTE_PHYS32_ENTRY /* n_type: 18 */
1:	.asciz	"Xen"
2:	.p2align 2			/* name padded to 4 bytes */
3:	.long	guest_entry		/* desc: the 32-bit physical entry */
4:	.p2align 2

	.section .note.GNU-stack, "", @progbits
