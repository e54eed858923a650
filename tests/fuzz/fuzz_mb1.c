/*
 * fuzz_mb1.c - fuzz target for mb1_parse(), driven by libFuzzer or by
 * replay_main.c over the seed corpus (scripts/gen-loader-seeds.sh). The
 * input is physical memory at LF_BASE with the multiboot1 information at
 * its start; a request that parses goes on through the common boot path
 * (see loader_fuzz.h).
 */
#include "loader/multiboot/multiboot.h"
#include "loader_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bootreq req;
	struct phys_mem pm = lf_memory(data, size);
	struct err err;

	err_clear(&err);
	if (mb1_parse(&req, &pm, LF_BASE, &err)) {
		lf_check(err.set && strncmp(err.msg, "multiboot1: ", 12) == 0);
		return 0;
	}
	lf_check(!err.set);
	lf_check(strcmp(req.source, "multiboot1") == 0);
	lf_check(!req.have_rsdp_copy);
	lf_check_request(&req, data, size);
	lf_prepare(&req);
	return 0;
}
