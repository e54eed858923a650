/*
 * test_xs_wire.c - unit tests of the xenstore wire rules (src/xenbus/
 * xs_wire.c) and the blkif request split and vbd names (src/xenbus/
 * blkif_seg.c). A ring here is a 1 KiB buffer with free-running indices,
 * as on the shared page; the daemon's side is played by the test. Suites
 * "xs_wire" and "blkif_seg", run by build/unit-tests.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "xenbus/blkif_seg.h"
#include "xenbus/xs_wire.h"

static char ring[XENSTORE_RING_SIZE];

static void le32_put(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The daemon writes bytes at prod, wrapping: returns the new prod. */
static uint32_t daemon_put(uint32_t prod, const void *bytes, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		ring[(prod + i) % XENSTORE_RING_SIZE] = ((const char *)bytes)[i];
	return prod + len;
}

static uint32_t daemon_reply(uint32_t prod, uint32_t type, uint32_t req_id, const void *payload,
			     uint32_t len)
{
	uint8_t h[16];
	le32_put(h, type);
	le32_put(h + 4, req_id);
	le32_put(h + 8, 0);
	le32_put(h + 12, len);
	prod = daemon_put(prod, h, sizeof(h));
	return daemon_put(prod, payload, len);
}

Test(xs_wire, pending_bytes_across_the_counter_wrap)
{
	uint32_t n;

	cr_assert_eq(xs_ring_pending(10, 30, &n), 0);
	cr_assert_eq(n, 20);
	cr_assert_eq(xs_ring_pending(0xfffffff0u, 0x10u, &n), 0);
	cr_assert_eq(n, 0x20);
	cr_assert_eq(xs_ring_pending(0, 1024, &n), 0);
	cr_assert_eq(n, 1024);
	cr_assert_eq(xs_ring_pending(0, 1025, &n), -1, "more than a ring ahead");
	cr_assert_eq(xs_ring_pending(5, 4, &n), -1, "producer behind the consumer");
}

Test(xs_wire, write_request_framing)
{
	static struct xs_request r;
	struct err err;

	err_clear(&err);
	cr_assert_eq(xs_request_build(&r, XS_WRITE, 7, "device/vbd/51712/state", "3", &err), 0);
	cr_assert_eq(r.len, 16 + 23 + 1);
	cr_assert_eq(le32(r.bytes), XS_WRITE);
	cr_assert_eq(le32(r.bytes + 4), 7);
	cr_assert_eq(le32(r.bytes + 8), 0);
	cr_assert_eq(le32(r.bytes + 12), 24);
	cr_assert_eq(memcmp(r.bytes + 16, "device/vbd/51712/state\0" "3", 24), 0,
		     "path, NUL, value without NUL");
	cr_assert_eq(xs_request_build(&r, XS_READ, 8, "device/vbd", NULL, &err), 0);
	cr_assert_eq(le32(r.bytes + 12), 11, "path and its NUL");
}

Test(xs_wire, request_over_the_payload_limit_is_refused)
{
	static struct xs_request r;
	static char value[XENSTORE_PAYLOAD_MAX + 1];
	struct err err;

	memset(value, 'x', XENSTORE_PAYLOAD_MAX - 3);
	err_clear(&err);
	/* "a" NUL + 4093 bytes = 4095: fits; one more does not. */
	cr_assert_eq(xs_request_build(&r, XS_WRITE, 1, "a", value, &err), 0);
	value[XENSTORE_PAYLOAD_MAX - 3] = 'x';
	cr_assert_eq(xs_request_build(&r, XS_WRITE, 1, "ab", value, &err), -1);
	cr_assert(strstr(err.msg, "at most 4096"), "%s", err.msg);
}

Test(xs_wire, request_put_stops_at_a_full_ring_and_wraps)
{
	static struct xs_request r;
	static char value[2000];
	struct err err;

	memset(value, 'v', sizeof(value) - 1);
	err_clear(&err);
	cr_assert_eq(xs_request_build(&r, XS_WRITE, 1, "k", value, &err), 0);
	/* 1000 bytes already waiting: 24 bytes of room. */
	cr_assert_eq(xs_request_put(&r, ring, 100, 1100, &err), 24);
	cr_assert_eq(r.sent, 24);
	cr_assert_eq(ring[1100 % 1024], (char)XS_WRITE, "the header's first byte at prod");
	cr_assert_eq(xs_request_put(&r, ring, 1100, 1124, &err), 1000, "1000 more once consumed");
	cr_assert_eq(xs_request_put(&r, ring, 0, 2000, &err), -1, "impossible indices");
}

Test(xs_wire, reply_in_pieces_then_checked)
{
	static struct xs_reply r;
	struct err err;
	uint32_t cons = 1020, prod = 1020, taken;

	err_clear(&err);
	xs_reply_reset(&r);
	/* The header alone first, across the ring's end. */
	uint8_t h[16];
	le32_put(h, XS_READ);
	le32_put(h + 4, 9);
	le32_put(h + 8, 0);
	le32_put(h + 12, 4);
	prod = daemon_put(prod, h, 10);
	cr_assert_eq(xs_reply_take(&r, ring, cons, prod, &taken, &err), 0);
	cr_assert_eq(taken, 10);
	cons += taken;
	prod = daemon_put(prod, h + 10, 6);
	prod = daemon_put(prod, "51", 2);
	cr_assert_eq(xs_reply_take(&r, ring, cons, prod, &taken, &err), 0, "payload incomplete");
	cons += taken;
	prod = daemon_put(prod, "712", 2); /* "5171": len 4 */
	cr_assert_eq(xs_reply_take(&r, ring, cons, prod, &taken, &err), 1);
	cr_assert_eq(r.len, 4);
	cr_assert_str_eq(xs_reply_payload(&r), "5171", "a NUL is added after the payload");
	cr_assert_eq(xs_reply_check(&r, XS_READ, 9, "read", "x", &err), 0);
	cr_assert_eq(xs_reply_check(&r, XS_READ, 10, "read", "x", &err), -1);
	cr_assert(strstr(err.msg, "reply to request 9, want 10"), "%s", err.msg);
}

Test(xs_wire, two_replies_in_the_ring_are_taken_one_at_a_time)
{
	static struct xs_reply r;
	struct err err;
	uint32_t cons = 0, prod = 0, taken;

	err_clear(&err);
	prod = daemon_reply(prod, XS_WRITE, 1, "OK", 3);
	prod = daemon_reply(prod, XS_READ, 2, "4", 1);
	xs_reply_reset(&r);
	cr_assert_eq(xs_reply_take(&r, ring, cons, prod, &taken, &err), 1);
	cr_assert_eq(taken, 19, "only the first message");
	cr_assert_eq(r.req_id, 1);
	cons += taken;
	xs_reply_reset(&r);
	cr_assert_eq(xs_reply_take(&r, ring, cons, prod, &taken, &err), 1);
	cr_assert_eq(r.req_id, 2);
	cr_assert_str_eq(xs_reply_payload(&r), "4");
}

Test(xs_wire, errors_from_the_daemon)
{
	static struct xs_reply r;
	struct err err;
	uint32_t taken;

	err_clear(&err);
	xs_reply_reset(&r);
	cr_assert_eq(xs_reply_take(&r, ring, 0, daemon_reply(0, XS_ERROR, 3, "ENOENT", 7), &taken,
				   &err), 1);
	cr_assert_eq(xs_reply_check(&r, XS_READ, 3, "read", "device/vbd", &err), XS_ENOENT);
	xs_reply_reset(&r);
	cr_assert_eq(xs_reply_take(&r, ring, 0, daemon_reply(0, XS_ERROR, 3, "EACCES", 7), &taken,
				   &err), 1);
	cr_assert_eq(xs_reply_check(&r, XS_WRITE, 3, "write", "backend/x", &err), -1);
	cr_assert_str_eq(err.msg, "xenstore: write backend/x: EACCES");
	err_clear(&err);
	xs_reply_reset(&r);
	cr_assert_eq(xs_reply_take(&r, ring, 0, daemon_reply(0, XS_DIRECTORY, 3, "a", 2), &taken,
				   &err), 1);
	cr_assert_eq(xs_reply_check(&r, XS_READ, 3, "read", "p", &err), -1, "wrong type");
	cr_assert(strstr(err.msg, "reply of type 1, want 2"), "%s", err.msg);
}

Test(xs_wire, reply_length_over_the_limit_is_refused)
{
	static struct xs_reply r;
	struct err err;
	uint8_t h[16] = { 0 };
	uint32_t taken;

	le32_put(h, XS_READ);
	le32_put(h + 12, XENSTORE_PAYLOAD_MAX + 1);
	err_clear(&err);
	xs_reply_reset(&r);
	cr_assert_eq(xs_reply_take(&r, ring, 0, daemon_put(0, h, 16), &taken, &err), -1);
	cr_assert(strstr(err.msg, "payload of 4097 bytes, at most 4096"), "%s", err.msg);
}

Test(xs_wire, numbers)
{
	struct err err;
	uint64_t v;

	err_clear(&err);
	cr_assert_eq(xs_parse_u64("51712", 5, "p", &v, &err), 0);
	cr_assert_eq(v, 51712);
	cr_assert_eq(xs_parse_u64("18446744073709551615", 20, "p", &v, &err), 0);
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(xs_parse_u64("18446744073709551616", 20, "p", &v, &err), -1);
	cr_assert(strstr(err.msg, "over 2^64"), "%s", err.msg);
	err_clear(&err);
	cr_assert_eq(xs_parse_u64("4 ", 2, "backend/state", &v, &err), -1);
	cr_assert_str_eq(err.msg, "xenstore: backend/state: '4 ' is not a decimal number");
	cr_assert_eq(xs_parse_u64("", 0, "p", &v, &err), -1);
}

Test(xs_wire, directory_names)
{
	const char dir[] = "51712\0" "51728\0" "\0" "x"; /* an empty name, a last one without NUL */
	uint32_t pos = 0, n;
	const char *name;

	cr_assert(xs_dir_next(dir, sizeof(dir) - 1, &pos, &name, &n));
	cr_assert_eq(n, 5);
	cr_assert_eq(memcmp(name, "51712", 5), 0);
	cr_assert(xs_dir_next(dir, sizeof(dir) - 1, &pos, &name, &n));
	cr_assert_eq(memcmp(name, "51728", 5), 0);
	cr_assert(xs_dir_next(dir, sizeof(dir) - 1, &pos, &name, &n));
	cr_assert_eq(n, 0);
	cr_assert(xs_dir_next(dir, sizeof(dir) - 1, &pos, &name, &n));
	cr_assert_eq(n, 1);
	cr_assert_eq(name[0], 'x');
	cr_assert(!xs_dir_next(dir, sizeof(dir) - 1, &pos, &name, &n));
	pos = 0;
	cr_assert(!xs_dir_next(dir, 0, &pos, &name, &n), "an empty directory");
}

Test(blkif_seg, aligned_read_fills_eleven_frames)
{
	struct blkif_req_plan p;

	cr_assert_eq(blkif_plan(0x200000, 1000, BLKIF_SEGS, &p), 88, "11 frames of 8 sectors");
	cr_assert_eq(p.nseg, 11);
	for (unsigned i = 0; i < 11; i++) {
		cr_assert_eq(p.seg[i].frame, 0x200000 + i * 4096);
		cr_assert_eq(p.seg[i].first_sect, 0);
		cr_assert_eq(p.seg[i].last_sect, 7);
	}
}

Test(blkif_seg, buffer_inside_a_frame_and_a_short_tail)
{
	struct blkif_req_plan p;

	/* 3 sectors in, 10 sectors: 5 in the first frame, 5 in the next. */
	cr_assert_eq(blkif_plan(0x10600, 10, BLKIF_SEGS, &p), 10);
	cr_assert_eq(p.nseg, 2);
	cr_assert_eq(p.seg[0].frame, 0x10000);
	cr_assert_eq(p.seg[0].first_sect, 3);
	cr_assert_eq(p.seg[0].last_sect, 7);
	cr_assert_eq(p.seg[1].frame, 0x11000);
	cr_assert_eq(p.seg[1].first_sect, 0);
	cr_assert_eq(p.seg[1].last_sect, 4);
	cr_assert_eq(blkif_plan(0x10e00, 1, BLKIF_SEGS, &p), 1);
	cr_assert_eq(p.seg[0].first_sect, 7);
	cr_assert_eq(p.seg[0].last_sect, 7);
}

Test(blkif_seg, fewer_segments_and_refusals)
{
	struct blkif_req_plan p;

	cr_assert_eq(blkif_plan(0x10200, 100, 1, &p), 7, "one segment: the rest of the frame");
	cr_assert_eq(blkif_plan(0x10100, 8, BLKIF_SEGS, &p), 0, "not sector-aligned");
	cr_assert_eq(blkif_plan(0x10000, 0, BLKIF_SEGS, &p), 0);
	cr_assert_eq(blkif_plan(0x10000, 8, 0, &p), 0);
	cr_assert_eq(blkif_plan(0x10000, 8, BLKIF_SEGS + 1, &p), 0);
}

Test(blkif_seg, vdev_names_as_linux_gives_them)
{
	char n[16];

	blkif_vdev_name(51712, n, sizeof(n)); /* 202 << 8 | 0 */
	cr_assert_str_eq(n, "xvda");
	blkif_vdev_name(51728, n, sizeof(n)); /* minor 16 */
	cr_assert_str_eq(n, "xvdb");
	blkif_vdev_name(202 << 8 | 15 << 4, n, sizeof(n)); /* the last of the 16 short numbers */
	cr_assert_str_eq(n, "xvdp");
	blkif_vdev_name(1u << 28 | 25 << 8, n, sizeof(n));
	cr_assert_str_eq(n, "xvdz");
	blkif_vdev_name(1u << 28 | 26 << 8, n, sizeof(n)); /* extended: disk 26 */
	cr_assert_str_eq(n, "xvdaa");
	blkif_vdev_name(1u << 28 | 702 << 8, n, sizeof(n));
	cr_assert_str_eq(n, "xvdaaa");
	blkif_vdev_name(768, n, sizeof(n)); /* IDE hda's number */
	cr_assert_str_eq(n, "xbd768");
	blkif_vdev_name(51712, n, 4);
	cr_assert_str_eq(n, "xvd", "cut, still terminated");
}
