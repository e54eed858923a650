/*
 * tsc.c - measuring the TSC against 10 ms of the PIT (see tsc.h). Without a
 * PIT (port 0x61 reads all ones, or the count never ends) the rate is
 * unknown and 0 is returned: a missing timer must not stop the boot.
 */
#include "hw/tsc.h"
#include "hw/portio.h"

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_MODE 0x43
#define PIT_GATE 0x61
#define PIT_GATE_OUT2 0x20
#define CALIBRATE_MS 10u

uint32_t tsc_calibrate_khz(void)
{
	uint16_t count = (uint16_t)(PIT_HZ / (1000u / CALIBRATE_MS));
	uint8_t gate = inb(PIT_GATE);

	if (gate == 0xff)
		return 0;
	outb(PIT_GATE, (uint8_t)((gate & ~0x02u) | 0x01u)); /* gate on, speaker off */
	outb(PIT_MODE, 0xb0);                                /* channel 2, lo/hi, mode 0 */
	outb(PIT_CH2, (uint8_t)count);
	outb(PIT_CH2, (uint8_t)(count >> 8));
	uint64_t t0 = cpu_rdtsc();
	unsigned spins = 0;
	while (!(inb(PIT_GATE) & PIT_GATE_OUT2) && spins < 50000000u)
		spins++;
	uint64_t t1 = cpu_rdtsc();
	outb(PIT_GATE, gate);
	if (spins >= 50000000u || spins == 0)
		return 0;
	uint64_t khz = (t1 - t0) / CALIBRATE_MS;
	return khz < 1000 || khz > 0xffffffffu ? 0 : (uint32_t)khz;
}
