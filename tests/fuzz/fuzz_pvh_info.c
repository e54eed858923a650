/*
 * fuzz_pvh_info.c - fuzz target for pvh_info_parse(), driven by libFuzzer
 * or by replay_main.c over the seed corpus (scripts/gen-loader-seeds.sh).
 * The input is physical memory at LF_BASE with a VMM's hvm_start_info at its
 * start; a request that parses (module 0 may be a bundle) goes on through
 * the common boot path (see loader_fuzz.h).
 */
#include "loader/common/pvh_info.h"
#include "loader_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bootreq req;
	struct loader_options opts;
	struct phys_mem pm = lf_memory(data, size);
	struct err err;

	memset(&opts, 0, sizeof(opts));
	err_clear(&err);
	if (pvh_info_parse(&req, &opts, &pm, LF_BASE, &err)) {
		lf_check(err.set && strncmp(err.msg, "pvh: ", 5) == 0);
		return 0;
	}
	lf_check(!err.set);
	lf_check(strcmp(req.source, "pvh") == 0);
	lf_check(req.nraw >= 1);
	lf_check(opts.nunknown <= OPTIONS_MAX_UNKNOWN);
	lf_check_request(&req, data, size);
	lf_prepare(&req);
	return 0;
}
