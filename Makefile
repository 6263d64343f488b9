# vmxboot — see README.md. `make run` boots it, `make test` tests it.
.DEFAULT_GOAL := all
SHELL := /bin/bash

BUILD   := build
ELF     := $(BUILD)/vmxboot.elf
ISO     ?= $(BUILD)/vmxboot.iso
CMDLINE ?=

# ---- toolchain: x86_64-elf cross, else host gcc on x86_64, else clang ----
ifneq ($(shell command -v x86_64-elf-gcc 2>/dev/null),)
  KCC := x86_64-elf-gcc
  KLD := x86_64-elf-ld
  TOOLCHAIN := x86_64-elf-gcc (cross)
else ifeq ($(shell uname -m),x86_64)
  KCC := gcc
  KLD := ld
  TOOLCHAIN := host gcc (freestanding)
  KCC_EXTRA := -mstack-protector-guard=global
else
  KCC := clang --target=x86_64-elf
  KLD := ld.lld
  TOOLCHAIN := clang --target=x86_64-elf + ld.lld
  KCC_EXTRA := -mstack-protector-guard=global
endif

KCFLAGS := -std=gnu17 -O2 -g -Wall -Wextra -Werror -I. \
	-ffreestanding -nostdlib -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only \
	-mcmodel=small -mno-mmx -mno-sse -mno-sse2 -fno-omit-frame-pointer \
	-fstack-protector-strong -fno-strict-aliasing -fno-common \
	--param=min-pagesize=0 $(KCC_EXTRA)
KASFLAGS := -g -I. -D__ASSEMBLY__
KLDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack -T linker.ld

KSRCS := $(wildcard boot/*.S) $(wildcard arch/x86_64/*.S) \
	$(wildcard arch/x86_64/*.c) $(wildcard kernel/*.c) $(wildcard vmx/*.S) $(wildcard vmx/*.c)
KOBJS := $(patsubst %,$(BUILD)/obj/%.o,$(KSRCS))
# the console font: a C table made at build time from a Debian console font (README.md)
FONT_PSF ?= /usr/share/consolefonts/Lat15-VGA16.psf.gz
FONT_C := $(BUILD)/gen/font.c
KOBJS += $(BUILD)/obj/$(FONT_C).o
$(FONT_C): tools/psf2c.py
	@mkdir -p $(dir $@)
	@test -r $(FONT_PSF) || { echo "font: $(FONT_PSF) is missing: run tools/deps.sh (package console-setup-linux)"; exit 1; }
	python3 tools/psf2c.py $(FONT_PSF) $@

.PHONY: all iso toolchain
all: toolchain $(ELF)
toolchain:
	@echo "toolchain: $(TOOLCHAIN)"

$(BUILD)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(KCC) $(KCFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(KCC) $(KASFLAGS) -MMD -MP -c $< -o $@

$(ELF): $(KOBJS) linker.ld
	$(KLD) $(KLDFLAGS) -o $@ $(KOBJS)
	@echo "built $@ ($$(stat -c %s $@) bytes)"

-include $(KOBJS:.o=.d)

# ---- ISO: GRUB hybrid BIOS+UEFI image; CMDLINE= makes the default entry pass it with timeout 0 ----
iso: $(ELF)
	@tools/mkiso.sh $(ELF) "$(ISO)" "$(CMDLINE)"

# ---- ISO for UEFI Secure Boot: GRUB signed with your db key KEY/CERT (PEM; without them a key made in build/secboot/) ----
SIGNED_ISO ?= $(BUILD)/vmxboot-signed.iso
.PHONY: iso-signed
iso-signed: $(ELF)
	@tools/mkiso-signed.sh $(ELF) "$(SIGNED_ISO)" "$(KEY)" "$(CERT)" "$(CMDLINE)"

# ---- host unit tests: each tests/host/*.mk adds NAME to HOST_TESTS and sets NAME_SRCS ----
HOST_CC     ?= gcc
# -O0: the sanitizers instrument every level alike, the tests run in a blink, and compiling is
# most of their cost (from clean, make -j2 host-tests: 30.3 s user at -O1, 20.5 s at -O0);
# the fuzzers keep -O1, where execution speed is the point
HOST_CFLAGS := -std=gnu17 -g -O0 -Wall -Wextra -Werror -I. -DVMXBOOT_HOST \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_TESTS :=
FUZZERS :=
include $(wildcard tests/host/*.mk)
include $(wildcard tests/fuzz/*.mk)

HOST_BINS := $(patsubst %,$(BUILD)/host/test_%,$(HOST_TESTS))
# each source is compiled once into build/host/obj/PATH.o (kernel/format.c serves every test that
# lists it) and each test links its objects; -MMD -MP files rebuild an object when a header changes
host_objs = $(patsubst %.c,$(BUILD)/host/obj/%.o,$(1))
HOST_OBJS := $(call host_objs,$(sort $(foreach t,$(HOST_TESTS),$($(t)_SRCS))))
.SECONDARY: $(HOST_OBJS)
-include $(HOST_OBJS:.o=.d)
$(BUILD)/host/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@
.SECONDEXPANSION:
$(BUILD)/host/test_%: $$(call host_objs,$$($$*_SRCS))
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $^ -lcmocka

FUZZ_CC := clang
FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZERS))
FUZZ_CFLAGS := -std=gnu17 -g -O1 -I. -DVMXBOOT_HOST -fsanitize=address,undefined -fno-sanitize-recover=all
# as the host tests: one object per source (fuzzer-instrumented), the libFuzzer main added at the link
fuzz_objs = $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(1))
FUZZ_OBJS := $(call fuzz_objs,$(sort $(foreach f,$(FUZZERS),$(fuzz_$(f)_SRCS))))
.SECONDARY: $(FUZZ_OBJS)
-include $(FUZZ_OBJS:.o=.d)
$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@
$(BUILD)/fuzz/fuzz_%: $$(call fuzz_objs,$$(fuzz_$$*_SRCS))
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^

# tools/vmxcaps.py decodes logs with the kernel's own capability table
$(BUILD)/tools/vmxcaps_decode: tools/vmxcaps_decode.c vmx/vmx_capdecode.c vmx/vmx_capnames.c vmx/vmx_caps.c \
		kernel/format.c kernel/lib.c $(wildcard vmx/*.h kernel/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) -std=gnu17 -O1 -Wall -Wextra -Werror -I. -DVMXBOOT_HOST -o $@ $(filter %.c,$^)

.PHONY: host-tests fuzz
host-tests: $(HOST_BINS)
	@tests/run-host-tests.sh $(HOST_BINS)
FUZZ_SECONDS ?= 10
fuzz: $(FUZZ_BINS)
	@tests/run-fuzzers.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

.PHONY: clean
clean:
	rm -rf $(BUILD)

# ---- the two commands, and friends ----
.PHONY: deps test run run-qemu run-kvm run-bochs run-uefi debug
deps:
	@tools/deps.sh
# the kernel on every core first (a fresh clone's serial build took 18 s, -j2 9 s here)
test: deps
	@$(MAKE) -s -j$$(nproc) all
	@tests/run-all.sh
run: deps all iso
	@tools/run.sh auto $(ISO)
run-qemu: deps all iso
	@tools/run.sh qemu $(ISO)
run-kvm: deps all iso
	@tools/run.sh kvm $(ISO)
run-bochs: deps all iso
	@tools/run.sh bochs $(ISO)
run-uefi: deps all iso
	@tools/run.sh uefi $(ISO)
# QEMU stopped at the first instruction with a gdb stub on :1234, and gdb attached with symbols
debug: deps all iso
	@echo "debug: QEMU waits for gdb on :1234 (serial log: build/debug-serial.log)"
	@qemu-system-x86_64 -machine pc -m 256M -smp $${SMP:-2} -cdrom $(ISO) -boot d -display none \
		-serial file:$(BUILD)/debug-serial.log -no-reboot -s -S & \
	gdb -q -x tools/gdbinit $(ELF); kill %1 2>/dev/null || true

# ---- benchmarks: they print figures; nothing here passes or fails on timing ----
.PHONY: bench-vmx bench-smp bench-boot
bench-vmx: deps all
	@tools/bench-vmx.sh
# LINUX=1: also Debian's Linux kernel in the same QEMU rows, beside ours (medians of 3; downloads it once)
bench-smp: deps all
	@python3 tools/bench-smp.py $(if $(LINUX),--linux --repeat 3)
# the floor of bench-boot: firmware + GRUB + a multiboot2 kernel that ends the emulator at once
FLOOR_ELF := $(BUILD)/floor/floor.elf
$(FLOOR_ELF): tools/floor/floor.S tools/floor/floor.ld
	@mkdir -p $(dir $@)
	$(KCC) -m32 -c -o $(BUILD)/floor/floor.o tools/floor/floor.S
	$(KLD) -m elf_i386 -nostdlib -z noexecstack -T tools/floor/floor.ld -o $@ $(BUILD)/floor/floor.o
.PHONY: floor
floor: $(FLOOR_ELF)
bench-boot: deps all floor
	@python3 tools/bench-boot.py

