# tests/probe/probe.mk - the differential probe in every flavour.
# Included by the top-level Makefile (B := build).  Each flavour is one
# compile-and-link command from the sources, with every flag spelled out, so
# the binaries differ only in what the flavour is about.
#
#   make probe-fixtures       build them all
#   make build/fixtures/probe/glibc-pie

PROBE_DIR    := tests/probe
PROBE_B      := $(B)/fixtures/probe
PROBE_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g -fno-strict-aliasing
PROBE_CORE   := $(PROBE_DIR)/probe.c $(PROBE_DIR)/probe_out.c \
                $(PROBE_DIR)/probe_maps.c $(PROBE_DIR)/probe_task.c
PROBE_LIBC   := $(PROBE_CORE) $(PROBE_DIR)/probe_libc.c
PROBE_NOLIBC := $(PROBE_CORE) $(PROBE_DIR)/probe_nolibc.c $(PROBE_DIR)/probe_start.S
PROBE_DEPS   := $(PROBE_DIR)/probe.h $(PROBE_DIR)/probe.mk

PROBE_GCC    := gcc
PROBE_MUSL   := $(shell command -v musl-gcc 2>/dev/null)
# musl-gcc's specs have no static-pie: link it by hand from musl's rcrt1.o.
MUSL_LIBDIR  ?= /usr/lib/x86_64-linux-musl
PROBE_PIE    := -fPIE -pie
PROBE_NOPIE  := -fno-pie -no-pie
PROBE_SPIE   := -fPIE -static-pie
PROBE_COMMA  := ,

# $(call probe_flavour,NAME,CC,FLAGS,SOURCES[,AFTER]): one binary.
define probe_flavour
$(PROBE_B)/$(1): $(4) $(PROBE_DEPS)
	@mkdir -p $$(@D)
	$(2) $(PROBE_CFLAGS) $(3) -o $$@ $(4) $(5)
PROBE_BINS += $(PROBE_B)/$(1)
endef

PROBE_BINS :=
$(eval $(call probe_flavour,glibc-pie,$(PROBE_GCC),$(PROBE_PIE) -pthread,$(PROBE_LIBC)))
$(eval $(call probe_flavour,glibc-nopie,$(PROBE_GCC),$(PROBE_NOPIE) -pthread,$(PROBE_LIBC)))
$(eval $(call probe_flavour,glibc-static,$(PROBE_GCC),$(PROBE_NOPIE) -static -pthread,$(PROBE_LIBC)))
$(eval $(call probe_flavour,glibc-spie,$(PROBE_GCC),$(PROBE_SPIE) -pthread,$(PROBE_LIBC)))
$(eval $(call probe_flavour,glibc-pie-2m,$(PROBE_GCC),$(PROBE_PIE) -pthread -Wl$(PROBE_COMMA)-z$(PROBE_COMMA)max-page-size=0x200000,$(PROBE_LIBC)))
$(eval $(call probe_flavour,glibc-pie-16m,$(PROBE_GCC),$(PROBE_PIE) -pthread -Wl$(PROBE_COMMA)-z$(PROBE_COMMA)max-page-size=0x1000000,$(PROBE_LIBC)))
$(eval $(call probe_flavour,glibc-spie-2m,$(PROBE_GCC),$(PROBE_SPIE) -pthread -Wl$(PROBE_COMMA)-z$(PROBE_COMMA)max-page-size=0x200000,$(PROBE_LIBC)))
$(eval $(call probe_flavour,glibc-spie-16m,$(PROBE_GCC),$(PROBE_SPIE) -pthread -Wl$(PROBE_COMMA)-z$(PROBE_COMMA)max-page-size=0x1000000,$(PROBE_LIBC)))
$(eval $(call probe_flavour,glibc-ttext,$(PROBE_GCC),$(PROBE_NOPIE) -pthread -Wl$(PROBE_COMMA)-Ttext-segment=0x10000000,$(PROBE_LIBC)))
$(eval $(call probe_flavour,glibc-execstack,$(PROBE_GCC),$(PROBE_PIE) -pthread -Wl$(PROBE_COMMA)-z$(PROBE_COMMA)execstack,$(PROBE_LIBC)))
# No libc: own _start, raw system calls; memset/memcpy come from the probe.
$(eval $(call probe_flavour,nolibc,$(PROBE_GCC),$(PROBE_NOPIE) -static -nostdlib -ffreestanding -fno-stack-protector -Wl$(PROBE_COMMA)-z$(PROBE_COMMA)noexecstack,$(PROBE_NOLIBC),-lgcc))
ifneq ($(PROBE_MUSL),)
$(eval $(call probe_flavour,musl-static,$(PROBE_MUSL),$(PROBE_NOPIE) -static -pthread,$(PROBE_LIBC)))
$(eval $(call probe_flavour,musl-spie,$(PROBE_MUSL),-fPIE -static -pthread -nostartfiles $(MUSL_LIBDIR)/rcrt1.o $(MUSL_LIBDIR)/crti.o $(shell $(PROBE_GCC) -print-file-name=crtbeginS.o) -Wl$(PROBE_COMMA)-pie$(PROBE_COMMA)--no-dynamic-linker$(PROBE_COMMA)-z$(PROBE_COMMA)text,$(PROBE_LIBC),$(shell $(PROBE_GCC) -print-file-name=crtendS.o) $(MUSL_LIBDIR)/crtn.o))
endif

# A non-writable segment with bss (tests/probe/robss.c): the no-libc probe
# with room after its text, then given two pages of bss there.
$(eval $(call probe_flavour,nolibc-64k,$(PROBE_GCC),$(PROBE_NOPIE) -static -nostdlib -ffreestanding -fno-stack-protector -Wl$(PROBE_COMMA)-z$(PROBE_COMMA)noexecstack -Wl$(PROBE_COMMA)-z$(PROBE_COMMA)max-page-size=0x10000,$(PROBE_NOLIBC),-lgcc))
$(PROBE_B)/robss: $(PROBE_DIR)/robss.c
	@mkdir -p $(@D)
	$(PROBE_GCC) $(PROBE_CFLAGS) -o $@ $<
$(PROBE_B)/nolibc-robss: $(PROBE_B)/nolibc-64k $(PROBE_B)/robss
	$(PROBE_B)/robss $< $@ && chmod 755 $@
PROBE_BINS += $(PROBE_B)/nolibc-robss

# The launcher (tests/10-probe.t): a process with state for exec to reset or
# keep, which then execs a probe directly or through uexec.
$(PROBE_B)/launch: $(PROBE_DIR)/launch.c $(PROBE_DIR)/probe.mk
	@mkdir -p $(@D)
	$(PROBE_GCC) $(PROBE_CFLAGS) -o $@ $<
PROBE_BINS += $(PROBE_B)/launch

# A Rust program printing std::env::current_exe() (tests/35-self-exe.t);
# rustc directly, no cargo.  Without rustc the test skips its row.
ifneq ($(shell command -v rustc 2>/dev/null),)
$(PROBE_B)/current_exe: $(PROBE_DIR)/current_exe.rs $(PROBE_DIR)/probe.mk
	@mkdir -p $(@D)
	MAKEFLAGS= rustc -O --edition 2021 -o $@ $<
PROBE_BINS += $(PROBE_B)/current_exe
endif

probe-fixtures: $(PROBE_BINS)
CHECK_DEPS += $(PROBE_BINS)
.PHONY: probe-fixtures
