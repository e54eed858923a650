/*
 * tsc.h - the TSC's rate, measured once against the PIT (channel 2, its
 * gate and output in port 0x61), so the firmware can print times in
 * milliseconds. Caller: the firmware-mode front end.
 */
#ifndef PVHBOOT_HW_TSC_H
#define PVHBOOT_HW_TSC_H

#include "lib/env.h"

/* TSC kHz, or 0 when there is no PIT to measure against (then print cycles). */
uint32_t tsc_calibrate_khz(void);

#endif
