/*
 * fuzz_pvh_xen.c - fuzz target for pvh_info_parse_xen(): pvhboot as a guest
 * of Xen, where the memory map may come from XENMEM_memory_map instead of
 * the start info. Input layout: u16 nr_entries (what Xen claims to have
 * written), u16 length of the E820 buffer, the buffer, then physical memory
 * at LF_BASE with the start info at its start (as fuzz_pvh_info.c).
 */
#include "loader/common/pvh_info.h"
#include "loader_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bootreq req;
	struct loader_options opts;
	struct pvh_xen xen;
	struct err err;

	if (size < 4)
		return 0;
	size_t e820_len = (size_t)(data[2] | (data[3] << 8));
	if (e820_len > size - 4)
		e820_len = size - 4;
	xen.e820.n = (uint32_t)(data[0] | (data[1] << 8));
	xen.e820.buf = data + 4;
	xen.e820.size = e820_len;
	struct phys_mem pm = lf_memory(data + 4 + e820_len, size - 4 - e820_len);

	memset(&opts, 0, sizeof(opts));
	err_clear(&err);
	if (pvh_info_parse_xen(&req, &opts, &pm, LF_BASE, &xen, &err)) {
		lf_check(err.set && strncmp(err.msg, "pvh: ", 5) == 0);
		return 0;
	}
	lf_check(!err.set);
	lf_check(req.nraw >= 1);
	lf_check_request(&req, data + 4 + e820_len, size - 4 - e820_len);
	lf_prepare(&req);
	return 0;
}
