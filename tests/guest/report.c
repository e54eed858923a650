/*
 * report.c - kvm-unit-tests style results for the conformance guest: one
 * "PASS: name" or one or more "FAIL: name: detail" lines per check, then a
 * single machine-readable verdict line the boot tests grep for:
 * "PVH-CONFORMANCE: ok" or "PVH-CONFORMANCE: fail name1,name2,...".
 */
#include "guest.h"
#include "lib/fmt.h"
#include "loader/console.h"

static char failed_names[1024];
static size_t failed_len;
static unsigned failed_count;

void check_begin(struct check *c, const char *name)
{
	c->name = name;
	c->failed = false;
}

void check_fail(struct check *c, const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_printf("FAIL: %s: %s\n", c->name, buf);
	c->failed = true;
}

void check_end(struct check *c)
{
	if (!c->failed) {
		console_printf("PASS: %s\n", c->name);
		return;
	}
	failed_count++;
	/* The list is for machines: keep it whole or mark it cut. */
	size_t room = sizeof(failed_names) - failed_len;
	size_t n = fmt_snprintf(failed_names + failed_len, room, "%s%s",
				failed_len ? "," : "", c->name);
	if (n < room)
		failed_len += n;
}

bool report_verdict(void)
{
	if (failed_count == 0) {
		console_puts("PVH-CONFORMANCE: ok\n");
		return true;
	}
	console_puts("PVH-CONFORMANCE: fail ");
	console_puts(failed_names);
	console_puts("\n");
	return false;
}
