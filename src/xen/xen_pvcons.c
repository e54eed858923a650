/*
 * xen_pvcons.c - the domain's own console under Xen: the PV console ring
 * that xenconsoled serves (`xl console`, `xl create -c`, its --log=guest
 * file), which a PVH domU has in place of a UART. Out: text with "\n" as
 * "\r\n"; in: the bytes typed there, for the boot menu. The ring rules and
 * every check of the daemon's indices are xencons_ring.c's; this file adds
 * the page, the barriers, the event channel and the bounded waits.
 * Freestanding i386, paging off. Caller: console.c, as the domain console
 * loader_pvh_main() installs (see xen_guest.h).
 */
#include "xen/xen_guest.h"
#include "xen/xen_pv.h"
#include "xenbus/xencons_ring.h"

#include <xen/hvm/params.h>
#include <xen/io/console.h>

/*
 * How long one write waits for xenconsoled to make room. It reads at once
 * when kicked; a dom0 busy under emulation may take a while. Past that the
 * console is given up (the caller drops it), so a domain whose console
 * nobody serves boots as fast as one without.
 */
#define PVCONS_ROOM_TIMEOUT_MS 2000u

static volatile struct xencons_interface *pvcons;
static evtchn_port_t pvcons_port;

int xen_pvcons_init(void)
{
	uint64_t pfn = 0, port = 0;

	if (xen_hvm_get_param(HVM_PARAM_CONSOLE_PFN, &pfn) ||
	    xen_hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &port))
		return 1;
	/* pfn 0: no PV console (a dom0's is Xen's own); above 4 GiB: out of reach. */
	if (pfn == 0 || pfn >= (1ull << 20))
		return 1;
	pvcons = (volatile struct xencons_interface *)(uintptr_t)(pfn << 12);
	pvcons_port = (evtchn_port_t)port;
	return 0;
}

int xen_pvcons_write(const char *s, size_t n)
{
	uint64_t deadline = 0;

	if (!pvcons)
		return -1;
	while (n > 0) {
		uint32_t cons = pvcons->out_cons, prod = pvcons->out_prod, used;
		xen_mb(); /* the indices before the ring's bytes */
		uint32_t len = n > 0xffffu ? 0xffffu : (uint32_t)n;
		int put = xencons_put_text((char *)pvcons->out, sizeof(pvcons->out), cons, prod, s,
					   len, &used);
		if (put < 0)
			return -1; /* impossible indices: the daemon broke the ring */
		if (put > 0) {
			xen_wmb(); /* the bytes before the new producer index */
			pvcons->out_prod = prod + (uint32_t)put;
			xen_evtchn_send(pvcons_port);
			s += used;
			n -= used;
			deadline = 0;
			continue;
		}
		if (deadline == 0)
			deadline = xen_pv_deadline(PVCONS_ROOM_TIMEOUT_MS);
		else if (xen_pv_expired(deadline))
			return -1;
		__asm__ volatile("pause");
	}
	return 0;
}

/*
 * Before a halt: Xen takes a halt with interrupts off for the domain's
 * poweroff, and the ring's page goes with the domain, so the last lines
 * (the error that stopped the boot) must be read first.
 */
void xen_pvcons_drain(void)
{
	if (!pvcons)
		return;
	uint64_t deadline = xen_pv_deadline(PVCONS_ROOM_TIMEOUT_MS);
	while (pvcons->out_cons != pvcons->out_prod && !xen_pv_expired(deadline))
		__asm__ volatile("pause");
}

int xen_pvcons_poll_key(void)
{
	char c;

	if (!pvcons)
		return -1;
	uint32_t cons = pvcons->in_cons, prod = pvcons->in_prod;
	xen_mb();
	if (xencons_take((const char *)pvcons->in, sizeof(pvcons->in), cons, prod, &c, 1) != 1)
		return -1;
	xen_mb(); /* the byte read before its space is given back */
	pvcons->in_cons = cons + 1;
	xen_evtchn_send(pvcons_port);
	return (unsigned char)c;
}
