/*
 * glob.h - shell-style pattern matching for loader.conf's "default" (and an
 * "entry=" load option) against entry ids. Same results as fnmatch(3) with
 * flags 0 in the C locale, for patterns whose brackets are closed: '*' any
 * run (also '/'), '?' one character, '[abc]' '[a-z]' '[!x]' '[^x]' sets (a ']'
 * right after '[' or '[!' is a member; '-' first or last is literal), '\'
 * quotes the next character. A '[' with no closing ']' matches itself; a
 * trailing lone '\' matches nothing. No character classes ([:alpha:]).
 */
#ifndef PVHBOOT_GLOB_H
#define PVHBOOT_GLOB_H

#include "lib/env.h"

bool glob_match(const char *pattern, const char *string);

#endif
