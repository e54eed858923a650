/*
 * xen_store.c - a xenstore client over the domain's ring page (see
 * xen_pv.h): one request at a time, polled. The framing and every check of
 * what the daemon wrote are xs_wire.c's; this file adds the shared page,
 * the barriers, the event channel kicks and the timeout.
 */
#include "xen/xen_guest.h"
#include "xen/xen_pv.h"
#include "xenbus/xs_wire.h"

#include <xen/hvm/params.h>

/* A reply normally takes microseconds; xenstored in a loaded dom0 under emulation, seconds. */
#define STORE_TIMEOUT_MS 30000u

static volatile struct xenstore_domain_interface *store;
static evtchn_port_t store_port;
static uint32_t store_req_id;
static struct xs_request store_req;
static struct xs_reply store_rsp;

int xen_store_init(struct err *err)
{
	uint64_t pfn = 0, port = 0;
	long rc;

	if (store)
		return 0;
	if ((rc = xen_hvm_get_param(HVM_PARAM_STORE_PFN, &pfn)) ||
	    (rc = xen_hvm_get_param(HVM_PARAM_STORE_EVTCHN, &port)))
		return err_fail(err, "xen: HVMOP_get_param (xenstore): error %ld", rc);
	if (pfn == 0)
		return 1; /* no xenstore (a dom0 before xenstored runs) */
	if (pfn >= (1ull << 20))
		return err_fail(err, "xen: xenstore page at pfn 0x%llx: above 4 GiB, out of reach "
				     "with paging off", (unsigned long long)pfn);
	store = (volatile struct xenstore_domain_interface *)(uintptr_t)(pfn << 12);
	store_port = (evtchn_port_t)port;
	return 0;
}

/* One request out and its reply in; the reply stays in store_rsp. */
static int store_call(uint32_t type, const char *what, const char *path, const char *value,
		      struct err *err)
{
	if (!store)
		return err_fail(err, "xenstore: %s %s: no xenstore", what, path);
	uint32_t id = ++store_req_id;
	if (xs_request_build(&store_req, type, id, path, value, err))
		return -1;
	xs_reply_reset(&store_rsp);
	uint64_t deadline = xen_pv_deadline(STORE_TIMEOUT_MS);
	while (store_req.sent < store_req.len) {
		uint32_t cons = store->req_cons, prod = store->req_prod;
		xen_mb(); /* the indices before the ring's bytes */
		int n = xs_request_put(&store_req, (char *)store->req, cons, prod, err);
		if (n < 0)
			return -1;
		if (n) {
			xen_wmb(); /* the bytes before the new producer index */
			store->req_prod = prod + (uint32_t)n;
			xen_evtchn_send(store_port);
		} else if (xen_pv_expired(deadline)) {
			return err_fail(err, "xenstore: %s %s: request ring stays full (cons %u "
					     "prod %u)", what, path, cons, prod);
		}
	}
	for (;;) {
		uint32_t cons = store->rsp_cons, prod = store->rsp_prod, taken;
		xen_mb();
		int rc = xs_reply_take(&store_rsp, (const char *)store->rsp, cons, prod, &taken, err);
		if (rc < 0)
			return -1;
		if (taken) {
			xen_mb(); /* done reading before the space is given back */
			store->rsp_cons = cons + taken;
			xen_evtchn_send(store_port);
		}
		if (rc == 1) {
			/* A watch event (none are set, but the daemon may send one): skip it. */
			if (store_rsp.type == XS_WATCH_EVENT) {
				xs_reply_reset(&store_rsp);
				continue;
			}
			return xs_reply_check(&store_rsp, type, id, what, path, err);
		}
		if (!taken && xen_pv_expired(deadline))
			return err_fail(err, "xenstore: %s %s: no reply in %u ms", what, path,
					STORE_TIMEOUT_MS);
		__asm__ volatile("pause");
	}
}

int xen_store_read(const char *path, char *out, size_t size, struct err *err)
{
	int rc = store_call(XS_READ, "read", path, NULL, err);
	if (rc)
		return rc;
	if (store_rsp.len >= size)
		return err_fail(err, "xenstore: read %s: %u bytes, at most %zu", path, store_rsp.len,
				size - 1);
	memcpy(out, xs_reply_payload(&store_rsp), store_rsp.len);
	out[store_rsp.len] = '\0';
	return 0;
}

int xen_store_read_u64(const char *path, uint64_t *value, struct err *err)
{
	int rc = store_call(XS_READ, "read", path, NULL, err);
	if (rc == XS_ENOENT)
		return err_fail(err, "xenstore: %s: no such node", path);
	if (rc)
		return rc;
	return xs_parse_u64(xs_reply_payload(&store_rsp), store_rsp.len, path, value, err);
}

int xen_store_write(const char *path, const char *value, struct err *err)
{
	int rc = store_call(XS_WRITE, "write", path, value, err);
	return rc == XS_ENOENT ? err_fail(err, "xenstore: write %s: ENOENT", path) : rc;
}

int xen_store_rm(const char *path, struct err *err)
{
	int rc = store_call(XS_RM, "rm", path, NULL, err);
	return rc == XS_ENOENT ? 0 : rc;
}

int xen_store_directory(const char *path, char *out, size_t size, uint32_t *len,
			struct err *err)
{
	int rc = store_call(XS_DIRECTORY, "directory", path, NULL, err);
	if (rc)
		return rc;
	if (store_rsp.len > size)
		return err_fail(err, "xenstore: directory %s: %u bytes, at most %zu", path,
				store_rsp.len, size);
	memcpy(out, xs_reply_payload(&store_rsp), store_rsp.len);
	*len = store_rsp.len;
	return 0;
}
