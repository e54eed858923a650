/*
 * replay_main.c - the plain driver of every fuzz target: feeds each file
 * named on the command line (or found directly inside a named directory) to
 * LLVMFuzzerTestOneInput once. `make fuzz-replay` links it with each
 * tests/fuzz/fuzz_NAME.c and runs the seed corpora under ASan+UBSan, which
 * turn any crash into a failing exit; libFuzzer links the same targets with
 * its own main (scripts/fuzz.sh).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long replay_count;

/* Missing or unreadable inputs are reported and skipped: corpora are optional. */
static void replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f) {
		fprintf(stderr, "replay: skipping %s (cannot open)\n", path);
		return;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "replay: skipping %s (cannot size)\n", path);
		fclose(f);
		return;
	}
	/* An exact-size heap copy, so ASan sees any read one byte past the end. */
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "replay: skipping %s (cannot read)\n", path);
		free(buf);
		fclose(f);
		return;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	replay_count++;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Regular files of a directory, in name order, so runs are repeatable. */
static void replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names) {
				perror("replay");
				exit(2);
			}
		}
		if (asprintf(&names[n], "%s/%s", dir, de->d_name) < 0) {
			perror("replay");
			exit(2);
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			replay_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/');

	name = name ? name + 1 : argv[0];
	if (!strncmp(name, "fuzz-replay-", 12))
		name += 12;
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0)
			continue; /* a corpus that was never generated */
		if (S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i]);
	}
	printf("replay %s: %lu inputs\n", name, replay_count);
	return 0;
}
