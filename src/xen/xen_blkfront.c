/*
 * xen_blkfront.c - the polled Xen PV block frontend (see xen_blkfront.h).
 * Grant refs: GNTTAB_NR_RESERVED_ENTRIES onwards, one per segment of each
 * ring slot (reads run one at a time, so every device shares them), then
 * one per device for its ring page.
 */
#include "xen/xen_blkfront.h"
#include "lib/fmt.h"
#include "xenbus/blkif_seg.h"
#include "xenbus/xs_wire.h"

#include <xen/io/protocols.h>
#include <xen/io/xenbus.h>

#define RING_SLOTS __CONST_RING_SIZE(blkif, 4096)
#define REF_DATA GNTTAB_NR_RESERVED_ENTRIES
#define REF_RING (REF_DATA + RING_SLOTS * BLKIF_SEGS)
_Static_assert(RING_SLOTS == 32, "a one-page blkif ring holds 32 requests");
_Static_assert(REF_RING + XEN_BLKFRONT_MAX <= XEN_GNTTAB_REFS, "refs fit the one grant frame");
_Static_assert(BLKIF_SEGS == BLKIF_MAX_SEGMENTS_PER_REQUEST, "blkif_seg.h's segment count");

/* State changes: the backend's hotplug script runs first, in a dom0 that may be slow. */
#define STATE_TIMEOUT_MS 30000u
/* A batch of reads: the backend's disk, under emulation. */
#define READ_TIMEOUT_MS 60000u

/* The buffer a misaligned read goes through: one request's worth. */
static uint8_t bounce[BLKIF_SEGS * BLKIF_FRAME] __attribute__((aligned(BLKIF_FRAME)));

static grant_ref_t data_ref(unsigned slot, unsigned seg)
{
	return (grant_ref_t)(REF_DATA + slot * BLKIF_SEGS + seg);
}

/* End ref, giving Xen up to a second to show it unmapped; false if it never does. */
static bool end_grant(grant_ref_t ref)
{
	uint64_t until = xen_pv_deadline(1000);

	while (xen_gnttab_end(ref))
		if (xen_pv_expired(until))
			return false;
	return true;
}

static int path_join(char *out, size_t size, const char *dir, const char *leaf, struct err *err)
{
	if (fmt_snprintf(out, size, "%s/%s", dir, leaf) >= size)
		return err_fail(err, "xen: xenstore path %s/%s: longer than %zu bytes", dir, leaf,
				size - 1);
	return 0;
}

static int read_node_u64(const char *dir, const char *leaf, uint64_t *v, struct err *err)
{
	char path[192];

	if (path_join(path, sizeof(path), dir, leaf, err))
		return -1;
	return xen_store_read_u64(path, v, err);
}

static int write_node(const char *dir, const char *leaf, const char *value, struct err *err)
{
	char path[192];

	if (path_join(path, sizeof(path), dir, leaf, err))
		return -1;
	return xen_store_write(path, value, err);
}

static int write_node_u64(const char *dir, const char *leaf, uint64_t v, struct err *err)
{
	char text[24];

	fmt_snprintf(text, sizeof(text), "%llu", (unsigned long long)v);
	return write_node(dir, leaf, text, err);
}

static const char *state_name(uint64_t s)
{
	static const char *const names[] = { "Unknown",   "Initialising", "InitWait",
					     "Initialised", "Connected", "Closing",
					     "Closed",    "Reconfiguring", "Reconfigured" };
	return s < ARRAY_SIZE(names) ? names[s] : "invalid";
}

/* A node that is not there yet reads as Unknown (0). */
static int backend_state(const struct xen_blkfront *b, uint64_t *state, struct err *err)
{
	char path[192];
	char text[24];

	if (path_join(path, sizeof(path), b->backend, "state", err))
		return -1;
	int rc = xen_store_read(path, text, sizeof(text), err);
	if (rc == XS_ENOENT) {
		*state = XenbusStateUnknown;
		return 0;
	}
	if (rc)
		return -1;
	return xs_parse_u64(text, (uint32_t)strlen(text), path, state, err);
}

static void spin_ms(uint32_t ms)
{
	uint64_t until = xen_pv_deadline(ms);
	while (!xen_pv_expired(until))
		__asm__ volatile("pause");
}

/*
 * Wait until the backend's state is one of want_a, want_b. A state past
 * Connected that was not asked for (Closing, Closed) ends the wait too:
 * the backend gave up; but not when leaving_closed, the wait for InitWait
 * after a disconnect, where the backend is still Closed at first.
 */
static int wait_backend_from(const struct xen_blkfront *b, uint64_t want_a, uint64_t want_b,
			     bool leaving_closed, uint64_t *state, struct err *err)
{
	uint64_t deadline = xen_pv_deadline(STATE_TIMEOUT_MS);

	for (;;) {
		if (backend_state(b, state, err))
			return -1;
		if (*state == want_a || *state == want_b)
			return 0;
		if (*state >= XenbusStateClosing && want_a < XenbusStateClosing &&
		    !(leaving_closed && *state == XenbusStateClosed))
			return err_fail(err, "%s: backend %s went to %s (%llu) instead of %s", b->name,
					b->backend, state_name(*state), (unsigned long long)*state,
					state_name(want_a));
		if (xen_pv_expired(deadline))
			return err_fail(err, "%s: backend %s still %s (%llu) after %u ms, waiting "
					     "for %s", b->name, b->backend, state_name(*state),
					(unsigned long long)*state, STATE_TIMEOUT_MS,
					state_name(want_a));
		spin_ms(1);
	}
}

static int wait_backend(const struct xen_blkfront *b, uint64_t want_a, uint64_t want_b,
			uint64_t *state, struct err *err)
{
	return wait_backend_from(b, want_a, want_b, false, state, err);
}

int xen_blkfront_list(uint32_t *vdevs, unsigned max, unsigned *n, struct err *err)
{
	static char dir[XENSTORE_PAYLOAD_MAX];
	uint32_t len, pos = 0, name_len;
	const char *name;

	*n = 0;
	int rc = xen_store_init(err);
	if (rc)
		return rc;
	rc = xen_store_directory("device/vbd", dir, sizeof(dir), &len, err);
	if (rc == XS_ENOENT)
		return 0;
	if (rc)
		return -1;
	while (xs_dir_next(dir, len, &pos, &name, &name_len)) {
		uint64_t v;
		struct err skip;
		err_clear(&skip);
		if (name_len == 0 || xs_parse_u64(name, name_len, "device/vbd/*", &v, &skip) ||
		    v > UINT32_MAX)
			continue; /* not a device number: not a vbd this frontend knows */
		if (*n == max)
			break;
		/* Insertion sort: xvda before xvdb whatever order the daemon lists them in. */
		unsigned i = (*n)++;
		while (i > 0 && vdevs[i - 1] > (uint32_t)v) {
			vdevs[i] = vdevs[i - 1];
			i--;
		}
		vdevs[i] = (uint32_t)v;
	}
	return 0;
}

int xen_blkfront_connect(struct xen_blkfront *b, uint32_t vdev, unsigned slot,
			 struct err *err)
{
	uint64_t v, state;

	memset(b, 0, sizeof(*b));
	b->vdev = vdev;
	b->slot = slot;
	blkif_vdev_name(vdev, b->name, sizeof(b->name));
	fmt_snprintf(b->node, sizeof(b->node), "device/vbd/%u", vdev);
	if (slot >= XEN_BLKFRONT_MAX)
		return err_fail(err, "%s: more than %u xen vbds", b->name, XEN_BLKFRONT_MAX);
	if (xen_gnttab_init(err))
		return -1;
	if (read_node_u64(b->node, "backend-id", &v, err))
		return -1;
	if (v >= DOMID_FIRST_RESERVED)
		return err_fail(err, "%s: %s/backend-id %llu is not a domain", b->name, b->node,
				(unsigned long long)v);
	b->backend_id = (domid_t)v;
	char path[64];
	if (path_join(path, sizeof(path), b->node, "backend", err))
		return -1;
	int rc = xen_store_read(path, b->backend, sizeof(b->backend), err);
	if (rc == XS_ENOENT)
		return err_fail(err, "%s: no %s", b->name, path);
	if (rc)
		return -1;
	if (wait_backend(b, XenbusStateInitWait, XenbusStateInitWait, &state, err))
		return -1;

	/* The ring, granted; the channel the backend binds. */
	blkif_sring_t *sring = (blkif_sring_t *)b->ring;
	XEN_FRONT_RING_INIT(&b->front, sring, sizeof(b->ring));
	b->ring_size = RING_SIZE(&b->front);
	xen_gnttab_grant((grant_ref_t)(REF_RING + slot), b->backend_id, (uintptr_t)b->ring, false);
	long hrc = xen_evtchn_alloc_unbound(b->backend_id, &b->port);
	if (hrc)
		return err_fail(err, "%s: EVTCHNOP_alloc_unbound for domain %u: error %ld", b->name,
				b->backend_id, hrc);
	if (write_node_u64(b->node, "ring-ref", REF_RING + slot, err) ||
	    write_node_u64(b->node, "event-channel", b->port, err) ||
	    write_node(b->node, "protocol", XEN_IO_PROTO_ABI_X86_32, err) ||
	    write_node_u64(b->node, "state", XenbusStateInitialised, err))
		return -1;
	b->connected = true; /* from here on, close() has something to undo */
	if (wait_backend(b, XenbusStateConnected, XenbusStateConnected, &state, err))
		return -1;

	uint64_t sector_size = BLKIF_SECTOR, info = 0;
	if (read_node_u64(b->backend, "sectors", &b->sectors, err))
		return -1;
	struct err opt;
	err_clear(&opt);
	(void)read_node_u64(b->backend, "sector-size", &sector_size, &opt);
	(void)read_node_u64(b->backend, "info", &info, &opt);
	if (sector_size != BLKIF_SECTOR)
		return err_fail(err, "%s: %s/sector-size %llu: only 512-byte sectors are read",
				b->name, b->backend, (unsigned long long)sector_size);
	b->read_only = (info & VDISK_READONLY) != 0;
	return write_node_u64(b->node, "state", XenbusStateConnected, err);
}

/*
 * One batch: up to ring_size requests for sectors [lba, lba + count) into
 * physical address dst (512-byte aligned), at most max_seg frames each;
 * waits for every response. Returns the sectors read, 0 and err on failure.
 */
static uint64_t read_batch(struct xen_blkfront *b, uint64_t lba, uint64_t count, uint64_t dst,
			   unsigned max_seg, struct err *err)
{
	struct blkif_req_plan plan;
	uint32_t pending = 0; /* bit i: slot i not answered yet */
	unsigned nreq = 0;
	uint64_t done = 0;

	while (nreq < b->ring_size && done < count) {
		uint32_t n = blkif_plan(dst + done * BLKIF_SECTOR, count - done, max_seg, &plan);
		blkif_request_t *req = RING_GET_REQUEST(&b->front, b->front.req_prod_pvt);
		req->operation = BLKIF_OP_READ;
		req->nr_segments = (uint8_t)plan.nseg;
		req->handle = (blkif_vdev_t)b->vdev;
		req->id = nreq;
		req->sector_number = lba + done;
		for (unsigned s = 0; s < plan.nseg; s++) {
			grant_ref_t ref = data_ref(nreq, s);
			/* The backend writes into the frame: a read. */
			xen_gnttab_grant(ref, b->backend_id, plan.seg[s].frame, false);
			req->seg[s].gref = ref;
			req->seg[s].first_sect = plan.seg[s].first_sect;
			req->seg[s].last_sect = plan.seg[s].last_sect;
		}
		b->front.req_prod_pvt++;
		pending |= 1u << nreq;
		nreq++;
		done += n;
	}
	int notify;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&b->front, notify);
	(void)notify; /* always kicked: the backend may be asleep whatever req_event says */
	xen_evtchn_send(b->port);

	uint64_t deadline = xen_pv_deadline(READ_TIMEOUT_MS);
	int failed = 0;
	while (pending) {
		RING_IDX prod = *(volatile RING_IDX *)&b->front.sring->rsp_prod;
		xen_rmb(); /* the responses before their producer index */
		if ((RING_IDX)(prod - b->front.rsp_cons) > b->ring_size) {
			err_fail(err, "%s: response producer %u is %u past our consumer: the backend "
				      "broke the ring", b->name, prod, prod - b->front.rsp_cons);
			return 0;
		}
		while (b->front.rsp_cons != prod) {
			blkif_response_t rsp = *RING_GET_RESPONSE(&b->front, b->front.rsp_cons);
			b->front.rsp_cons++;
			if (rsp.id >= nreq || !(pending & (1u << rsp.id))) {
				err_fail(err, "%s: response for request id %llu, none such pending",
					 b->name, (unsigned long long)rsp.id);
				failed = 1;
				continue;
			}
			pending &= ~(1u << rsp.id);
			if (rsp.status != BLKIF_RSP_OKAY && !failed) {
				err_fail(err, "%s: read of sector %llu (batch of %u requests) failed: "
					      "status %d (%s)", b->name, (unsigned long long)lba, nreq,
					 rsp.status, rsp.status == BLKIF_RSP_EOPNOTSUPP ? "not supported" :
						     "error");
				failed = 1;
			}
		}
		if (pending && xen_pv_expired(deadline)) {
			unsigned left = 0;
			for (uint32_t m = pending; m; m &= m - 1)
				left++;
			err_fail(err, "%s: no answer to %u of %u read requests at sector %llu in %u ms",
				 b->name, left, nreq,
				 (unsigned long long)lba, READ_TIMEOUT_MS);
			return 0; /* the grants stay: the backend may still write */
		}
		if (pending)
			__asm__ volatile("pause");
	}
	/* Every request answered: the backend has unmapped the frames (no persistent grants). */
	for (unsigned r = 0; r < nreq; r++) {
		for (unsigned s = 0; s < BLKIF_SEGS; s++) {
			grant_ref_t ref = data_ref(r, s);
			if (!end_grant(ref)) {
				err_fail(err, "%s: grant %u still mapped after its response", b->name,
					 ref);
				return 0;
			}
		}
	}
	b->requests += nreq;
	return failed ? 0 : done;
}

int xen_blkfront_read(struct xen_blkfront *b, uint64_t lba, uint64_t count, void *buf,
		      struct err *err)
{
	uint64_t dst = (uintptr_t)buf;

	if (!b->connected)
		return err_fail(err, "%s: not connected", b->name);
	if (lba > b->sectors || count > b->sectors - lba)
		return err_fail(err, "%s: read of %llu sectors at %llu past the end (%llu sectors)",
				b->name, (unsigned long long)count, (unsigned long long)lba,
				(unsigned long long)b->sectors);
	while (count > 0) {
		uint64_t n;
		if (dst % BLKIF_SECTOR == 0) {
			n = read_batch(b, lba, count, dst, BLKIF_SEGS, err);
		} else {
			/* Through the bounce frames, one request at a time. */
			uint64_t chunk = count < BLKIF_SEGS * BLKIF_SECTORS_PER_FRAME ?
						 count :
						 BLKIF_SEGS * BLKIF_SECTORS_PER_FRAME;
			n = read_batch(b, lba, chunk, (uintptr_t)bounce, BLKIF_SEGS, err);
			if (n)
				memcpy((void *)(uintptr_t)dst, bounce, (size_t)(n * BLKIF_SECTOR));
		}
		if (n == 0)
			return -1;
		b->bytes_read += n * BLKIF_SECTOR;
		lba += n;
		count -= n;
		dst += n * BLKIF_SECTOR;
	}
	return 0;
}

int xen_blkfront_close(struct xen_blkfront *b, struct err *err)
{
	uint64_t state;

	if (!b->connected)
		return 0;
	if (write_node_u64(b->node, "state", XenbusStateClosing, err) ||
	    wait_backend(b, XenbusStateClosing, XenbusStateClosed, &state, err) ||
	    write_node_u64(b->node, "state", XenbusStateClosed, err) ||
	    wait_backend(b, XenbusStateClosed, XenbusStateClosed, &state, err))
		return -1;
	/* Closed: the backend has unmapped the ring and unbound its channel. */
	grant_ref_t ring_ref = (grant_ref_t)(REF_RING + b->slot);
	if (!end_grant(ring_ref))
		return err_fail(err, "%s: ring grant %u still mapped with the backend Closed", b->name,
				ring_ref);
	long hrc = xen_evtchn_close(b->port);
	if (hrc)
		return err_fail(err, "%s: EVTCHNOP_close of port %u: error %ld", b->name, b->port,
				hrc);
	b->connected = false;
	char path[64];
	static const char *const leaves[] = { "ring-ref", "event-channel", "protocol" };
	for (unsigned i = 0; i < ARRAY_SIZE(leaves); i++) {
		if (path_join(path, sizeof(path), b->node, leaves[i], err) ||
		    xen_store_rm(path, err))
			return -1;
	}
	/* Initialising again: the backend answers InitWait, ready for the kernel's frontend. */
	if (write_node_u64(b->node, "state", XenbusStateInitialising, err))
		return -1;
	return wait_backend_from(b, XenbusStateInitWait, XenbusStateInitWait, true, &state, err);
}
