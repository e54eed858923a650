/*
 * stamp.c - the benchmark's stopwatch (host tool, run by bench/bench.sh).
 *
 *   stamp [-t SECONDS] [-k PATTERN] [-s PATTERN] -- COMMAND [ARG]...
 *     Runs COMMAND (QEMU with -serial stdio) with its stdin and stdout on
 *     pipes and prints every line it writes as "SECONDS<TAB>LINE", SECONDS
 *     being the time from just before COMMAND started to the arrival of the
 *     line's first byte other than CR (so a slow line does not count against its reader).
 *     -k: the first time the output (even a partial line) contains PATTERN,
 *         send one key (a space) to COMMAND's stdin: the UEFI shell's
 *         "Press ESC in 5 seconds" prompt continues at once.
 *     -s: stop COMMAND (SIGTERM) after a line containing PATTERN.
 *     -t: kill COMMAND after SECONDS (default 300); status 124 then.
 *     A last line "SECONDS<TAB>#exit STATUS" records when COMMAND ended.
 *     Exit status: COMMAND's, 128+N for a signal, 124 on timeout.
 *   stamp --tsc-khz
 *     Prints the host's TSC rate in kHz, measured against CLOCK_MONOTONIC
 *     over 200 ms. Under QEMU TCG a guest's rdtsc reads the host's TSC, so
 *     this converts the loader's TSC probes to time.
 *
 * Timing by a separate process reading a pipe, rather than by a shell loop,
 * keeps the stamps within a few microseconds of QEMU's writes.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#define STAMP_LINE_MAX 4096

static double stamp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int stamp_tsc_khz(void)
{
	double t0 = stamp_now(), t1;
	unsigned long long c0 = __rdtsc(), c1;
	struct timespec nap = { 0, 200000000 };

	nanosleep(&nap, NULL);
	t1 = stamp_now();
	c1 = __rdtsc();
	printf("%.0f\n", (double)(c1 - c0) / (t1 - t0) / 1000.0);
	return 0;
}

static void stamp_usage(void)
{
	fprintf(stderr, "usage: stamp [-t SECONDS] [-k PATTERN] [-s PATTERN] -- COMMAND [ARG]...\n"
			"       stamp --tsc-khz\n");
	exit(2);
}

/* One output line being assembled, with the time its first byte came. */
struct stamp_line {
	char buf[STAMP_LINE_MAX + 1];
	size_t len;
	double first;
	int started;
};

static void stamp_flush(struct stamp_line *l)
{
	/* Drop carriage returns: the serial console ends lines with CR LF. */
	size_t n = 0;
	for (size_t i = 0; i < l->len; i++)
		if (l->buf[i] != '\r')
			l->buf[n++] = l->buf[i];
	l->buf[n] = '\0';
	printf("%.6f\t%s\n", l->first, l->buf);
	fflush(stdout);
	l->len = 0;
	l->started = 0;
}

int main(int argc, char **argv)
{
	const char *key_on = NULL, *stop_on = NULL;
	double timeout = 300.0;
	int i;

	if (argc == 2 && strcmp(argv[1], "--tsc-khz") == 0)
		return stamp_tsc_khz();
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (i + 1 >= argc)
			stamp_usage();
		if (strcmp(argv[i], "-k") == 0)
			key_on = argv[++i];
		else if (strcmp(argv[i], "-s") == 0)
			stop_on = argv[++i];
		else if (strcmp(argv[i], "-t") == 0)
			timeout = atof(argv[++i]);
		else
			stamp_usage();
	}
	if (i + 1 >= argc)
		stamp_usage();
	char **cmd = &argv[i + 1];

	int in[2], out[2];
	if (pipe(in) || pipe(out)) {
		perror("stamp: pipe");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	double t0 = stamp_now();
	pid_t pid = fork();
	if (pid < 0) {
		perror("stamp: fork");
		return 1;
	}
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execvp(cmd[0], cmd);
		fprintf(stderr, "stamp: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);

	static struct stamp_line line;
	int key_sent = 0, timed_out = 0, stopped = 0;
	for (;;) {
		double left = timeout - (stamp_now() - t0);
		if (left <= 0) {
			kill(pid, SIGKILL);
			timed_out = 1;
			break;
		}
		struct pollfd pfd = { out[0], POLLIN, 0 };
		int r = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		char chunk[4096];
		ssize_t n = read(out[0], chunk, sizeof(chunk));
		double now = stamp_now() - t0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t j = 0; j < n; j++) {
			/* A line starts with its first byte other than CR: a console
			 * may send CR long before the text. */
			if (!line.started && chunk[j] != '\r' && chunk[j] != '\n') {
				line.first = now;
				line.started = 1;
			}
			if (chunk[j] == '\n' || line.len == STAMP_LINE_MAX) {
				line.buf[line.len] = '\0';
				int stop = stop_on && strstr(line.buf, stop_on);
				stamp_flush(&line);
				if (stop && !stopped) {
					kill(pid, SIGTERM);
					stopped = 1;
				}
				if (chunk[j] == '\n')
					continue;
				line.first = now;
				line.started = 1;
			}
			line.buf[line.len++] = chunk[j];
			if (key_on && !key_sent) {
				line.buf[line.len] = '\0';
				if (strstr(line.buf, key_on)) {
					if (write(in[1], " ", 1) == 1)
						key_sent = 1;
				}
			}
		}
	}
	if (line.len)
		stamp_flush(&line);

	int status = 0;
	waitpid(pid, &status, 0);
	int rc = timed_out ? 124
		 : WIFEXITED(status) ? WEXITSTATUS(status)
				     : 128 + WTERMSIG(status);
	printf("%.6f\t#exit %d%s\n", stamp_now() - t0, rc, timed_out ? " (timeout)" : "");
	close(in[1]);
	return rc;
}
