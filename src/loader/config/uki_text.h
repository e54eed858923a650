/*
 * uki_text.h - the text a unified kernel image carries or is given, read as
 * systemd-stub reads it: a section's text (.cmdline, .uname, .osrel: up to
 * its first NUL, trailing blanks dropped), os-release's PRETTY_NAME (the
 * menu title of a type 2 entry), and load options as a command line
 * (UTF-16LE, printable ASCII only). Pure: the UEFI front end (efi_uki.c)
 * calls it on bytes from files and the firmware; tests and fuzzers on
 * buffers.
 */
#ifndef PVHBOOT_UKI_TEXT_H
#define PVHBOOT_UKI_TEXT_H

#include "lib/env.h"

/*
 * src[0, len) into dst (dstsz >= 1), NUL-terminated, cut at the first NUL or
 * at dstsz - 1 bytes, trailing spaces, tabs and line ends dropped; one_line:
 * the remaining tabs and line ends become spaces. src may equal dst.
 */
void uki_text_copy(char *dst, size_t dstsz, const uint8_t *src, uint64_t len, bool one_line);

/*
 * The value of PRETTY_NAME= in the NUL-terminated os-release text, one
 * level of quotes removed, into title (titlesz >= 1). False, title
 * untouched, when there is no such line.
 */
bool uki_osrel_pretty_name(char *title, size_t titlesz, const char *osrel);

/*
 * UTF-16LE load options (bytes long, maybe odd, maybe without a NUL) as a
 * one-line command line in dst (dstsz >= 1). False when they are not text
 * (a character outside printable ASCII, tab and line ends): dst is then "".
 */
bool uki_options_text(char *dst, size_t dstsz, const uint8_t *utf16le, uint32_t bytes);

#endif
