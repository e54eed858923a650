/* portio.c - the never-returning halt shared by the loader and the guest. */
#include "hw/portio.h"

void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
