/*
 * mb_module.c - one multiboot module into the boot request: the first is the
 * kernel, the rest are modules (see multiboot.h for the string convention).
 */
#include "lib/fmt.h"
#include "loader/multiboot/multiboot.h"

int mb_add_module(struct bootreq *req, const struct phys_mem *pm, uint64_t start, uint64_t end,
		  const char *string, bool strip_name, struct err *err)
{
	unsigned index = req->nmodules + (req->have_kernel ? 1 : 0);
	struct bootreq_blob blob = { 0 };
	char label[24];

	if (end < start)
		return err_fail(err, "%s: module %u: mod_end 0x%llx below mod_start 0x%llx",
				req->source, index, (unsigned long long)end,
				(unsigned long long)start);
	blob.addr = start;
	blob.size = end - start;
	blob.data = phys_map(pm, start, blob.size);
	if (!blob.data)
		return err_fail(err, "%s: module %u: [0x%llx, 0x%llx) is not readable",
				req->source, index, (unsigned long long)start,
				(unsigned long long)end);
	if (!string)
		string = "";
	const char *args = strip_name ? cmdline_skip_word(string) : string;
	/* The name is the first word (after any blanks): keep it for messages. */
	const char *word = string;
	size_t n = 0;
	while (*word == ' ' || *word == '\t')
		word++;
	while (word[n] && word[n] != ' ' && word[n] != '\t')
		n++;
	if (strip_name && n) {
		blob.name = bootreq_strdup(req, word, n, err);
	} else {
		fmt_snprintf(label, sizeof(label), "module %u", index);
		blob.name = bootreq_strdup(req, label, sizeof(label), err);
	}
	blob.cmdline = bootreq_strdup(req, args, BOOTREQ_MAX_STRING, err);
	if (!blob.name || !blob.cmdline)
		return -1;
	if (!req->have_kernel) {
		req->kernel = blob;
		req->have_kernel = true;
		return 0;
	}
	return bootreq_add_module(req, &blob, err);
}
