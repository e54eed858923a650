/* bootreq.c - building a boot request (see bootreq.h); used by every front end. */
#include "loader/common/bootreq.h"

void bootreq_init(struct bootreq *req, const char *source)
{
	memset(req, 0, sizeof(*req));
	req->source = source;
	req->loader_cmdline = "";
}

const char *bootreq_strdup(struct bootreq *req, const char *s, size_t n, struct err *err)
{
	size_t len = 0;

	while (len < n && s[len])
		len++;
	if (len >= BOOTREQ_MAX_STRING) {
		err_fail(err, "%s: string of %zu bytes longer than %u", req->source, len,
			 BOOTREQ_MAX_STRING);
		return NULL;
	}
	if (len + 1 > sizeof(req->pool) - req->pool_used) {
		err_fail(err, "%s: command lines exceed %zu bytes in total", req->source,
			 sizeof(req->pool));
		return NULL;
	}
	char *d = req->pool + req->pool_used;
	memcpy(d, s, len);
	d[len] = '\0';
	req->pool_used += len + 1;
	return d;
}

int bootreq_add_ram(struct bootreq *req, uint64_t addr, uint64_t size, uint32_t type,
		    struct err *err)
{
	if (req->nraw >= ARRAY_SIZE(req->raw))
		return err_fail(err, "%s: memory map has more than %zu entries", req->source,
				ARRAY_SIZE(req->raw));
	req->raw[req->nraw].addr = addr;
	req->raw[req->nraw].size = size;
	req->raw[req->nraw].type = type;
	req->nraw++;
	return 0;
}

int bootreq_add_module(struct bootreq *req, const struct bootreq_blob *blob, struct err *err)
{
	if (req->nmodules >= BOOTREQ_MAX_MODULES)
		return err_fail(err, "%s: more than %d modules", req->source, BOOTREQ_MAX_MODULES);
	req->modules[req->nmodules++] = *blob;
	return 0;
}

const char *cmdline_skip_word(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}
