# pvhboot - one entry point. `make help` lists the targets.
#
# Three flag sets, each declared once:
#   FREE32  freestanding i386 objects for the boot images (loader, guest)
#   HOST    hosted objects for the host tools
#   SAN     hosted objects with ASan+UBSan for unit tests and fuzz replay
# The core (src/lib, src/elf, src/pvh) is compiled in all three from the same
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
COMMON    := -std=gnu11 -g -Isrc -isystem $(B)/include -MMD -MP

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
HOST_CFLAGS := $(COMMON) $(WARN) -O2 -D_GNU_SOURCE
SAN_CFLAGS  := $(COMMON) $(WARN) -O1 -D_GNU_SOURCE -DTEST_DIR='"$(CURDIR)/tests/unit"' -fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_LDFLAGS := -fsanitize=address,undefined

# --- sources -----------------------------------------------------------------
CORE_SRCS   := $(sort $(wildcard src/lib/*.c src/elf/*.c src/pvh/*.c))
# Loader files that are pure functions over buffers: also built hosted, so the
# unit tests and fuzzers reach them.
LOADER_PURE := $(sort $(wildcard src/loader/common/*.c src/loader/multiboot/*.c src/loader/config/*.c))
# src/xen/*.c: Xen-guest helpers, freestanding i386 only (not core, not hosted).
LOADER_HW   := $(sort $(wildcard src/loader/*.c src/loader/pvh/*.c src/xen/*.c))
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
CONSOLE_FREE32 := $(call free32,src/loader/console.c src/loader/portio.c)

IMAGES := $(B)/pvhboot.elf $(B)/pvhboot-pvh.elf $(B)/pvh-testguest.elf $(B)/pvh-testguest-1m.elf $(B)/pvhboot.efi
TOOLS  := $(B)/pvh-inspect $(B)/pvh-bundle $(B)/pvh-ukify

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
	@echo '  make bench       time-to-userspace of pvhboot vs QEMU/OVMF/GRUB boots, loader vs copy floor (BENCH_ARGS="--runs N")'
	@echo '  make kernel      fetch and extract Debian 12'"'"'s vmlinux into cache/'
	@echo '  make xen         fetch Debian 12'"'"'s Xen 4.17 hypervisor into cache/xen/'
	@echo '  make deps        apt-get install what the build and tests need'
	@echo '  make clean       remove build/'
	@echo 'Images: build/pvhboot.elf (multiboot1/2 + PVH), build/pvhboot-pvh.elf (PVH only),'
	@echo '        build/pvhboot.efi (UEFI), build/pvh-testguest.elf (conformance guest).'
	@echo 'Tools:  build/pvh-inspect, build/pvh-bundle, build/pvh-ukify (a signed-ready unified kernel image).'
	@echo 'Scripts: scripts/fetch-kernel.sh, fetch-xen.sh, mkinitramfs.sh, mkesp.sh, mkgrub-iso.sh,'
	@echo '        mkhostile.sh, mkdom0-initramfs.sh (see README).'
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
$(B)/free32/src/elf/%.o $(B)/free32/src/pvh/%.o: private EXTRA = $(CORE_WARN)
$(B)/host/src/elf/%.o $(B)/host/src/pvh/%.o: private EXTRA = $(CORE_WARN)
$(B)/san/src/elf/%.o $(B)/san/src/pvh/%.o: private EXTRA = $(CORE_WARN)

$(B)/free32/%.o: %.c | $(XEN_LINK)
	$(call msg,CC32,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(FREE32_CFLAGS) $(EXTRA) -c $< -o $@

$(B)/free32/%.o: %.S | $(XEN_LINK)
	$(call msg,AS32,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(FREE32_ASFLAGS) -c $< -o $@

$(B)/efi64/src/elf/%.o $(B)/efi64/src/pvh/%.o: private EXTRA = $(CORE_WARN)

$(B)/efi64/%.o: %.c | $(XEN_LINK)
	$(call msg,CCEFI,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(EFI64_CFLAGS) $(EXTRA) -c $< -o $@

$(B)/efi64/%.o: %.S | $(XEN_LINK)
	$(call msg,ASEFI,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(EFI64_ASFLAGS) -c $< -o $@

$(B)/host/%.o: %.c | $(XEN_LINK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(HOST_CFLAGS) $(EXTRA) -c $< -o $@

$(B)/san/%.o: %.c | $(XEN_LINK)
	$(call msg,CCSAN,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(SAN_CFLAGS) $(EXTRA) -c $< -o $@

# --- layering: the core links alone, with every unresolved symbol fatal -------
layering: $(B)/core-layering.elf
$(B)/core-layering.elf: $(CORE_FREE32)
	$(call msg,LAYER,$@)
	$(Q)$(LD) $(LDFLAGS32) -e 0 --gc-sections -o $@ $^ $(LIBGCC32) || \
	  { echo "error: the core (src/lib, src/elf, src/pvh) must not call loader or firmware code"; exit 1; }

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
	$(Q)$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
	  -j .rel.* -j .rela.* -j .reloc --target efi-app-x86_64 --subsystem=10 $< $@

# --- host tools --------------------------------------------------------------------
$(B)/pvh-inspect: $(call host,src/tools/pvh-inspect.c $(CORE_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(CC) -o $@ $^

$(B)/pvh-bundle: $(call host,src/tools/pvh-bundle.c $(CORE_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(CC) -o $@ $^

$(B)/pvh-ukify: $(call host,src/tools/pvh-ukify.c $(CORE_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(CC) -o $@ $^

# --- tests ---------------------------------------------------------------------------
$(B)/unit-tests: $(call san,$(UNIT_SRCS) $(CORE_SRCS) $(LOADER_PURE))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(SAN_LDFLAGS) -o $@ $^ -lcriterion

# Named only through the pattern rule below, these would be intermediates
# that make deletes after linking; keep them so a replay relinks, not recompiles.
.SECONDARY: $(call san,$(FUZZ_SRCS) tests/fuzz/replay_main.c) $(addprefix $(B)/fuzz-replay-,$(FUZZ_TARGETS))
$(B)/fuzz-replay-%: $(call san,tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c $(CORE_SRCS) $(LOADER_PURE))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(SAN_LDFLAGS) -o $@ $^

unit: $(B)/unit-tests
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

check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/fetch-kernel.sh || echo "check: the kernel could not be fetched; its tests will say so"
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

-include $(shell find $(B) -name '*.d' 2>/dev/null)
