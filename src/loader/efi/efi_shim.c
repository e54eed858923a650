/*
 * efi_shim.c - see efi_shim.h: shim's verdict on an EFI image, and the
 * firmware's file-authentication hooks overridden for one LoadImage call.
 */
#include "loader/efi/efi_shim.h"
#include "loader/efi/efi_console.h"
#include "loader/efi/efi_secureboot.h"

/* SHIM_LOCK (shim.h): Verify is System V on x86_64 (no EFIAPI in shim). */
struct shim_lock {
	EFI_STATUS (__attribute__((sysv_abi)) *verify)(void *buffer, UINT32 size);
	void *hash;    /* unused here */
	void *context; /* unused here */
};

/* SHIM_IMAGE_LOADER (shim 16, loader-proto.h): shim's own LoadImage and friends. */
struct shim_image_loader {
	void *load_image; /* compared with BootServices->LoadImage, never called */
	void *start_image;
	void *exit;
	void *unload_image;
};

/* EFI_SECURITY_ARCH_PROTOCOL and EFI_SECURITY2_ARCH_PROTOCOL (PI 1.7, vol. 2, 12.8, 12.9). */
struct security_arch {
	EFI_STATUS(EFIAPI *file_authentication_state)(const struct security_arch *self,
						      UINT32 authentication_status,
						      const EFI_DEVICE_PATH *file);
};

struct security2_arch {
	EFI_STATUS(EFIAPI *file_authentication)(const struct security2_arch *self,
						const EFI_DEVICE_PATH *file, VOID *file_buffer,
						UINTN file_size, BOOLEAN boot_policy);
};

static EFI_GUID shim_lock_guid = { 0x605dab50, 0xe046, 0x4300,
				   { 0xab, 0xb6, 0x3d, 0xd8, 0x10, 0xdd, 0x8b, 0x23 } };
static EFI_GUID shim_image_loader_guid = { 0x1f492041, 0xfadb, 0x4e59,
					   { 0x9e, 0x57, 0x7c, 0xaf, 0xe7, 0x3a, 0x55, 0xab } };
static EFI_GUID security_arch_guid = { 0xa46423e3, 0x4617, 0x49f1,
				       { 0xb9, 0xff, 0xd1, 0xbf, 0xa9, 0x11, 0x58, 0x39 } };
static EFI_GUID security2_arch_guid = { 0x94ab2f58, 0x1438, 0x4ef1,
					{ 0x91, 0x52, 0x18, 0x94, 0x1a, 0x3a, 0x0e, 0x68 } };

/* A device path longer than this is treated as malformed (never ours). */
#define DEVICE_PATH_MAX (64u * 1024u)

/* What the override accepts, and what it saw: valid only inside override_install/remove. */
static struct {
	struct security_arch *sec;
	struct security2_arch *sec2;
	EFI_STATUS(EFIAPI *orig_state)(const struct security_arch *, UINT32,
				       const EFI_DEVICE_PATH *);
	EFI_STATUS(EFIAPI *orig_auth)(const struct security2_arch *, const EFI_DEVICE_PATH *,
				      VOID *, UINTN, BOOLEAN);
	const void *buf; /* the bytes shim verified */
	UINTN size;
	const EFI_DEVICE_PATH *dp; /* the path pvhboot passed with them */
	unsigned accepted;         /* how often a hook accepted for shim */
} ovr;

static const char *status_text(EFI_STATUS st)
{
	switch (st) {
	case EFI_SUCCESS:
		return "SUCCESS";
	case EFI_SECURITY_VIOLATION:
		return "SECURITY_VIOLATION";
	case EFI_ACCESS_DENIED:
		return "ACCESS_DENIED";
	case EFI_INVALID_PARAMETER:
		return "INVALID_PARAMETER";
	case EFI_UNSUPPORTED:
		return "UNSUPPORTED";
	case EFI_LOAD_ERROR:
		return "LOAD_ERROR";
	case EFI_NOT_FOUND:
		return "NOT_FOUND";
	default:
		return "error";
	}
}

/* Bytes of a device path up to and with its end node; 0 if malformed. */
static size_t device_path_size(const EFI_DEVICE_PATH *dp)
{
	const uint8_t *p = (const uint8_t *)dp;
	size_t at = 0;

	while (at <= DEVICE_PATH_MAX - 4) {
		size_t n = (size_t)p[at + 2] | (size_t)p[at + 3] << 8;
		if (n < 4 || n > DEVICE_PATH_MAX - at)
			return 0;
		if (p[at] == END_DEVICE_PATH_TYPE && p[at + 1] == END_ENTIRE_DEVICE_PATH_SUBTYPE)
			return at + n;
		at += n;
	}
	return 0;
}

static bool same_device_path(const EFI_DEVICE_PATH *a, const EFI_DEVICE_PATH *b)
{
	size_t na, nb;

	if (!a || !b)
		return false;
	na = device_path_size(a);
	nb = device_path_size(b);
	return na && na == nb && memcmp(a, b, na) == 0;
}

/*
 * Security2: called by LoadImage with the file's bytes. Shim verified these
 * very bytes: accept them; anything else goes to the firmware's check.
 */
static EFI_STATUS EFIAPI override_auth(const struct security2_arch *self,
				       const EFI_DEVICE_PATH *file, VOID *file_buffer,
				       UINTN file_size, BOOLEAN boot_policy)
{
	if (file_buffer == ovr.buf && file_size == ovr.size) {
		ovr.accepted++;
		return EFI_SUCCESS;
	}
	return ovr.orig_auth(self, file, file_buffer, file_size, boot_policy);
}

/*
 * Security (the older hook, which sees only the path): consulted where the
 * firmware has no Security2. LoadImage was handed the verified bytes with
 * this path, and loads those bytes, not the file.
 */
static EFI_STATUS EFIAPI override_state(const struct security_arch *self, UINT32 auth_status,
					const EFI_DEVICE_PATH *file)
{
	if (same_device_path(file, ovr.dp)) {
		ovr.accepted++;
		return EFI_SUCCESS;
	}
	return ovr.orig_state(self, auth_status, file);
}

static void override_install(const void *buf, UINTN size, const EFI_DEVICE_PATH *dp)
{
	memset(&ovr, 0, sizeof(ovr));
	ovr.buf = buf;
	ovr.size = size;
	ovr.dp = dp;
	if (!EFI_ERROR(uefi_call_wrapper(efi_bs->LocateProtocol, 3, &security2_arch_guid, NULL,
					 (void **)&ovr.sec2)) && ovr.sec2) {
		ovr.orig_auth = ovr.sec2->file_authentication;
		ovr.sec2->file_authentication = override_auth;
	} else {
		ovr.sec2 = NULL;
	}
	if (!EFI_ERROR(uefi_call_wrapper(efi_bs->LocateProtocol, 3, &security_arch_guid, NULL,
					 (void **)&ovr.sec)) && ovr.sec) {
		ovr.orig_state = ovr.sec->file_authentication_state;
		ovr.sec->file_authentication_state = override_state;
	} else {
		ovr.sec = NULL;
	}
}

static void override_remove(void)
{
	if (ovr.sec2)
		ovr.sec2->file_authentication = ovr.orig_auth;
	if (ovr.sec)
		ovr.sec->file_authentication_state = ovr.orig_state;
	ovr.sec = NULL;
	ovr.sec2 = NULL;
	ovr.buf = NULL;
	ovr.dp = NULL;
}

/* SHIM_LOCK, looked up once; says once what was found. */
static struct shim_lock *shim_lock(bool *loader_is_shims)
{
	static bool looked;
	static struct shim_lock *lock;
	static bool hooked;

	if (!looked) {
		struct shim_image_loader *loader = NULL;
		looked = true;
		if (EFI_ERROR(uefi_call_wrapper(efi_bs->LocateProtocol, 3, &shim_lock_guid, NULL,
						(void **)&lock)) || !lock || !lock->verify) {
			lock = NULL;
			efi_printf("pvhboot: no shim (no SHIM_LOCK protocol): the firmware's db alone "
				   "verifies images\n");
		} else {
			hooked = !EFI_ERROR(uefi_call_wrapper(efi_bs->LocateProtocol, 3,
							      &shim_image_loader_guid, NULL,
							      (void **)&loader)) &&
				 loader && loader->load_image == (void *)efi_bs->LoadImage;
			efi_printf("pvhboot: shim's SHIM_LOCK protocol found: images shim verifies "
				   "(db, MokList, shim's certificate) may start%s\n",
				   hooked ? "; LoadImage is shim's own loader (shim 16 or later)" : "");
		}
	}
	*loader_is_shims = hooked;
	return lock;
}

/* LoadImage; a SECURITY_VIOLATION handle (loaded, not startable) is unloaded. */
static EFI_STATUS load_image(EFI_HANDLE parent, EFI_DEVICE_PATH *dp, void *buf, UINTN size,
			     EFI_HANDLE *child)
{
	EFI_HANDLE h = NULL;
	EFI_STATUS st = uefi_call_wrapper(efi_bs->LoadImage, 6, FALSE, parent, dp, buf, size, &h);

	if (st == EFI_SECURITY_VIOLATION && h)
		uefi_call_wrapper(efi_bs->UnloadImage, 1, h);
	*child = EFI_ERROR(st) ? NULL : h;
	return st;
}

EFI_STATUS efi_shim_load_image(EFI_HANDLE parent, const char *path, EFI_DEVICE_PATH *dp,
			       void *buf, UINTN size, EFI_HANDLE *child)
{
	struct shim_lock *lock;
	bool shims_loader = false;
	EFI_STATUS verdict, st;

	*child = NULL;
	if (!efi_secure_boot_enabled() || !(lock = shim_lock(&shims_loader)))
		return load_image(parent, dp, buf, size, child);
	if (shims_loader) {
		/*
		 * shim's LoadImage verifies (and measures into PCR 4) by the same
		 * rules as Verify: asking Verify too would measure the image twice.
		 */
		st = load_image(parent, dp, buf, size, child);
		if (EFI_ERROR(st))
			efi_printf("pvhboot: %s: refused by shim's LoadImage: 0x%llx %s\n", path,
				   (unsigned long long)st, status_text(st));
		else
			efi_printf("pvhboot: %s: accepted by shim's LoadImage (db, MokList or "
				   "shim's certificate)\n", path);
		return st;
	}

	/* Verify's size is a UINT32 that shim refuses above INT32_MAX. */
	if (size > 0x7fffffff) {
		verdict = EFI_INVALID_PARAMETER;
		efi_printf("pvhboot: %s: too large for shim's Verify (%llu bytes)\n", path,
			   (unsigned long long)size);
	} else {
		verdict = lock->verify(buf, (UINT32)size);
	}
	if (EFI_ERROR(verdict)) {
		efi_printf("pvhboot: %s: shim refused it: 0x%llx %s; the firmware's db decides\n",
			   path, (unsigned long long)verdict, status_text(verdict));
		st = load_image(parent, dp, buf, size, child);
		if (!EFI_ERROR(st))
			efi_printf("pvhboot: %s: accepted by the firmware (db)\n", path);
		return st;
	}
	efi_printf("pvhboot: %s: shim verified it (SHIM_LOCK Verify: SUCCESS)\n", path);
	override_install(buf, size, dp);
	st = load_image(parent, dp, buf, size, child);
	unsigned accepted = ovr.accepted;
	override_remove();
	if (!EFI_ERROR(st))
		efi_printf("pvhboot: %s: accepted by shim (%s)\n", path,
			   accepted ? "the firmware's check deferred to shim's verdict"
				    : "the firmware's own check passed too");
	return st;
}
