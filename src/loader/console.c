/*
 * console.c - serial and debug-port output. Probes the hardware once: the
 * UART through its scratch register, port 0xe9 through the value QEMU and
 * Bochs return when reading it, or through CPUID when running under Xen
 * (Xen forwards a domain's writes to 0xe9 to its console as "(dN) ..." but
 * does not answer reads). A front end may add one more sink (Xen's
 * console_io hypercall) that then takes the place of port 0xe9, and a
 * domain console (Xen's PV console ring of a domU) that gets everything too.
 * Every port access is a trap to the VMM when virtualised: the UART's FIFO
 * is filled up to its depth per "transmitter empty" seen (as Linux's 8250
 * driver does), and port 0xe9 gets each write as one string instruction.
 * Callers: every 32-bit front end and the conformance guest.
 */
#include "loader/console.h"
#include "lib/fmt.h"
#include "hw/portio.h"
#include "xen/xen_cpuid.h"

#define COM1 0x3f8
#define UART_THR 0 /* transmit holding (DLAB=0) / divisor low (DLAB=1) */
#define UART_IER 1 /* interrupt enable / divisor high */
#define UART_FCR 2 /* FIFO control (write) / interrupt identification (read) */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define UART_LSR_THRE 0x20
#define UART_LSR_DR 0x01
#define DEBUGCON_PORT 0xe9

static bool serial_present;
static unsigned serial_fifo_depth; /* bytes that may follow one THRE: 16 (16550A) or 1 */
static unsigned serial_tx_room;    /* of them, not yet written */
static bool debugcon_present;
static console_sink_fn extra_sink;
static console_sink_fn domain_write;
static console_key_fn domain_poll_key;
static console_drain_fn domain_drain;

void console_init(void)
{
	outb(COM1 + UART_SCR, 0x5a);
	serial_present = inb(COM1 + UART_SCR) == 0x5a;
	if (serial_present) {
		outb(COM1 + UART_IER, 0x00); /* no interrupts */
		outb(COM1 + UART_LCR, 0x80); /* DLAB on: set the divisor */
		outb(COM1 + UART_THR, 0x01); /* 115200 baud */
		outb(COM1 + UART_IER, 0x00);
		outb(COM1 + UART_LCR, 0x03); /* 8N1, DLAB off */
		outb(COM1 + UART_FCR, 0xc7); /* FIFO on, cleared */
		outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
		/* IIR bits 7:6 both set: the FIFO is there and on. */
		serial_fifo_depth = (inb(COM1 + UART_FCR) & 0xc0) == 0xc0 ? 16 : 1;
	}
	debugcon_present = inb(DEBUGCON_PORT) == DEBUGCON_PORT;
	if (!debugcon_present) {
		struct xen_cpuid_info xen;
		debugcon_present = xen_cpuid_find(xen_cpuid_hw, NULL, &xen);
	}
}

void console_set_sink(console_sink_fn fn)
{
	extra_sink = fn;
}

void console_set_domain_console(console_sink_fn write, console_key_fn poll_key,
				console_drain_fn drain)
{
	domain_write = write;
	domain_poll_key = poll_key;
	domain_drain = drain;
}

void console_drain(void)
{
	if (domain_drain)
		domain_drain();
}

static void serial_putc(char c)
{
	if (serial_tx_room == 0) {
		/* Bounded wait: a UART that never drains must not hang the boot. */
		for (unsigned spin = 0; spin < 100000; spin++)
			if (inb(COM1 + UART_LSR) & UART_LSR_THRE)
				break;
		/* THRE with the FIFO on: the whole FIFO is empty. */
		serial_tx_room = serial_fifo_depth;
	}
	outb(COM1 + UART_THR, (uint8_t)c);
	serial_tx_room--;
}

void console_write(const char *s, size_t n)
{
	/* A sink that fails (Xen refuses console_io to most domains) is dropped for good. */
	if (extra_sink && extra_sink(s, n) != 0)
		extra_sink = NULL;
	if (domain_write && domain_write(s, n) != 0)
		console_set_domain_console(NULL, NULL, NULL);
	for (size_t i = 0; serial_present && i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
	if (debugcon_present && !extra_sink)
		outsb(DEBUGCON_PORT, s, n);
}

void console_puts(const char *s)
{
	console_write(s, strlen(s));
}

void console_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	size_t n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
}

int console_poll_key(void)
{
	if (serial_present && (inb(COM1 + UART_LSR) & UART_LSR_DR))
		return inb(COM1 + UART_THR);
	return domain_poll_key ? domain_poll_key() : -1;
}
