/*
 * test_xencons_ring.c - unit tests of the PV console's ring rules
 * (src/xenbus/xencons_ring.c): text onto out[] with "\n" as "\r\n", bytes
 * from in[], across the counter wrap, with a full ring and with indices a
 * daemon broke. The rings are buffers of the real sizes (xen/io/console.h);
 * the daemon's side is played by the test. Suite "xencons_ring", run by
 * build/unit-tests.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "xenbus/xencons_ring.h"

#include <xen/io/console.h>

static struct xencons_interface page;

/* What the daemon would read from out[] between cons and prod. */
static void daemon_read(uint32_t cons, uint32_t prod, char *out)
{
	uint32_t n = 0;

	for (; cons != prod; cons++)
		out[n++] = page.out[cons % sizeof(page.out)];
	out[n] = '\0';
}

Test(xencons_ring, text_goes_on_with_crlf_line_ends)
{
	char got[64];
	uint32_t used;

	int n = xencons_put_text(page.out, sizeof(page.out), 100, 100, "a\nbc\n", 5, &used);
	cr_assert_eq(n, 7);
	cr_assert_eq(used, 5);
	daemon_read(100, 100 + 7, got);
	cr_assert_str_eq(got, "a\r\nbc\r\n");
}

Test(xencons_ring, text_wraps_the_counters_and_the_ring)
{
	char got[64];
	uint32_t used, prod = 0xfffffffeu; /* two bytes before the 2^32 wrap */

	int n = xencons_put_text(page.out, sizeof(page.out), prod, prod, "xy\nz", 4, &used);
	cr_assert_eq(n, 5);
	cr_assert_eq(used, 4);
	daemon_read(prod, prod + 5, got);
	cr_assert_str_eq(got, "xy\r\nz");
}

Test(xencons_ring, a_full_ring_takes_what_fits_and_never_half_a_line_end)
{
	uint32_t used, size = sizeof(page.out);

	/* Three bytes of room: "ab" go, the "\n" needs two more and waits. */
	int n = xencons_put_text(page.out, size, 0, size - 3, "ab\ncd", 5, &used);
	cr_assert_eq(n, 2);
	cr_assert_eq(used, 2);
	/* Exactly two: the "\n" goes whole. */
	n = xencons_put_text(page.out, size, 0, size - 2, "\ncd", 3, &used);
	cr_assert_eq(n, 2);
	cr_assert_eq(used, 1);
	cr_assert_eq(page.out[(size - 2) % size], '\r');
	cr_assert_eq(page.out[(size - 1) % size], '\n');
	n = xencons_put_text(page.out, size, 0, size, "cd", 2, &used);
	cr_assert_eq(n, 0, "a full ring takes nothing");
	cr_assert_eq(used, 0);
}

Test(xencons_ring, broken_indices_are_refused_and_nothing_written)
{
	uint32_t used = 7, size = sizeof(page.out);

	memset(page.out, '.', size);
	cr_assert_eq(xencons_put_text(page.out, size, 0, size + 1, "a", 1, &used), -1);
	cr_assert_eq(used, 0);
	cr_assert_eq(xencons_put_text(page.out, size, 10, 9, "a", 1, &used), -1,
		     "producer behind the consumer");
	for (uint32_t i = 0; i < size; i++)
		cr_assert_eq(page.out[i], '.');
	char c;
	cr_assert_eq(xencons_take(page.in, sizeof(page.in), 0, sizeof(page.in) + 1, &c, 1), -1);
}

Test(xencons_ring, typed_bytes_come_in_order_across_the_wrap)
{
	char got[4] = { 0 };
	uint32_t cons = 0xffffffffu, size = sizeof(page.in);

	page.in[cons % size] = 'q';
	page.in[(cons + 1) % size] = '\r';
	cr_assert_eq(xencons_take(page.in, size, cons, cons + 2, got, sizeof(got)), 2);
	cr_assert_str_eq(got, "q\r");
	cr_assert_eq(xencons_take(page.in, size, cons, cons + 2, got, 1), 1, "at most max");
	cr_assert_eq(xencons_take(page.in, size, 5, 5, got, 1), 0, "nothing typed");
}
