/*
 * efi_file.h - files on the volume pvhboot.efi was started from (Simple
 * File System protocol): whole small files (configuration), reads at an
 * offset straight into a destination (kernel segments), directory listing.
 */
#ifndef PVHBOOT_EFI_FILE_H
#define PVHBOOT_EFI_FILE_H

#include <efi.h>

#include "lib/env.h"
#include "lib/err.h"

struct efi_file {
	EFI_FILE_HANDLE handle;
	uint64_t size;
	const char *path; /* ASCII, for messages */
};

/* Open the root of the volume the image was loaded from. */
EFI_STATUS efi_volume_open(EFI_HANDLE image, EFI_FILE_HANDLE *root, struct err *err);

/* path: ASCII with '\' separators. */
EFI_STATUS efi_file_open(EFI_FILE_HANDLE root, const char *path, struct efi_file *f,
			 struct err *err);
EFI_STATUS efi_file_read_at(struct efi_file *f, uint64_t off, void *buf, uint64_t len,
			    struct err *err);
void efi_file_close(struct efi_file *f);

/* Read a whole file of at most max bytes into buf; *len gets its size. */
EFI_STATUS efi_file_slurp(EFI_FILE_HANDLE root, const char *path, void *buf, size_t max,
			  size_t *len, struct err *err);

/* Call fn for every regular file in dir whose name ends in suffix (ASCII names). */
EFI_STATUS efi_dir_each(EFI_FILE_HANDLE root, const char *dir, const char *suffix,
			int (*fn)(void *ctx, const char *name), void *ctx, struct err *err);

#endif
