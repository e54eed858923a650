/*
 * config_limits.h - the fixed sizes of the UEFI loader's configuration
 * (BLS entries, loader.conf, load options). Everything is static storage, so
 * these bound what a configuration may hold; each overrun is an error that
 * names the limit, never a silent cut.
 */
#ifndef PVHBOOT_CONFIG_LIMITS_H
#define PVHBOOT_CONFIG_LIMITS_H

/* A path with its NUL: 255 characters of UEFI path. */
#define CONFIG_PATH_MAX 256
/* initrd lines of one entry / initrd= words of the load options. */
#define CONFIG_MAX_INITRDS 16
/* Kernel options (joined) and one configuration line, without the NUL. */
#define CONFIG_OPTIONS_MAX 4096
#define CONFIG_LINE_MAX 4096
/* Entries the menu holds. */
#define CONFIG_MAX_ENTRIES 64
/* An entry id (file name without ".conf") with its NUL. */
#define CONFIG_ID_MAX 128
/* title, version, sort-key with their NUL. */
#define CONFIG_TEXT_MAX 128
/* How much of an unknown key is kept for the warning. */
#define CONFIG_KEY_KEEP 32

#endif
