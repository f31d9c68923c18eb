# uexec — execve(2) in user space.  GNU make.
#
#   make            build/uexec (the command) and its build/uexec-handoff page file,
#                   build/libuexec.a and build/libuexec.so (the library), build/uexec.pc
#   make demo       run the bundled example directly and through uexec
#   make check      build everything and every fixture, run the test suite (TAP, prove)
#   make bench      interleaved direct-vs-uexec start-up benchmark
#   make install    PREFIX=/usr/local DESTDIR=

# the one version string is UEXEC_VERSION in include/uexec.h
VERSION   := $(shell sed -n 's/^\#define UEXEC_VERSION "\(.*\)"/\1/p' include/uexec.h)
PREFIX    ?= /usr/local
DESTDIR   ?=
B         := build

# The library is freestanding: raw system calls only, no libc, no TLS, no
# stack protector, so the same objects serve the libc-free command and any
# program that links libuexec.a.
WARN      := -Wall -Wextra -Werror
LIBFLAGS  := -std=gnu11 -D_GNU_SOURCE $(WARN) -O2 -g -fPIC -fvisibility=hidden \
             -ffreestanding -fno-stack-protector -fno-strict-aliasing \
             -fno-asynchronous-unwind-tables -Iinclude -Isrc
# uexec itself is a static ET_EXEC linked far from where programs live, so
# that neither its image nor its brk heap can sit where a program is placed.
UEXEC_BASE := 0x3f0000000000
# where the command keeps its scratch memory: 1 MiB above its image, in the
# same page table (cli/uexec.c gets it from here)
UEXEC_SCRATCH := 0x3f0000100000
# how much of it the command maps first thing (src/arch/x86_64/start.S): its
# variables, then the first arena
UEXEC_PREMAP  := 0x100000
# cli/uexec.ld: one read-execute segment, the variables in scratch memory
CLILDFLAGS := -static -nostdlib -no-pie -Wl,-T,cli/uexec.ld \
              -Wl,--defsym=__uexec_base=$(UEXEC_BASE) -Wl,--defsym=__uexec_scratch=$(UEXEC_SCRATCH) \
              -Wl,--defsym=__uexec_premap=$(UEXEC_PREMAP) -Wl,-z,noexecstack -Wl,--build-id=none

LIB_SRCS  := $(wildcard src/*.c) $(wildcard src/arch/x86_64/*.c)
LIB_ASMS  := $(filter-out src/arch/x86_64/start.S,$(wildcard src/arch/x86_64/*.S))
LIB_OBJS  := $(patsubst %.c,$(B)/%.o,$(LIB_SRCS)) $(patsubst %.S,$(B)/%.o,$(LIB_ASMS))

SONAME    := libuexec.so.0
SHLIB     := $(B)/libuexec.so.$(VERSION)

all: $(B)/uexec $(B)/uexec-handoff $(B)/libuexec.a $(SHLIB) $(B)/uexec.pc

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(LIBFLAGS) -MMD -MP -c $< -o $@

$(B)/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(LIBFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(B) -name '*.d' 2>/dev/null)

$(B)/libuexec.a: $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

# The shared library: the same freestanding objects; only uexec_* exported.
$(SHLIB): $(LIB_OBJS) src/libuexec.map
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=src/libuexec.map \
		-Wl,-z,noexecstack -o $@ $(LIB_OBJS)
	ln -sf $(notdir $@) $(B)/$(SONAME)
	ln -sf $(SONAME) $(B)/libuexec.so

$(B)/uexec.pc: uexec.pc.in Makefile
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' $< >$@

# The command's hand-off page is a private copy of a page of this file (see
# src/commit.c): the build's own copy, or the installed one for the
# installed command, which is linked again with that path.
HANDOFF_FILE         := $(abspath $(B))/uexec-handoff
HANDOFF_FILE_INSTALL := $(PREFIX)/lib/uexec/uexec-handoff

$(B)/cli/uexec.o: LIBFLAGS += -DSCRATCH_HINT=$(UEXEC_SCRATCH)UL -DHANDOFF_FILE='"$(HANDOFF_FILE)"'
$(B)/src/arch/x86_64/start.o: LIBFLAGS += -DUEXEC_SCRATCH=$(UEXEC_SCRATCH) -DUEXEC_PREMAP=$(UEXEC_PREMAP)
$(B)/src/arch/x86_64/start.o: Makefile
# uexec_spawn()'s fresh-layout mode runs the installed command
$(B)/src/spawn.o: LIBFLAGS += -DUEXEC_COMMAND='"$(PREFIX)/bin/uexec"'
$(B)/src/spawn.o: Makefile
$(B)/cli/uexec.o: Makefile

$(B)/uexec: $(B)/cli/uexec.o $(B)/cli/libc.o $(B)/src/arch/x86_64/start.o $(B)/libuexec.a cli/uexec.ld
	$(CC) $(CLILDFLAGS) -o $@ $(B)/src/arch/x86_64/start.o $< $(B)/cli/libc.o $(B)/libuexec.a -lgcc

# Other builds of the command, each as build/VARIANT/uexec, with its own page
# file (HANDOFF_VARIANT) or scratch address (SCRATCH_VARIANT): the installed
# one (relinked each time: PREFIX may differ), one whose page file is missing
# (a memfd then: tests/10-probe.t), and two whose scratch memory start.S
# cannot map whole (tests/65-regress.t): right below the image, where only
# the variables' page fits (the arenas go elsewhere), and on the image itself
# (a one-line error, status 126).
CLI_VARIANTS        := install nofile lowscratch badscratch
HANDOFF_install     := $(HANDOFF_FILE_INSTALL)
HANDOFF_nofile      := /nonexistent/uexec-handoff
SCRATCH_lowscratch  := 0x3efffffff000
SCRATCH_badscratch  := $(UEXEC_BASE)
LDEXTRA_badscratch  := -Wl,--no-check-sections # its variables over its own image, on purpose
$(B)/install/uexec: FORCE
$(foreach v,$(CLI_VARIANTS),$(B)/$(v)/uexec): $(B)/%/uexec: cli/uexec.c src/arch/x86_64/start.S \
		$(B)/cli/libc.o $(B)/libuexec.a cli/uexec.ld Makefile | $(B)/uexec-handoff
	@mkdir -p $(dir $@)
	$(CC) $(LIBFLAGS) -DSCRATCH_HINT=$(or $(SCRATCH_$*),$(UEXEC_SCRATCH))UL \
		-DHANDOFF_FILE='"$(or $(HANDOFF_$*),$(HANDOFF_FILE))"' -c cli/uexec.c -o $(dir $@)uexec.o
	$(CC) $(LIBFLAGS) -DUEXEC_SCRATCH=$(or $(SCRATCH_$*),$(UEXEC_SCRATCH)) \
		-DUEXEC_PREMAP=$(UEXEC_PREMAP) -c src/arch/x86_64/start.S -o $(dir $@)start.o
	$(CC) $(subst $(UEXEC_SCRATCH),$(or $(SCRATCH_$*),$(UEXEC_SCRATCH)),$(CLILDFLAGS)) \
		$(LDEXTRA_$*) -o $@ $(dir $@)start.o $(dir $@)uexec.o $(B)/cli/libc.o $(B)/libuexec.a -lgcc

# the build's command finds its page file next to it
$(B)/uexec: | $(B)/uexec-handoff

# One page: what it holds is never used (every byte is written over in the
# private copy), only its name, which is how the page shows in /proc/PID/maps.
$(B)/uexec-handoff: Makefile
	@mkdir -p $(dir $@)
	printf 'uexec hand-off page: each program uexec starts runs its last steps from a private copy of this page, overwritten.\n' >$@.tmp
	truncate -s 4096 $@.tmp
	mv $@.tmp $@

# ---- tests -------------------------------------------------------------
# Each area adds its fixtures to CHECK_DEPS in its own fragment.
CHECK_DEPS := $(B)/uexec $(B)/uexec-handoff $(B)/nofile/uexec $(B)/lowscratch/uexec \
              $(B)/badscratch/uexec $(B)/libuexec.a $(SHLIB) $(B)/uexec.pc
-include tests/*.mk tests/*/*.mk bench/*.mk
-include fuzz/*.mk

# One short program per library call, built against the static library.
EXAMPLES := $(addprefix $(B)/examples/,execve execveat fexecve execve_mem spawn)
$(EXAMPLES): $(B)/examples/%: examples/%.c $(B)/libuexec.a include/uexec.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(WARN) -O2 -Iinclude -o $@ $< $(B)/libuexec.a
CHECK_DEPS += $(EXAMPLES)

check: $(CHECK_DEPS)
	UEXEC=$(CURDIR)/$(B)/uexec B=$(CURDIR)/$(B) prove -e /bin/bash tests/*.t

# The bundled example: a dynamic and a static build of examples/hello.c,
# each run directly and through uexec.
$(B)/examples/hello: examples/hello.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(WARN) -O2 -o $@ $<

$(B)/examples/hello-static: examples/hello.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(WARN) -O2 -static -o $@ $<


demo: $(B)/uexec $(B)/examples/hello $(B)/examples/hello-static
	@for p in $(B)/examples/hello $(B)/examples/hello-static; do \
		echo "\$$ $$p one two"; $$p one two; \
		echo "\$$ $(B)/uexec $$p one two"; $(B)/uexec $$p one two; echo; done

bench: $(B)/uexec $(BENCH_DEPS)
	UEXEC=$(CURDIR)/$(B)/uexec B=$(CURDIR)/$(B) bash bench/run.sh

install: all $(B)/install/uexec
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(dir $(HANDOFF_FILE_INSTALL)) \
		$(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man3
	install -m 755 $(B)/install/uexec $(DESTDIR)$(PREFIX)/bin/uexec
	install -m 644 $(B)/uexec-handoff $(DESTDIR)$(HANDOFF_FILE_INSTALL)
	install -m 644 $(B)/libuexec.a $(DESTDIR)$(PREFIX)/lib/libuexec.a
	install -m 755 $(SHLIB) $(DESTDIR)$(PREFIX)/lib/$(notdir $(SHLIB))
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/libuexec.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' uexec.pc.in \
		>$(DESTDIR)$(PREFIX)/lib/pkgconfig/uexec.pc
	install -m 644 include/uexec.h $(DESTDIR)$(PREFIX)/include/uexec.h
	install -m 644 doc/uexec.1 $(DESTDIR)$(PREFIX)/share/man/man1/uexec.1
	install -m 644 doc/uexec.3 $(DESTDIR)$(PREFIX)/share/man/man3/uexec.3
	for f in uexec_execve uexec_execveat uexec_fexecve uexec_execve_mem uexec_reason \
		uexec_execv uexec_execvp uexec_execvpe uexec_execl uexec_execlp uexec_execle \
		uexec_spawn uexec_spawnp; do \
		echo '.so man3/uexec.3' >$(DESTDIR)$(PREFIX)/share/man/man3/$$f.3; done

clean:
	rm -rf $(B)

.PHONY: all check bench demo install clean FORCE
FORCE:
