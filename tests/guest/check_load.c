/*
 * check_load.c - proves the loader copied each load segment's file bytes
 * to p_paddr and zeroed the rest of p_memsz: a 16 KiB array in .data (the
 * RW segment) and one in .rodata (the R segment), each filled at build time
 * by a formula through macro expansion and checked word by word at run
 * time, and the 64 KiB BSS tail of tail.S read byte by byte.
 * Called by guest_main().
 */
#include "guest.h"

#define LOAD_WORDS 4096 /* 16 KiB of uint32_t */
#define BSS_TAIL_BYTES 65536

/* Different formulas, so rodata copied over data (or the reverse) shows. */
#define DATA_WORD(i) ((uint32_t)(i) * 0x9e3779b1u + 0x7f4a7c15u)
#define RODATA_WORD(i) (((uint32_t)(i) * 0x85ebca6bu) ^ 0xc2b2ae35u)

#define REP4(F, i) F(i), F((i) + 1), F((i) + 2), F((i) + 3)
#define REP16(F, i) REP4(F, i), REP4(F, (i) + 4), REP4(F, (i) + 8), REP4(F, (i) + 12)
#define REP64(F, i) REP16(F, i), REP16(F, (i) + 16), REP16(F, (i) + 32), REP16(F, (i) + 48)
#define REP256(F, i) REP64(F, i), REP64(F, (i) + 64), REP64(F, (i) + 128), REP64(F, (i) + 192)
#define REP1024(F, i) \
	REP256(F, i), REP256(F, (i) + 256), REP256(F, (i) + 512), REP256(F, (i) + 768)
#define REP4096(F, i) \
	REP1024(F, i), REP1024(F, (i) + 1024), REP1024(F, (i) + 2048), REP1024(F, (i) + 3072)

/* Not static: the compiler must not fold the reads into the initialisers. */
uint32_t guest_load_data[LOAD_WORDS] = { REP4096(DATA_WORD, 0u) };
const uint32_t guest_load_rodata[LOAD_WORDS] = { REP4096(RODATA_WORD, 0u) };
extern uint8_t guest_bss_tail[BSS_TAIL_BYTES]; /* tail.S */

_Static_assert(sizeof(guest_load_data) == 16384, "16 KiB of initialised data");

/* Hide where the pointer came from, so every word is really read. */
static const volatile void *launder(const volatile void *p)
{
	__asm__("" : "+r"(p));
	return p;
}

static void check_words(const char *name, const volatile uint32_t *arr, bool rodata)
{
	struct check c;
	unsigned bad = 0, first = 0;

	check_begin(&c, name);
	for (unsigned i = 0; i < LOAD_WORDS; i++) {
		uint32_t want = rodata ? RODATA_WORD(i) : DATA_WORD(i);

		if (arr[i] != want && bad++ == 0)
			first = i;
	}
	if (bad) {
		uint32_t want = rodata ? RODATA_WORD(first) : DATA_WORD(first);

		check_fail(&c, "%u of %u words wrong; first: word %u at 0x%08x = 0x%08x, want 0x%08x",
			   bad, LOAD_WORDS, first, (uint32_t)(uintptr_t)&arr[first], arr[first],
			   want);
	}
	check_end(&c);
}

void check_load(void)
{
	struct check c;

	check_words("load.data", launder(guest_load_data), false);
	check_words("load.rodata", launder(guest_load_rodata), true);

	const volatile uint8_t *bss = launder(guest_bss_tail);
	unsigned bad = 0, first = 0;

	check_begin(&c, "bss");
	for (unsigned i = 0; i < BSS_TAIL_BYTES; i++)
		if (bss[i] != 0 && bad++ == 0)
			first = i;
	if (bad)
		check_fail(&c, "%u of %u bytes non-zero; first at 0x%08x = 0x%02x", bad,
			   BSS_TAIL_BYTES, (uint32_t)(uintptr_t)&bss[first], bss[first]);
	check_end(&c);
}
