# tests/lib/lib.mk - the library's tests (tests/70-library.t): glibc programs
# linked with libuexec.a that call uexec_execve() and friends.  Included by
# the top-level Makefile (which defines B, CC and CHECK_DEPS).
#
#   make lib-fixtures     build them all into build/fixtures/lib/
#
#   run        run MODE PROG [ARG]...: exec PROG by the kernel or by uexec,
#              from a caller with rseq, TLS, malloc'd memory and handlers
#   intact     each call with bad input fails and leaves the caller intact
#   null_argv  port of the kernel selftest exec/null-argv.c
#   execveat   port of the path and fd cases of the kernel selftest
#              exec/execveat.c
#   family     the exec family and uexec_spawn against glibc's wrappers and
#              posix_spawn
#   showargs   the program those run: prints what it was given

ULIB_B      := $(B)/fixtures/lib
ULIB_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE -Iinclude
ULIB_BINS   := $(ULIB_B)/run $(ULIB_B)/intact $(ULIB_B)/null_argv $(ULIB_B)/execveat \
               $(ULIB_B)/family
ULIB_DEPS   := tests/lib/lib.mk tests/lib/tap.h tests/lib/child.h tests/lib/deny_execve.h include/uexec.h $(B)/libuexec.a

$(ULIB_BINS): $(ULIB_B)/%: tests/lib/%.c $(ULIB_DEPS)
	@mkdir -p $(@D)
	$(CC) $(ULIB_CFLAGS) -o $@ $< $(B)/libuexec.a -pthread

$(ULIB_B)/showargs: tests/lib/showargs.c tests/lib/lib.mk
	@mkdir -p $(@D)
	$(CC) $(ULIB_CFLAGS) -o $@ $<

ULIB_BINS += $(ULIB_B)/showargs

lib-fixtures: $(ULIB_BINS)
CHECK_DEPS += $(ULIB_BINS)
.PHONY: lib-fixtures
