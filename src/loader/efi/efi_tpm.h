/*
 * efi_tpm.h - measured boot: extending TPM 2.0 PCRs through the firmware's
 * EFI_TCG2_PROTOCOL (HashLogExtendEvent: the firmware hashes the data,
 * extends the PCR of each active bank and logs an EV_IPL event), before
 * ExitBootServices. The event log stays in boot-services memory, which a
 * PVH start does not pass on: with pvhboot.debug each measurement is also
 * printed (PCR, SHA-256 digest, what) so that the console log holds it;
 * otherwise one line says how many went into which PCRs (the digest is
 * computed only to be printed: hashing a 60 MB kernel a second time costs
 * seconds under emulation).
 *
 * Callers: efi_uki.c (a UKI's sections into PCR 11), efi_main.c and
 * efi_boot.c (command line into PCR 12; a type 1 entry's kernel and
 * initrds into PCR 9).
 */
#ifndef PVHBOOT_EFI_TPM_H
#define PVHBOOT_EFI_TPM_H

#include <efi.h>

#include "lib/env.h"

/* The PCRs systemd-stub and systemd-boot use (systemd's docs/TPM2_PCR_MEASUREMENTS.md). */
#define TPM_PCR_KERNEL_CONFIG 12 /* the kernel command line */
#define TPM_PCR_KERNEL_IMAGE 11  /* a UKI's sections */
#define TPM_PCR_KERNEL_INITRD 9  /* what the boot loader loaded: kernel, initrds */

/*
 * Measures data[0, len) into pcr, described by what. Without a TPM nothing
 * happens (said once). A firmware error is printed and the boot goes on:
 * the PCR then does not hold the expected value, which is what sealing
 * against it is for.
 */
void efi_tpm_measure(unsigned pcr, const void *data, uint64_t len, const char *what);

/* With on, each measurement is printed with its digest (pvhboot.debug). */
void efi_tpm_set_verbose(bool on);

/* One line: how many measurements went into which PCRs (nothing without a TPM). */
void efi_tpm_summary(void);

/* The command line as systemd-stub measures load options: UTF-16LE with its NUL. */
void efi_tpm_measure_cmdline(const char *cmdline);

/* Whether the firmware has a TPM 2.0 protocol (says so once when it has not). */
bool efi_tpm_present(void);

/*
 * A whole file into pcr (its contents, as read: a type 1 entry's kernel and
 * initrds into PCR 9). Read once more for this, only when there is a TPM.
 */
void efi_tpm_measure_file(EFI_FILE_HANDLE root, unsigned pcr, const char *path);

#endif
