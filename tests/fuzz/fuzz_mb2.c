/*
 * fuzz_mb2.c - fuzz target for mb2_parse(), driven by libFuzzer or by
 * replay_main.c over the seed corpus (scripts/gen-loader-seeds.sh). The
 * input is physical memory at LF_BASE with the multiboot2 information at
 * its start; a request that parses goes on through the common boot path
 * (see loader_fuzz.h).
 */
#include "loader/common/rsdp.h"
#include "loader/multiboot/multiboot.h"
#include "loader_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bootreq req;
	struct phys_mem pm = lf_memory(data, size);
	struct err err;

	err_clear(&err);
	if (mb2_parse(&req, &pm, LF_BASE, &err)) {
		lf_check(err.set && strncmp(err.msg, "multiboot2: ", 12) == 0);
		return 0;
	}
	lf_check(!err.set);
	lf_check(strcmp(req.source, "multiboot2") == 0);
	/* A copy is kept only if it is a valid RSDP and not the BIOS's own. */
	if (req.have_rsdp_copy)
		lf_check(req.rsdp == 0 && rsdp_valid(req.rsdp_copy, sizeof(req.rsdp_copy)));
	lf_check_request(&req, data, size);
	lf_prepare(&req);
	return 0;
}
