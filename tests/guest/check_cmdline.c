/*
 * check_cmdline.c - the kernel command line: when present, NUL-terminated
 * within 4 KiB and in RAM; when the boot test asked for it
 * (expect.cmdline=1), it must carry the exact token "pvh-test-arg=hello",
 * proving the user's arguments arrived intact. Called by guest_main().
 */
#include "guest.h"

#define CMDLINE_EXPECT_TOKEN "pvh-test-arg=hello"

void check_cmdline(const struct handover *h)
{
	const struct guest_str *s = &h->cmdline;
	struct check c;

	check_begin(&c, "cmdline");
	switch (s->state) {
	case STR_ABSENT:
		break;
	case STR_ABOVE_4G:
		check_fail(&c, "cmdline_paddr 0x%llx beyond 4 GiB", (unsigned long long)s->paddr);
		break;
	case STR_UNTERMINATED:
		check_fail(&c, "cmdline at 0x%llx has no NUL within %u bytes",
			   (unsigned long long)s->paddr, GUEST_STR_MAX);
		break;
	case STR_OK:
		if (!h->memmap_read)
			check_fail(&c, "no memory map to find cmdline [0x%llx, 0x%llx) in",
				   (unsigned long long)s->paddr,
				   (unsigned long long)(s->paddr + s->len + 1));
		else if (!handover_in_ram(h, s->paddr, s->len + 1))
			check_fail(&c, "cmdline [0x%llx, 0x%llx) not inside RAM entries",
				   (unsigned long long)s->paddr,
				   (unsigned long long)(s->paddr + s->len + 1));
		if (guest_overlaps_image(s->paddr, s->len + 1))
			check_fail(&c, "cmdline [0x%llx, 0x%llx) overlaps the guest image",
				   (unsigned long long)s->paddr,
				   (unsigned long long)(s->paddr + s->len + 1));
		if (cmdline_has_token(s->text, "expect.cmdline=1") &&
		    !cmdline_has_token(s->text, CMDLINE_EXPECT_TOKEN))
			check_fail(&c, "expect.cmdline=1 but no token \"%s\" in the %u-byte cmdline",
				   CMDLINE_EXPECT_TOKEN, (unsigned)s->len);
		break;
	}
	check_end(&c);
}
