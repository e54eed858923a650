/* err.c - recording the first error of a parse or a plan (see err.h). */
#include "lib/err.h"
#include "lib/fmt.h"

int err_fail(struct err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->set)
		return -1;
	va_start(ap, fmt);
	fmt_vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->set = true;
	return -1;
}
