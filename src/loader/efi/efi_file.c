/*
 * efi_file.c - reading files from the boot volume (see efi_file.h).
 * Caller: the UEFI front end before ExitBootServices.
 */
#include "loader/efi/efi_file.h"
#include "loader/efi/efi_console.h"

#define EFI_PATH_MAX 260

static EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static EFI_GUID simple_fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static EFI_GUID file_info_guid = EFI_FILE_INFO_ID;

static bool ascii_to_ucs2(const char *s, CHAR16 *out, size_t max)
{
	size_t i = 0;

	for (; s[i]; i++) {
		if (i + 1 >= max)
			return false;
		out[i] = (CHAR16)(s[i] == '/' ? '\\' : (uint8_t)s[i]);
	}
	out[i] = 0;
	return true;
}

EFI_STATUS efi_volume_open(EFI_HANDLE image, EFI_FILE_HANDLE *root, struct err *err)
{
	EFI_LOADED_IMAGE *li;
	EFI_FILE_IO_INTERFACE *fs;
	EFI_STATUS st;

	st = uefi_call_wrapper(efi_bs->HandleProtocol, 3, image, &loaded_image_guid, (void **)&li);
	if (EFI_ERROR(st)) {
		err_fail(err, "efi: no LoadedImage protocol on our own image (0x%llx)",
			 (unsigned long long)st);
		return st;
	}
	st = uefi_call_wrapper(efi_bs->HandleProtocol, 3, li->DeviceHandle, &simple_fs_guid,
			       (void **)&fs);
	if (EFI_ERROR(st)) {
		err_fail(err, "efi: the volume pvhboot.efi was loaded from has no file system "
			      "(0x%llx)", (unsigned long long)st);
		return st;
	}
	st = uefi_call_wrapper(fs->OpenVolume, 2, fs, root);
	if (EFI_ERROR(st))
		err_fail(err, "efi: OpenVolume failed (0x%llx)", (unsigned long long)st);
	return st;
}

static EFI_STATUS file_size(EFI_FILE_HANDLE h, uint64_t *size)
{
	union {
		EFI_FILE_INFO info;
		uint8_t raw[sizeof(EFI_FILE_INFO) + 2 * EFI_PATH_MAX];
	} buf;
	UINTN len = sizeof(buf);
	EFI_STATUS st = uefi_call_wrapper(h->GetInfo, 4, h, &file_info_guid, &len, &buf);

	if (!EFI_ERROR(st))
		*size = buf.info.FileSize;
	return st;
}

EFI_STATUS efi_file_open(EFI_FILE_HANDLE root, const char *path, struct efi_file *f,
			 struct err *err)
{
	CHAR16 wpath[EFI_PATH_MAX];
	EFI_STATUS st;

	f->path = path;
	f->handle = NULL;
	if (!ascii_to_ucs2(path, wpath, ARRAY_SIZE(wpath))) {
		err_fail(err, "%s: path longer than %d characters", path, EFI_PATH_MAX - 1);
		return EFI_INVALID_PARAMETER;
	}
	st = uefi_call_wrapper(root->Open, 5, root, &f->handle, wpath, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st)) {
		err_fail(err, "%s: cannot open (%s)", path,
			 st == EFI_NOT_FOUND ? "not found" : "firmware error");
		return st;
	}
	st = file_size(f->handle, &f->size);
	if (EFI_ERROR(st)) {
		err_fail(err, "%s: cannot read its size (0x%llx)", path, (unsigned long long)st);
		efi_file_close(f);
	}
	return st;
}

EFI_STATUS efi_file_read_at(struct efi_file *f, uint64_t off, void *buf, uint64_t len,
			    struct err *err)
{
	EFI_STATUS st = uefi_call_wrapper(f->handle->SetPosition, 2, f->handle, off);
	uint8_t *p = buf;

	if (EFI_ERROR(st)) {
		err_fail(err, "%s: cannot seek to 0x%llx", f->path, (unsigned long long)off);
		return st;
	}
	/* Some firmware file systems return short reads: loop until done. */
	while (len) {
		UINTN chunk = len > (64u << 20) ? (64u << 20) : (UINTN)len;
		st = uefi_call_wrapper(f->handle->Read, 3, f->handle, &chunk, p);
		if (EFI_ERROR(st) || chunk == 0) {
			err_fail(err, "%s: read of 0x%llx bytes at 0x%llx failed (0x%llx)", f->path,
				 (unsigned long long)len, (unsigned long long)off,
				 (unsigned long long)st);
			return EFI_ERROR(st) ? st : EFI_END_OF_FILE;
		}
		p += chunk;
		len -= chunk;
	}
	return EFI_SUCCESS;
}

void efi_file_close(struct efi_file *f)
{
	if (f->handle)
		uefi_call_wrapper(f->handle->Close, 1, f->handle);
	f->handle = NULL;
}

EFI_STATUS efi_file_slurp(EFI_FILE_HANDLE root, const char *path, void *buf, size_t max,
			  size_t *len, struct err *err)
{
	struct efi_file f;
	EFI_STATUS st = efi_file_open(root, path, &f, err);

	if (EFI_ERROR(st))
		return st;
	if (f.size > max) {
		err_fail(err, "%s: %llu bytes, more than the %zu a configuration file may have",
			 path, (unsigned long long)f.size, max);
		efi_file_close(&f);
		return EFI_BAD_BUFFER_SIZE;
	}
	st = efi_file_read_at(&f, 0, buf, f.size, err);
	*len = (size_t)f.size;
	efi_file_close(&f);
	return st;
}

EFI_STATUS efi_dir_each(EFI_FILE_HANDLE root, const char *dir, const char *suffix,
			int (*fn)(void *ctx, const char *name), void *ctx, struct err *err)
{
	struct efi_file d;
	EFI_STATUS st = efi_file_open(root, dir, &d, err);
	size_t slen = strlen(suffix);

	if (EFI_ERROR(st))
		return st;
	for (;;) {
		union {
			EFI_FILE_INFO info;
			uint8_t raw[sizeof(EFI_FILE_INFO) + 2 * EFI_PATH_MAX];
		} buf;
		UINTN len = sizeof(buf);
		char name[EFI_PATH_MAX];
		size_t n = 0;

		st = uefi_call_wrapper(d.handle->Read, 3, d.handle, &len, &buf);
		if (EFI_ERROR(st) || len == 0)
			break;
		if (buf.info.Attribute & EFI_FILE_DIRECTORY)
			continue;
		bool ascii = true;
		for (; buf.info.FileName[n] && n + 1 < sizeof(name); n++) {
			ascii &= buf.info.FileName[n] < 0x80;
			name[n] = (char)buf.info.FileName[n];
		}
		name[n] = '\0';
		if (!ascii || n < slen || memcmp(name + n - slen, suffix, slen) != 0)
			continue;
		if (fn(ctx, name)) {
			efi_file_close(&d);
			return EFI_ABORTED;
		}
	}
	efi_file_close(&d);
	return EFI_SUCCESS;
}
