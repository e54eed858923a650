# pvhboot - one entry point. `make help` lists the targets.
#
# Three flag sets, each declared once:
#   FREE32  freestanding i386 objects for the boot images (loader, guest)
#   HOST    hosted objects for the host tools
#   SAN     hosted objects with ASan+UBSan for unit tests and fuzz replay
# The core (src/lib, src/elf, src/pvh, src/fs) is compiled in all three from the same
# sources; src/lib/env.h is the only file that knows which.

MAKEFLAGS += -rR
.DELETE_ON_ERROR:
.SUFFIXES:

B := build
V ?= 0
ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-7s %s\n' $(1) $(2)
endif

CC       := gcc
CLANG    := clang
LD       := ld
OBJCOPY  := objcopy
GCC_INC  := $(shell $(CC) -m32 -print-file-name=include)
LIBGCC32 := $(shell $(CC) -m32 -print-libgcc-file-name)

LDFLAGS32 := -m elf_i386 -z noexecstack

XEN_INC_DIR := /usr/include/xen
XEN_LINK    := $(B)/include/xen

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CORE_WARN := -Wconversion
# The Xen public headers give their newest ABI only when asked (xen-compat.h).
COMMON    := -std=gnu11 -g -Isrc -isystem $(B)/include -MMD -MP -D__XEN_INTERFACE_VERSION__=0x00040e00

FREE32_CFLAGS := $(COMMON) $(WARN) -m32 -march=i686 -O2 -ffreestanding -nostdinc \
	-isystem $(GCC_INC) -fno-pic -fno-pie -fno-stack-protector -fno-builtin \
	-fno-asynchronous-unwind-tables -mgeneral-regs-only -fcf-protection=none \
	-fno-delete-null-pointer-checks
FREE32_ASFLAGS := -m32 -Isrc -isystem $(B)/include -MMD -MP -D__ASSEMBLY__
# UEFI (GNU-EFI): position-independent, Microsoft x64 calls, no red zone, no SSE.
GCC_INC64 := $(shell $(CC) -print-file-name=include)
LIBGCC64  := $(shell $(CC) -print-libgcc-file-name)
EFI_INC   := /usr/include/efi
EFI_LIB   := /usr/lib
EFI64_CFLAGS := $(COMMON) $(WARN) -m64 -O2 -ffreestanding -nostdinc -isystem $(GCC_INC64) \
	-isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 -fPIC -fshort-wchar -mno-red-zone \
	-mno-sse -mno-mmx -mgeneral-regs-only -maccumulate-outgoing-args -fcf-protection=none \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin -DGNU_EFI_USE_MS_ABI \
	-fno-delete-null-pointer-checks
EFI64_ASFLAGS := -m64 -Isrc -isystem $(B)/include -MMD -MP -D__ASSEMBLY__
# TOOL_CFLAGS / TOOL_LDFLAGS: the distribution's flags for the host tools only
# (debian/rules passes dpkg-buildflags' hardening flags here).
TOOL_CFLAGS  ?=
TOOL_LDFLAGS ?=
HOST_CFLAGS := $(COMMON) $(WARN) -O2 -D_GNU_SOURCE
SAN_CFLAGS  := $(COMMON) $(WARN) -O1 -D_GNU_SOURCE -DTEST_DIR='"$(CURDIR)/tests/unit"' -fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_LDFLAGS := -fsanitize=address,undefined

# --- sources -----------------------------------------------------------------
CORE_SRCS   := $(sort $(wildcard src/lib/*.c src/elf/*.c src/pvh/*.c))
# src/fs: the on-disk readers (GPT/MBR partitions, FAT12/16/32) over a read
# callback; pure like the rest of the core, same flags, same layering link.
CORE_SRCS   += $(sort $(wildcard src/fs/*.c))
# Loader files that are pure functions over buffers: also built hosted, so the
# unit tests and fuzzers reach them.
# src/xenbus: the xenstore and blkif wire rules, pure, under the Xen drivers of src/xen.
LOADER_PURE := $(sort $(wildcard src/loader/common/*.c src/loader/multiboot/*.c src/loader/config/*.c \
	src/xenbus/*.c))
# src/xen/*.c: Xen-guest helpers, freestanding i386 only (not core, not hosted).
# src/hw/*.c: the hardware primitives (port I/O, PCI, virtio), the only files
# that touch devices; freestanding i386 only, they include nothing of src/loader/.
# src/loader/disk/*.c: firmware mode (boot from the guest's disk), over hw and fs.
LOADER_HW   := $(sort $(wildcard src/loader/*.c src/loader/pvh/*.c src/xen/*.c src/hw/*.c \
	src/loader/disk/*.c))
LOADER_ASM  := $(sort $(wildcard src/loader/*.S))
MBHDR_ASM   := src/loader/multiboot/header.S
GUEST_SRCS  := $(sort $(wildcard tests/guest/*.c))
GUEST_ASM   := $(sort $(wildcard tests/guest/*.S))
UNIT_SRCS   := $(sort $(wildcard tests/unit/*.c))
FUZZ_SRCS   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))

EFI_SRCS    := $(sort $(wildcard src/loader/efi/*.c src/loader/efi/*.S)) src/loader/handoff.S
EFI_PURE    := $(sort $(wildcard src/loader/common/*.c src/loader/config/*.c))

efi64  = $(patsubst %.c,$(B)/efi64/%.o,$(patsubst %.S,$(B)/efi64/%.o,$(1)))
free32 = $(patsubst %.c,$(B)/free32/%.o,$(patsubst %.S,$(B)/free32/%.o,$(1)))
host   = $(patsubst %.c,$(B)/host/%.o,$(1))
san    = $(patsubst %.c,$(B)/san/%.o,$(1))

CORE_FREE32   := $(call free32,$(CORE_SRCS))
LOADER_FREE32 := $(call free32,$(LOADER_PURE) $(LOADER_HW) $(LOADER_ASM))
CONSOLE_FREE32 := $(call free32,src/loader/console.c src/hw/portio.c)

IMAGES := $(B)/pvhboot.elf $(B)/pvhboot-pvh.elf $(B)/pvh-testguest.elf $(B)/pvh-testguest-1m.elf $(B)/pvhboot.efi
TOOLS  := $(B)/pvh-inspect $(B)/pvh-bundle $(B)/pvh-extract $(B)/pvh-ukify

.PHONY: all check unit fuzz-replay fuzz boot-tests demo deps kernel xen help clean lint layering
all: $(TOOLS) $(IMAGES) layering

help:
	@echo 'pvhboot targets:'
	@echo '  make             build images (pvhboot.elf, pvhboot-pvh.elf, pvhboot.efi, the guest) and tools'
	@echo '  make check       install test dependencies, build, run every test'
	@echo '  make demo        boot Debian'"'"'s kernel to userspace through OVMF + pvhboot.efi, then time the paths'
	@echo '  make unit        host unit tests of the core (ASan+UBSan)'
	@echo '  make fuzz        run each fuzz target with libFuzzer (FUZZ_SECONDS=N, default 30)'
	@echo '  make fuzz-replay replay the seed corpus and tests/fuzz/regress under ASan+UBSan'
	@echo '  make lint        cppcheck and clang-tidy over src/ and tests/'
	@echo '  make boot-tests  QEMU boot tests of every entry path'
	@echo '  make check-os    a Debian 12 image (mmdebstrap, the .deb, apt kernels) boots to login: OVMF (removable path and'
	@echo '                   firmware boot entry), GRUB EFI, GRUB BIOS, firmware mode (tests/os/firmware.sh), signed'
	@echo '                   UKIs of the hooks under Secure Boot (tests/os/secureboot.sh; OS_SECUREBOOT=0 leaves it out)'
	@echo '  make debian-image  build (or find cached) that image: cache/image-*/disk.img, layout.env'
	@echo '  make check-os-variant  the same paths on an image laid out otherwise (MBR, ESP at /efi, cloud kernels)'
	@echo '  make bench       time-to-userspace of pvhboot vs QEMU/OVMF/GRUB boots, loader vs copy floor (BENCH_ARGS="--runs N")'
	@echo '  make kernel      fetch and extract Debian 12'"'"'s vmlinux into cache/'
	@echo '  make xen         fetch Debian 12'"'"'s Xen 4.17 hypervisor into cache/xen/'
	@echo '  make deps        apt-get install what the build and tests need'
	@echo '  make deb         build/deb/pvhboot_VERSION_amd64.deb (Debian package: images, tools, hooks)'
	@echo '  make check-deb   build the package and test it: lintian, contents, hooks on a scratch root'
	@echo '  make install     PREFIX=/usr DESTDIR=DIR: images, tools, hooks, man pages (other distributions)'
	@echo '  make clean       remove build/'
	@echo 'Images: build/pvhboot.elf (multiboot1/2 + PVH), build/pvhboot-pvh.elf (PVH only),'
	@echo '        build/pvhboot.efi (UEFI), build/pvh-testguest.elf (conformance guest),'
	@echo '        build/pvh-testguest-1m.elf (the same linked at 1 MiB, over the loader).'
	@echo 'Tools:  build/pvh-inspect, build/pvh-bundle, build/pvh-extract (the PVH ELF out of a bzImage),'
	@echo '        build/pvh-ukify (a signed-ready unified kernel image).'
	@echo 'Scripts: scripts/fetch-kernel.sh, fetch-xen.sh, mkinitramfs.sh, mkesp.sh, mkgrub-iso.sh,'
	@echo '        mkhostile.sh, mkdom0-initramfs.sh, mkgrub-pvh.sh (GRUB'"'"'s Xen PVH image, at 1 MiB)'
	@echo '        (see README); mkfs-images.sh (disk images for the GPT/FAT unit tests, run by'
	@echo '        make unit), gen-fs-seeds.sh (fuzz seeds gpt, fat),'
	@echo '        fetch-kernel-variant.sh (Debian 6.12 and cloud kernels), mkdebian-image.sh (the'
	@echo '        check-os image), apt-download.sh (apt-get download with its progress),'
	@echo '        fetch-ovmf.sh SUITE (another Debian suite'"'"'s OVMF into cache/ovmf-SUITE/, host apt untouched).'
	@echo 'Variables: V=1 shows commands.'

deps:
	$(Q)scripts/install-deps.sh

kernel:
	$(Q)scripts/fetch-kernel.sh

xen:
	$(Q)scripts/fetch-xen.sh

$(XEN_LINK):
	@test -f $(XEN_INC_DIR)/arch-x86/hvm/start_info.h || \
	  { echo "error: Xen public headers missing: apt-get install libxen-dev (or make deps)"; exit 1; }
	$(Q)mkdir -p $(@D) && ln -sfn $(XEN_INC_DIR) $@

# --- compile rules -------------------------------------------------------------
$(B)/free32/src/elf/%.o $(B)/free32/src/pvh/%.o $(B)/free32/src/fs/%.o: private EXTRA = $(CORE_WARN)
$(B)/host/src/elf/%.o $(B)/host/src/pvh/%.o $(B)/host/src/fs/%.o: private EXTRA = $(CORE_WARN)
$(B)/san/src/elf/%.o $(B)/san/src/pvh/%.o $(B)/san/src/fs/%.o: private EXTRA = $(CORE_WARN)

$(B)/free32/%.o: %.c | $(XEN_LINK)
	$(call msg,CC32,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(FREE32_CFLAGS) $(EXTRA) -c $< -o $@

$(B)/free32/%.o: %.S | $(XEN_LINK)
	$(call msg,AS32,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(FREE32_ASFLAGS) -c $< -o $@

$(B)/efi64/src/elf/%.o $(B)/efi64/src/pvh/%.o $(B)/efi64/src/fs/%.o: private EXTRA = $(CORE_WARN)

$(B)/efi64/%.o: %.c | $(XEN_LINK)
	$(call msg,CCEFI,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(EFI64_CFLAGS) $(EXTRA) -c $< -o $@

$(B)/efi64/%.o: %.S | $(XEN_LINK)
	$(call msg,ASEFI,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(EFI64_ASFLAGS) -c $< -o $@

$(B)/host/%.o: %.c | $(XEN_LINK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(HOST_CFLAGS) $(TOOL_CFLAGS) $(EXTRA) -c $< -o $@

$(B)/san/%.o: %.c | $(XEN_LINK)
	$(call msg,CCSAN,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(SAN_CFLAGS) $(EXTRA) -c $< -o $@

# --- layering: the core links alone, with every unresolved symbol fatal -------
layering: $(B)/core-layering.elf
$(B)/core-layering.elf: $(CORE_FREE32)
	$(call msg,LAYER,$@)
	$(Q)$(LD) $(LDFLAGS32) -e 0 --gc-sections -o $@ $^ $(LIBGCC32) || \
	  { echo "error: the core (src/lib, src/elf, src/pvh, src/fs) must not call loader or firmware code"; exit 1; }

# --- images ----------------------------------------------------------------------
$(B)/pvhboot.elf: $(call free32,$(MBHDR_ASM)) $(LOADER_FREE32) $(CORE_FREE32) src/loader/pvhboot.ld
	$(call msg,LD,$@)
	$(Q)$(LD) $(LDFLAGS32) -T src/loader/pvhboot.ld -o $@ $(filter %.o,$^) $(LIBGCC32)
	$(Q)scripts/check-image.sh $@ multiboot

$(B)/pvhboot-pvh.elf: $(LOADER_FREE32) $(CORE_FREE32) src/loader/pvhboot.ld
	$(call msg,LD,$@)
	$(Q)$(LD) $(LDFLAGS32) -T src/loader/pvhboot.ld -o $@ $(filter %.o,$^) $(LIBGCC32)
	$(Q)scripts/check-image.sh $@ pvh

$(B)/pvh-testguest.elf: $(call free32,$(GUEST_ASM) $(GUEST_SRCS)) $(CONSOLE_FREE32) $(CORE_FREE32) tests/guest/guest.ld
	$(call msg,LD,$@)
	$(Q)$(LD) $(LDFLAGS32) -T tests/guest/guest.ld --gc-sections -o $@ $(filter %.o,$^) $(LIBGCC32)

# The same objects linked at 1 MiB, where pvhboot.elf itself runs: kernels
# linked at or over the loader (tests/boot/placement.sh).
$(B)/pvh-testguest-1m.elf: $(call free32,$(GUEST_ASM) $(GUEST_SRCS)) $(CONSOLE_FREE32) $(CORE_FREE32) tests/guest/guest.ld
	$(call msg,LD,$@)
	$(Q)$(LD) $(LDFLAGS32) --defsym GUEST_BASE=0x100000 -T tests/guest/guest.ld --gc-sections -o $@ $(filter %.o,$^) $(LIBGCC32)

# The UEFI application: a shared object linked with GNU-EFI's crt0 and script,
# then converted to PE32+ (subsystem 10, EFI application).
$(B)/pvhboot-efi.so: $(call efi64,$(EFI_SRCS) $(EFI_PURE) $(CORE_SRCS))
	$(call msg,LD,$@)
	@test -f $(EFI_LIB)/crt0-efi-x86_64.o || { echo "error: GNU-EFI missing: apt-get install gnu-efi (or make deps)"; exit 1; }
	$(Q)$(LD) -nostdlib -znocombreloc -z noexecstack -T $(EFI_LIB)/elf_x86_64_efi.lds -shared \
	  -Bsymbolic --no-undefined $(EFI_LIB)/crt0-efi-x86_64.o $^ -L$(EFI_LIB) -lefi -lgnuefi \
	  $(LIBGCC64) -o $@

$(B)/pvhboot.efi: $(B)/pvhboot-efi.so
	$(call msg,OBJCOPY,$@)
	$(Q)$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j .sbat \
	  -j .rel.* -j .rela.* -j .reloc --target efi-app-x86_64 --subsystem=10 $< $@
	$(Q)scripts/check-image.sh $@ efi

# --- host tools --------------------------------------------------------------------
$(B)/pvh-inspect: $(call host,src/tools/pvh-inspect.c $(CORE_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(TOOL_LDFLAGS) -o $@ $^

$(B)/pvh-bundle: $(call host,src/tools/pvh-bundle.c $(CORE_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(TOOL_LDFLAGS) -o $@ $^

# pvh-extract: the PVH ELF out of a bzImage. It links Debian's decompression
# libraries (the loader decompresses nothing); the probe says what to install.
EXTRACT_LIBS := -llzma -llz4 -lzstd -lz -lbz2
EXTRACT_HDRS := lzma.h lz4.h zstd.h zlib.h bzlib.h
.PHONY: extract-libs
extract-libs:
	@for h in $(EXTRACT_HDRS); do test -f /usr/include/$$h || { echo "error: /usr/include/$$h missing: \
	  apt-get install liblzma-dev liblz4-dev libzstd-dev zlib1g-dev libbz2-dev (or make deps)"; exit 1; }; done
$(B)/host/src/tools/pvh-extract.o $(B)/host/src/tools/decompress.o: | extract-libs
$(B)/pvh-extract: $(call host,src/tools/pvh-extract.c src/tools/decompress.c $(CORE_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(TOOL_LDFLAGS) -o $@ $^ $(EXTRACT_LIBS)

$(B)/pvh-ukify: $(call host,src/tools/pvh-ukify.c $(CORE_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(TOOL_LDFLAGS) -o $@ $^

# --- tests ---------------------------------------------------------------------------
# Disk images for the src/fs tests (test_gpt.c, test_fat.c), made by mkfs.vfat,
# mtools and sgdisk; order-only so that a new image does not relink the tests.
FS_IMAGES := $(B)/fs-images/stamp
$(FS_IMAGES): scripts/mkfs-images.sh
	$(call msg,IMAGES,$(@D))
	$(Q)scripts/mkfs-images.sh $(@D) && touch $@

$(B)/unit-tests: $(call san,$(UNIT_SRCS) $(CORE_SRCS) $(LOADER_PURE)) | $(FS_IMAGES)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(SAN_LDFLAGS) -o $@ $^ -lcriterion

# Named only through the pattern rule below, these would be intermediates
# that make deletes after linking; keep them so a replay relinks, not recompiles.
.SECONDARY: $(call san,$(FUZZ_SRCS) tests/fuzz/replay_main.c) $(addprefix $(B)/fuzz-replay-,$(FUZZ_TARGETS))
$(B)/fuzz-replay-%: $(call san,tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c $(CORE_SRCS) $(LOADER_PURE))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(SAN_LDFLAGS) -o $@ $^

# The tools too: test_inspect.c and test_extract.c run them.
unit: $(B)/unit-tests $(TOOLS)
	$(Q)PVH_TEST_VMLINUX=$(CURDIR)/cache/kernel/vmlinux $(B)/unit-tests

# One target's inputs: committed seeds, generated seeds, kept crashes. The
# one place that lists them (tests/run-all.sh calls replay-NAME too).
replay-%: $(B)/fuzz-replay-%
	$(Q)$< tests/fuzz/corpus/$* $(B)/fuzz-corpus/$* tests/fuzz/regress/$*

fuzz-replay: $(addprefix replay-,$(FUZZ_TARGETS))

FUZZ_SECONDS ?= 30
fuzz:
	$(Q)scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# cppcheck + clang-tidy over src/ and tests/; suppressions are justified in
# .clang-tidy and scripts/cppcheck.supp.
lint:
	$(Q)scripts/lint.sh

boot-tests: all
	$(Q)tests/boot/run.sh

# Besides the default kernel, two more of Debian's for the tests that need
# another kind: 6.12 (zstd payload, relocatable), cloud (lz4 payload).
check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/fetch-kernel.sh || echo "check: the kernel could not be fetched; its tests will say so"
	$(Q)for v in 6.12 cloud; do scripts/fetch-kernel-variant.sh $$v || \
	  echo "check: the $$v kernel could not be fetched; its tests will say so"; done
	$(Q)tests/run-all.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo.sh

clean:
	rm -rf $(B)

# --- benchmarks (make bench; never part of all or check) -------------------------
# The loader again with -DPVHBOOT_BENCH: TSC probes at entry, around a copy
# floor and in the hand-off stub. Only the loader's own objects differ.
.PHONY: bench
BENCH_ARGS ?=
bench32 = $(patsubst %.c,$(B)/bench/free32/%.o,$(patsubst %.S,$(B)/bench/free32/%.o,$(1)))
BENCH_LOADER := $(call bench32,$(LOADER_PURE) $(LOADER_HW) $(LOADER_ASM))

$(B)/bench/free32/%.o: %.c | $(XEN_LINK)
	$(call msg,CC32,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(FREE32_CFLAGS) -DPVHBOOT_BENCH -c $< -o $@

$(B)/bench/free32/%.o: %.S | $(XEN_LINK)
	$(call msg,AS32,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(FREE32_ASFLAGS) -DPVHBOOT_BENCH -c $< -o $@

$(B)/bench/pvhboot.elf: $(call bench32,$(MBHDR_ASM)) $(BENCH_LOADER) $(CORE_FREE32) src/loader/pvhboot.ld
	$(call msg,LD,$@)
	$(Q)$(LD) $(LDFLAGS32) -T src/loader/pvhboot.ld -o $@ $(filter %.o,$^) $(LIBGCC32)
	$(Q)scripts/check-image.sh $@ multiboot

$(B)/bench/pvhboot-pvh.elf: $(BENCH_LOADER) $(CORE_FREE32) src/loader/pvhboot.ld
	$(call msg,LD,$@)
	$(Q)$(LD) $(LDFLAGS32) -T src/loader/pvhboot.ld -o $@ $(filter %.o,$^) $(LIBGCC32)
	$(Q)scripts/check-image.sh $@ pvh

$(B)/bench/stamp: bench/stamp.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(HOST_CFLAGS) -o $@ $<

bench: $(B)/bench/stamp $(B)/bench/pvhboot.elf $(B)/bench/pvhboot-pvh.elf $(B)/pvhboot.elf \
	$(B)/pvhboot-pvh.elf $(B)/pvhboot.efi $(B)/pvh-bundle
	$(Q)bench/bench.sh $(BENCH_ARGS)

# --- install and the Debian package ---------------------------------------------
# make install PREFIX=/usr DESTDIR=DIR: images, tools, pvhboot-install, the
# kernel and initramfs hooks, the GRUB script, /etc/default/pvhboot,
# /etc/pvhboot/uki.conf (the signing key of unified kernel images), man pages.
# Hooks and configuration go to SYSCONFDIR (/etc: where run-parts and
# grub-mkconfig look, whatever PREFIX is). debian/rules calls this target.
# make deb: build/deb/pvhboot_VERSION_amd64.deb (dpkg-buildpackage -b on a copy
# of the tree under build/deb/, as it writes into the parent directory: git's
# files, or without git every file but build/ and cache/).
.PHONY: install deb check-deb
PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
DESTDIR    ?=
PKGLIBDIR  := $(PREFIX)/lib/pvhboot
MAN_PAGES  := $(sort $(wildcard man/*.[1-8]))
PKG_SCRIPTS := pkg/pvhboot-install pkg/hooks/kernel-postinst pkg/hooks/kernel-postrm \
	pkg/hooks/initramfs-post-update pkg/grub/25_pvhboot
# The installed scripts learn where the images and pvhboot-install live.
pkg_subst = sed -e 's|@PKGLIBDIR@|$(PKGLIBDIR)|g' -e 's|@SBINDIR@|$(PREFIX)/sbin|g' \
	-e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'

install: $(TOOLS) $(B)/pvhboot.elf $(B)/pvhboot-pvh.elf $(B)/pvhboot.efi
	install -d $(DESTDIR)$(PKGLIBDIR) $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin \
	  $(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d $(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d \
	  $(DESTDIR)$(SYSCONFDIR)/initramfs/post-update.d $(DESTDIR)$(SYSCONFDIR)/grub.d \
	  $(DESTDIR)$(SYSCONFDIR)/default
	install -m 644 $(B)/pvhboot.elf $(B)/pvhboot-pvh.elf $(B)/pvhboot.efi $(DESTDIR)$(PKGLIBDIR)/
	install -m 755 $(TOOLS) $(DESTDIR)$(PREFIX)/bin/
	$(pkg_subst) pkg/pvhboot-install >$(DESTDIR)$(PREFIX)/sbin/pvhboot-install
	$(pkg_subst) pkg/hooks/kernel-postinst >$(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/zz-pvhboot
	$(pkg_subst) pkg/hooks/kernel-postrm >$(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d/zz-pvhboot
	$(pkg_subst) pkg/hooks/initramfs-post-update >$(DESTDIR)$(SYSCONFDIR)/initramfs/post-update.d/pvhboot
	$(pkg_subst) pkg/grub/25_pvhboot >$(DESTDIR)$(SYSCONFDIR)/grub.d/25_pvhboot
	chmod 755 $(DESTDIR)$(PREFIX)/sbin/pvhboot-install $(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/zz-pvhboot \
	  $(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d/zz-pvhboot \
	  $(DESTDIR)$(SYSCONFDIR)/initramfs/post-update.d/pvhboot $(DESTDIR)$(SYSCONFDIR)/grub.d/25_pvhboot
	install -m 644 pkg/default/pvhboot $(DESTDIR)$(SYSCONFDIR)/default/pvhboot
	install -d $(DESTDIR)$(SYSCONFDIR)/pvhboot
	install -m 644 pkg/etc/uki.conf $(DESTDIR)$(SYSCONFDIR)/pvhboot/uki.conf
	for m in $(MAN_PAGES); do s=$${m##*.}; install -d $(DESTDIR)$(PREFIX)/share/man/man$$s && \
	  install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/; done

DEB_VERSION = $(shell dpkg-parsechangelog -l debian/changelog -S Version)
DEB_SRC     := $(B)/deb/pvhboot-src
deb:
	$(Q)rm -rf $(DEB_SRC) && mkdir -p $(DEB_SRC)
	$(Q){ git ls-files -co --exclude-standard -z 2>/dev/null || \
	  find . \( -path ./build -o -path ./cache -o -path ./.git \) -prune -o -type f -print0; } | \
	  grep -zv '^cache' | xargs -0 cp --parents -t $(DEB_SRC)
	$(call msg,DPKG,$(B)/deb/pvhboot_$(DEB_VERSION)_amd64.deb)
	$(Q)cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc >../build.log 2>&1 || \
	  { tail -30 ../build.log; echo "make deb: failed, see $(B)/deb/build.log"; exit 1; }
	$(Q)ls $(B)/deb/pvhboot_$(DEB_VERSION)_amd64.deb

# The package's tests (tests/boot/package.sh: build, lintian, contents, hooks
# on a scratch root, GRUB script, an OVMF boot of the ESP they wrote); also
# part of make check through tests/boot/run.sh.
check-deb: all
	$(Q)bash tests/boot/package.sh

# --- the Debian system test (make check-os; not part of check: it builds a
# Debian image with mmdebstrap, minutes even with the packages cached, and
# boots it to the login prompt or a power-off: tests/os/debian.sh through
# OVMF and GRUB, tests/os/firmware.sh with pvhboot-pvh.elf as the VMM's
# firmware, tests/os/secureboot.sh under Secure Boot) -------------------------------
# The image installs build/deb/pvhboot_*.deb, so both build the package first.
.PHONY: check-os debian-image
debian-image: all
	$(Q)$(MAKE) --no-print-directory deb
	$(Q)scripts/mkdebian-image.sh

check-os: deps all
	$(Q)$(MAKE) --no-print-directory deb
	$(Q)rc=0; tests/os/debian.sh || rc=1; tests/os/firmware.sh || rc=1; \
	[ "$${OS_SECUREBOOT:-1}" = 0 ] || tests/os/secureboot.sh || rc=1; exit $$rc

# make check-os-variant: the image of scripts/mkdebian-variant.sh, laid out
# unlike the main one (MBR, FAT16 ESP at /efi, fstab by PARTUUID and LABEL,
# no /etc/kernel/cmdline, pvhboot before any kernel, cloud kernels), booted
# by tests/os/variant.sh through OVMF, firmware mode (microvm, pc, q35), GRUB
# BIOS and EFI, and after a kernel removal. Separate from check-os: about
# 4 min to build the image, then ten boots under TCG: 11 min in all at a
# load of 1-2, 40 at a load of 10 (OS_SKIP=... leaves boots out).
.PHONY: check-os-variant
check-os-variant: deps all
	$(Q)$(MAKE) --no-print-directory deb
	$(Q)tests/os/variant.sh

# (build/deb holds the package tree, whose /etc/*.d directories are no dependency files.)
-include $(shell find $(B) -path $(B)/deb -prune -o -name '*.d' -type f -print 2>/dev/null)
