/*
 * fuzz_bundle.c - fuzz target for bundle_parse(), driven by libFuzzer or by
 * replay_main.c over the seed corpus. Beyond "does not crash", it checks that
 * every span and name of a parsed bundle lies inside the input and that the
 * names obey bundle.h, and aborts when one does not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pvh/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_span(struct bundle_span s, size_t size)
{
	check(s.offset <= size && s.size <= size - s.offset);
}

static void check_name(const uint8_t *data, size_t size, const struct bundle_module *m)
{
	const uint8_t *name = (const uint8_t *)m->name;

	check(name >= data && m->namelen <= size && name - data <= (ptrdiff_t)(size - m->namelen));
	check(m->namelen > 0 && name[0] != '.');
	check(memchr(name, '\0', m->namelen) == NULL);
	check(!(m->namelen == 6 && memcmp(name, "kernel", 6) == 0));
	check(!(m->namelen == 7 && memcmp(name, "cmdline", 7) == 0));
	check(!(m->namelen > 8 && memcmp(name + m->namelen - 8, ".cmdline", 8) == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle b;
	struct err err;

	err_clear(&err);
	bundle_detect(data, size);
	if (bundle_parse(&b, data, size, &err) != 0) {
		check(err.set && strncmp(err.msg, "bundle: ", 8) == 0);
		return 0;
	}
	check(!err.set);
	check(size >= 110 && bundle_detect(data, size));
	check_span(b.kernel, size);
	if (b.has_cmdline)
		check_span(b.cmdline, size);
	check(b.nmodules <= BUNDLE_MAX_MODULES);
	for (unsigned i = 0; i < b.nmodules; i++) {
		const struct bundle_module *m = &b.modules[i];

		check_span(m->data, size);
		check_name(data, size, m);
		if (m->has_cmdline)
			check_span(m->cmdline, size);
		for (unsigned k = 0; k < i; k++)
			check(m->namelen != b.modules[k].namelen ||
			      memcmp(m->name, b.modules[k].name, m->namelen) != 0);
		/* Archive order: data spans increase. */
		check(i == 0 || m->data.offset > b.modules[i - 1].data.offset);
	}
	return 0;
}
