/* fs_images.c - loading the src/fs test images (see fs_images.h). */
#include "fs_images.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

const char *fs_image_path(const char *name)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/../../build/fs-images/%s", TEST_DIR, name);
	return path;
}

uint8_t *fs_image_load(const char *name, size_t *len)
{
	const char *path = fs_image_path(name);
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	cr_assert_not_null(f, "%s missing: run make unit (scripts/mkfs-images.sh)", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert_gt(n, 0, "%s is empty", path);
	rewind(f);
	buf = malloc((size_t)n);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n, "short read of %s", path);
	fclose(f);
	*len = (size_t)n;
	return buf;
}
