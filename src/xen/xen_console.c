/*
 * xen_console.c - text to Xen's console through HYPERVISOR_console_io (see
 * xen_guest.h). Caller: console.c, as the sink loader_pvh_main() installs.
 */
#include "xen/xen_guest.h"

#include <xen/xen.h>

int xen_console_write(const char *s, size_t n)
{
	long rc = xen_hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, (uint32_t)n,
				 (uint32_t)(uintptr_t)s);
	return rc < 0 ? (int)rc : 0;
}
