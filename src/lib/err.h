/*
 * err.h - the first error wins. Parsers and the planner record one message
 * naming the field, the value and the bound, and return -1; callers add the
 * file name in front ("pvhboot: vmlinux: elf: phdr 3: ...").
 */
#ifndef PVHBOOT_ERR_H
#define PVHBOOT_ERR_H

#include "lib/env.h"

#define ERR_MSG_MAX 256

struct err {
	bool set;
	char msg[ERR_MSG_MAX];
};

/* Records the message unless one is recorded already; always returns -1. */
int err_fail(struct err *err, const char *fmt, ...) PRINTF_LIKE(2, 3);

static inline void err_clear(struct err *err)
{
	err->set = false;
	err->msg[0] = '\0';
}

#endif
