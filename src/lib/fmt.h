/*
 * fmt.h - a small printf for code with no C library: %s %c %d %i %u %x %X %p
 * %% with flags '0' '-', a width, precision for %s (%.*s) and the length
 * modifiers l, ll, z. Always NUL-terminates; returns the length it would
 * have written, like snprintf.
 */
#ifndef PVHBOOT_FMT_H
#define PVHBOOT_FMT_H

#include "lib/env.h"

size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);

#endif
