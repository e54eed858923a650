/*
 * xen_evtchn.c - event channel and HVM parameter hypercalls (see
 * xen_pv.h), and the TSC deadlines the frontends wait with.
 */
#include "xen/xen_guest.h"
#include "xen/xen_pv.h"

#include <xen/event_channel.h>
#include <xen/hvm/hvm_op.h>

static uint32_t pv_tsc_khz;

static uint64_t pv_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

long xen_evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = remote };

	long rc = xen_hypercall3(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
				 (uint32_t)(uintptr_t)&op, 0);
	if (rc == 0)
		*port = op.port;
	return rc;
}

long xen_evtchn_send(evtchn_port_t port)
{
	struct evtchn_send op = { .port = port };

	return xen_hypercall3(__HYPERVISOR_event_channel_op, EVTCHNOP_send,
			      (uint32_t)(uintptr_t)&op, 0);
}

long xen_evtchn_close(evtchn_port_t port)
{
	struct evtchn_close op = { .port = port };

	return xen_hypercall3(__HYPERVISOR_event_channel_op, EVTCHNOP_close,
			      (uint32_t)(uintptr_t)&op, 0);
}

long xen_hvm_get_param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };

	long rc = xen_hypercall3(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint32_t)(uintptr_t)&p, 0);
	if (rc == 0)
		*value = p.value;
	return rc;
}

void xen_pv_set_tsc_khz(uint32_t khz)
{
	pv_tsc_khz = khz;
}

/* Without a known rate, 2^21 cycles per ms: slower than any TSC QEMU or Xen gives. */
uint64_t xen_pv_deadline(uint32_t ms)
{
	uint64_t per_ms = pv_tsc_khz ? pv_tsc_khz : (1u << 21);
	return pv_rdtsc() + per_ms * ms;
}

bool xen_pv_expired(uint64_t deadline)
{
	return (int64_t)(pv_rdtsc() - deadline) > 0;
}
