/*
 * verscmp.h - version comparison for ordering boot entries newest first,
 * after the UAPI Group's version format specification (what systemd-boot
 * uses): "6.1.0-10" is newer than "6.1.0-9". Used by menu_select.c.
 *
 * The strings are split into runs of digits, runs of letters and the
 * separators '~' '-' '^' '.'; other characters only separate. Numbers compare
 * by value (leading zeros ignored), letter runs by bytes; a number is newer
 * than letters. At a point where the strings differ in kind: '~' is older
 * than anything, even the end ("1.0~rc1" < "1.0"); then the end is older
 * than anything else ("1.0" < "1.0.1"); then whichever string has '-', else
 * '^', else '.' there is the older one.
 */
#ifndef PVHBOOT_VERSCMP_H
#define PVHBOOT_VERSCMP_H

#include "lib/env.h"

/* < 0 if a is older than b, 0 if equivalent, > 0 if a is newer. */
int verscmp(const char *a, const char *b);

#endif
