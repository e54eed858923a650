/*
 * tsc.c - measuring the TSC against the PIT (see tsc.h). Channel 2 counts
 * down from 0xffff (mode 0, 55 ms); the counter is read at both ends of a
 * 20 ms span, each reading bracketed by two TSC reads. A VMM that
 * deschedules the vCPU (TCG on a loaded host) stretches the span, which
 * does not matter, but must not fall inside a reading: a reading whose
 * bracket is wide is taken again. Without a PIT (port 0x61 reads all ones,
 * or the counter does not move) the rate is unknown and 0 is returned: a
 * missing timer must not stop the boot.
 */
#include "hw/tsc.h"
#include "hw/portio.h"

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_MODE 0x43
#define PIT_GATE 0x61
#define PIT_GATE_OUT2 0x20
#define PIT_SPAN_TICKS 23864u        /* 20 ms */
#define PIT_BRACKET_CYCLES 200000u   /* one reading: a few port accesses */
#define PIT_TRIES 8u

/* The counter now, and the TSC at that moment; false if no tight reading came. */
static bool pit_read(uint16_t *count, uint64_t *tsc)
{
	for (unsigned i = 0; i < PIT_TRIES; i++) {
		uint64_t a = cpu_rdtsc();
		outb(PIT_MODE, 0x80); /* latch channel 2 */
		uint8_t lo = inb(PIT_CH2), hi = inb(PIT_CH2);
		uint64_t b = cpu_rdtsc();
		if (b - a < PIT_BRACKET_CYCLES) {
			*count = (uint16_t)(lo | hi << 8);
			*tsc = a + (b - a) / 2;
			return true;
		}
	}
	return false;
}

static uint64_t tsc_pit_span(uint8_t gate, uint32_t *ticks)
{
	uint16_t c0, c;
	uint64_t t0, t;

	outb(PIT_GATE, (uint8_t)((gate & ~0x02u) | 0x01u)); /* gate on, speaker off */
	outb(PIT_MODE, 0xb0);                                /* channel 2, lo/hi, mode 0 */
	outb(PIT_CH2, 0xff);
	outb(PIT_CH2, 0xff);
	if (!pit_read(&c0, &t0))
		return 0;
	for (unsigned spins = 0; spins < 10000000u; spins++) {
		if (inb(PIT_GATE) & PIT_GATE_OUT2)
			return 0; /* ran out: descheduled for the whole count */
		if (!pit_read(&c, &t))
			return 0;
		if (c < c0 && (uint32_t)(c0 - c) >= PIT_SPAN_TICKS) {
			*ticks = (uint32_t)(c0 - c);
			return t - t0;
		}
	}
	return 0;
}

uint32_t tsc_calibrate_khz(void)
{
	uint8_t gate = inb(PIT_GATE);
	uint32_t ticks = 0;
	uint64_t cycles = 0;

	if (gate == 0xff)
		return 0;
	for (unsigned i = 0; i < 3 && !cycles; i++)
		cycles = tsc_pit_span(gate, &ticks);
	outb(PIT_GATE, gate);
	if (!cycles || !ticks)
		return 0;
	uint64_t khz = cycles * PIT_HZ / ((uint64_t)ticks * 1000u);
	return khz < 1000 || khz > 0xffffffffu ? 0 : (uint32_t)khz;
}
