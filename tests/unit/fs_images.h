/*
 * fs_images.h - test-only access to the disk images that
 * scripts/mkfs-images.sh makes under build/fs-images (the Makefile builds
 * them before the unit tests), for test_gpt.c and test_fat.c.
 */
#ifndef PVHBOOT_TEST_FS_IMAGES_H
#define PVHBOOT_TEST_FS_IMAGES_H

#include <stddef.h>
#include <stdint.h>

/* The whole file build/fs-images/NAME (malloc'd; the test fails if absent). */
uint8_t *fs_image_load(const char *name, size_t *len);

/* Path of build/fs-images/NAME in a static buffer. */
const char *fs_image_path(const char *name);

#endif
