/*
 * efi_image.c - see efi_image.h. The facts followed are systemd-boot's
 * (src/boot/linux.c, initrd.c): the initrds concatenated, each padded to 4
 * bytes, in one buffer served by LoadFile2 on a handle carrying only the
 * vendor media device path; the image's load options a NUL-terminated UCS-2
 * string whose size counts the NUL.
 */
#include "loader/efi/efi_image.h"
#include "lib/fmt.h"
#include "loader/efi/efi_console.h"
#include "loader/efi/efi_file.h"
#include "loader/efi/efi_shim.h"

#define INITRD_ALIGN 4u

static EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static EFI_GUID device_path_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
/* EFI_LOAD_FILE2_PROTOCOL_GUID (UEFI 2.10, 13.2). */
static EFI_GUID load_file2_guid = { 0x4006c0c1, 0xfcb3, 0x403e,
				    { 0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d } };

struct load_file2 {
	EFI_STATUS(EFIAPI *load_file)(struct load_file2 *self, EFI_DEVICE_PATH *path,
				      BOOLEAN boot_policy, UINTN *size, VOID *buf);
};

/*
 * The initrd handle's whole device path: the vendor media node with
 * LINUX_EFI_INITRD_MEDIA_GUID (Linux include/linux/efi.h), then the end node.
 */
static struct __attribute__((packed)) {
	VENDOR_DEVICE_PATH vendor;
	EFI_DEVICE_PATH end;
} initrd_path = {
	{ { MEDIA_DEVICE_PATH, MEDIA_VENDOR_DP, { sizeof(VENDOR_DEVICE_PATH), 0 } },
	  { 0x5568e427, 0x68fc, 0x4f3d, { 0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68 } } },
	{ END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, { sizeof(EFI_DEVICE_PATH), 0 } },
};

static struct {
	uint8_t *data;
	uint64_t size;
} initrds;

static EFI_STATUS EFIAPI initrd_load_file(struct load_file2 *self, EFI_DEVICE_PATH *path,
					  BOOLEAN boot_policy, UINTN *size, VOID *buf)
{
	(void)self;
	(void)path;
	if (boot_policy)
		return EFI_UNSUPPORTED; /* LoadFile2 is never a boot option */
	if (!size)
		return EFI_INVALID_PARAMETER;
	if (!buf || *size < initrds.size) {
		*size = initrds.size;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(buf, initrds.data, initrds.size);
	*size = initrds.size;
	return EFI_SUCCESS;
}

static struct load_file2 initrd_protocol = { initrd_load_file };

bool efi_image_is_pe(EFI_FILE_HANDLE root, const char *path)
{
	struct efi_file f;
	struct err err;
	uint8_t magic[2] = { 0, 0 };
	bool pe;

	err_clear(&err);
	if (EFI_ERROR(efi_file_open(root, path, &f, &err)))
		return false;
	pe = f.size >= 2 && !EFI_ERROR(efi_file_read_at(&f, 0, magic, 2, &err)) &&
	     magic[0] == 'M' && magic[1] == 'Z';
	efi_file_close(&f);
	return pe;
}

static void pool_free(void *p)
{
	if (p)
		uefi_call_wrapper(efi_bs->FreePool, 1, p);
}

/* A whole file into a new pool buffer. */
static EFI_STATUS read_whole(EFI_FILE_HANDLE root, const char *path, void **out, uint64_t *size,
			     struct err *err)
{
	struct efi_file f;
	EFI_STATUS st = efi_file_open(root, path, &f, err);

	*out = NULL;
	if (EFI_ERROR(st))
		return st;
	st = uefi_call_wrapper(efi_bs->AllocatePool, 3, EfiLoaderData, f.size ? f.size : 1, out);
	if (EFI_ERROR(st)) {
		err_fail(err, "%s: no memory for its %llu bytes", path, (unsigned long long)f.size);
	} else {
		st = efi_file_read_at(&f, 0, *out, f.size, err);
		if (EFI_ERROR(st)) {
			pool_free(*out);
			*out = NULL;
		}
	}
	*size = f.size;
	efi_file_close(&f);
	return st;
}

/* Every initrd, in order, each padded to INITRD_ALIGN, in one buffer. */
static EFI_STATUS read_initrds(EFI_FILE_HANDLE root, const struct efi_image_request *req,
			       struct err *err)
{
	uint64_t total = 0;
	EFI_STATUS st;

	initrds.data = NULL;
	initrds.size = 0;
	for (unsigned i = 0; i < req->ninitrds; i++) {
		struct efi_file f;
		st = efi_file_open(root, req->initrd_paths[i], &f, err);
		if (EFI_ERROR(st))
			return st;
		efi_file_close(&f);
		/* Each file fits a UINTN-sized read; the sum of 16 cannot wrap 64 bits. */
		total = (total + INITRD_ALIGN - 1) / INITRD_ALIGN * INITRD_ALIGN + f.size;
	}
	if (!total)
		return EFI_SUCCESS;
	st = uefi_call_wrapper(efi_bs->AllocatePool, 3, EfiLoaderData, total, (void **)&initrds.data);
	if (EFI_ERROR(st)) {
		err_fail(err, "no memory for the initrds' %llu bytes", (unsigned long long)total);
		return st;
	}
	uint64_t at = 0;
	for (unsigned i = 0; i < req->ninitrds; i++) {
		struct efi_file f;
		uint64_t pad = (at + INITRD_ALIGN - 1) / INITRD_ALIGN * INITRD_ALIGN - at;
		memset(initrds.data + at, 0, pad);
		at += pad;
		st = efi_file_open(root, req->initrd_paths[i], &f, err);
		if (!EFI_ERROR(st) && f.size > total - at) {
			err_fail(err, "%s: grew to %llu bytes while being read", f.path,
				 (unsigned long long)f.size);
			st = EFI_LOAD_ERROR;
		}
		if (!EFI_ERROR(st))
			st = efi_file_read_at(&f, 0, initrds.data + at, f.size, err);
		if (!EFI_ERROR(st)) {
			at += f.size;
			efi_printf("pvhboot:   initrd %s: %llu bytes\n", req->initrd_paths[i],
				   (unsigned long long)f.size);
		}
		efi_file_close(&f);
		if (EFI_ERROR(st)) {
			pool_free(initrds.data);
			initrds.data = NULL;
			return st;
		}
	}
	initrds.size = at;
	return EFI_SUCCESS;
}

/* The device path of the file: our volume's device path, then a file path node. */
static EFI_DEVICE_PATH *file_device_path(EFI_HANDLE parent, const char *path, struct err *err)
{
	EFI_LOADED_IMAGE *li;
	EFI_DEVICE_PATH *dev, *p, *out = NULL;
	size_t dev_len = 0, name_len = strlen(path) + 1;
	size_t node_len = 4 + 2 * name_len;

	if (EFI_ERROR(uefi_call_wrapper(efi_bs->HandleProtocol, 3, parent, &loaded_image_guid,
					(void **)&li)) ||
	    EFI_ERROR(uefi_call_wrapper(efi_bs->HandleProtocol, 3, li->DeviceHandle,
					&device_path_guid, (void **)&dev))) {
		err_fail(err, "%s: our volume has no device path", path);
		return NULL;
	}
	for (p = dev; !(p->Type == END_DEVICE_PATH_TYPE && p->SubType == END_ENTIRE_DEVICE_PATH_SUBTYPE);) {
		size_t n = (size_t)p->Length[0] | (size_t)p->Length[1] << 8;
		if (n < 4 || dev_len > 64 * 1024) {
			err_fail(err, "%s: our volume's device path is malformed", path);
			return NULL;
		}
		dev_len += n;
		p = (EFI_DEVICE_PATH *)((uint8_t *)p + n);
	}
	if (node_len > 0xffff ||
	    EFI_ERROR(uefi_call_wrapper(efi_bs->AllocatePool, 3, EfiLoaderData,
					dev_len + node_len + 4, (void **)&out))) {
		err_fail(err, "%s: no device path for it", path);
		return NULL;
	}
	uint8_t *b = (uint8_t *)out;
	memcpy(b, dev, dev_len);
	b += dev_len;
	b[0] = MEDIA_DEVICE_PATH;
	b[1] = MEDIA_FILEPATH_DP;
	b[2] = (uint8_t)node_len;
	b[3] = (uint8_t)(node_len >> 8);
	for (size_t i = 0; i < name_len; i++) {
		b[4 + 2 * i] = (uint8_t)path[i];
		b[5 + 2 * i] = 0;
	}
	b += node_len;
	b[0] = END_DEVICE_PATH_TYPE;
	b[1] = END_ENTIRE_DEVICE_PATH_SUBTYPE;
	b[2] = 4;
	b[3] = 0;
	return out;
}

/*
 * LoadImage's refusals under Secure Boot: EDK2 (OVMF) returns ACCESS_DENIED
 * for an image whose signature does not verify against db; the
 * specification also allows SECURITY_VIOLATION (loaded, but not startable).
 */
static const char *status_name(EFI_STATUS st)
{
	switch (st) {
	case EFI_SECURITY_VIOLATION:
		return "SECURITY_VIOLATION: Secure Boot verification failed (unsigned, signed by "
		       "a key not in db nor, under shim, in MokList, or changed since signing)";
	case EFI_ACCESS_DENIED:
		return "ACCESS_DENIED: the firmware's policy refused it; under Secure Boot: "
		       "unsigned, signed by a key not in db nor, under shim, in MokList, or "
		       "changed since signing";
	case EFI_UNSUPPORTED:
		return "UNSUPPORTED: not an image this firmware can run";
	case EFI_LOAD_ERROR:
		return "LOAD_ERROR: not a valid PE image";
	case EFI_OUT_OF_RESOURCES:
		return "OUT_OF_RESOURCES";
	default:
		return "error";
	}
}

EFI_STATUS efi_image_start(EFI_HANDLE parent, EFI_FILE_HANDLE root,
			   const struct efi_image_request *req, struct err *err)
{
	void *file = NULL;
	uint64_t file_size = 0;
	EFI_DEVICE_PATH *dp;
	EFI_HANDLE child = NULL, initrd_handle = NULL;
	CHAR16 *options = NULL;
	EFI_LOADED_IMAGE *child_li;
	EFI_STATUS st;

	dp = file_device_path(parent, req->path, err);
	if (!dp)
		return EFI_OUT_OF_RESOURCES;
	st = read_whole(root, req->path, &file, &file_size, err);
	if (EFI_ERROR(st)) {
		pool_free(dp);
		return st;
	}
	efi_printf("pvhboot: EFI image %s: %llu bytes: LoadImage\n", req->path,
		   (unsigned long long)file_size);
	/* Under Secure Boot with shim, shim's verdict counts too (efi_shim.c). */
	st = efi_shim_load_image(parent, req->path, dp, file, file_size, &child);
	pool_free(file);
	pool_free(dp);
	if (EFI_ERROR(st)) {
		err_fail(err, "%s: LoadImage refused it: 0x%llx %s", req->path,
			 (unsigned long long)st, status_name(st));
		return st;
	}
	/* The firmware copied it: from here on the child is ours to unload. */
	st = read_initrds(root, req, err);
	if (EFI_ERROR(st))
		goto out;

	size_t n = strlen(req->cmdline);
	if (EFI_ERROR(uefi_call_wrapper(efi_bs->HandleProtocol, 3, child, &loaded_image_guid,
					(void **)&child_li))) {
		err_fail(err, "%s: the loaded image has no LoadedImage protocol", req->path);
		st = EFI_LOAD_ERROR;
		goto out;
	}
	if (n) {
		st = uefi_call_wrapper(efi_bs->AllocatePool, 3, EfiLoaderData, 2 * (n + 1),
				       (void **)&options);
		if (EFI_ERROR(st)) {
			err_fail(err, "no memory for the load options");
			goto out;
		}
		for (size_t i = 0; i <= n; i++)
			options[i] = (unsigned char)req->cmdline[i];
		child_li->LoadOptions = options;
		child_li->LoadOptionsSize = (UINT32)(2 * (n + 1));
	}
	if (initrds.size) {
		st = uefi_call_wrapper(efi_bs->InstallProtocolInterface, 4, &initrd_handle,
				       &device_path_guid, EFI_NATIVE_INTERFACE, &initrd_path);
		if (!EFI_ERROR(st)) {
			st = uefi_call_wrapper(efi_bs->InstallProtocolInterface, 4, &initrd_handle,
					       &load_file2_guid, EFI_NATIVE_INTERFACE,
					       &initrd_protocol);
			if (EFI_ERROR(st))
				uefi_call_wrapper(efi_bs->UninstallProtocolInterface, 3, initrd_handle,
						  &device_path_guid, &initrd_path);
		}
		if (EFI_ERROR(st)) {
			/* Another loader's initrd handle may be there: never serve two. */
			err_fail(err, "installing the initrd LoadFile2 handle failed (0x%llx)",
				 (unsigned long long)st);
			initrd_handle = NULL;
			goto out;
		}
		efi_printf("pvhboot:   %llu bytes of initrd offered as LINUX_EFI_INITRD_MEDIA\n",
			   (unsigned long long)initrds.size);
	}
	efi_printf("pvhboot:   options '%s'\n", req->cmdline);
	efi_printf("pvhboot: StartImage %s\n", req->path);
	st = uefi_call_wrapper(efi_bs->StartImage, 3, child, NULL, NULL);
	/* StartImage unloads an image that returns from its entry point. */
	child = NULL;
	/* Its own status (a deferred Secure Boot refusal is StartImage's SECURITY_VIOLATION). */
	err_fail(err, "%s: the image returned 0x%llx%s", req->path, (unsigned long long)st,
		 st == EFI_SECURITY_VIOLATION ? " SECURITY_VIOLATION: the firmware refused to run it"
		 : EFI_ERROR(st) ? " (its own error: see its messages above)" : " (success)");
	if (!EFI_ERROR(st))
		st = EFI_LOAD_ERROR; /* nothing booted: let the firmware try its next option */
out:
	if (initrd_handle) {
		uefi_call_wrapper(efi_bs->UninstallProtocolInterface, 3, initrd_handle,
				  &load_file2_guid, &initrd_protocol);
		uefi_call_wrapper(efi_bs->UninstallProtocolInterface, 3, initrd_handle,
				  &device_path_guid, &initrd_path);
	}
	if (child)
		uefi_call_wrapper(efi_bs->UnloadImage, 1, child);
	pool_free(options);
	pool_free(initrds.data);
	initrds.data = NULL;
	initrds.size = 0;
	return st;
}
