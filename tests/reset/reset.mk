# tests/reset/reset.mk - what exec resets and drops, library mode
# (tests/80-exec-resets.t): caller sets a process state and runs a program by
# the kernel or by libuexec; showstate prints that state; shared runs
# uexec_execve() from processes that share memory or descriptors.

RESET_B    := $(B)/fixtures/reset
RESET_BINS := $(RESET_B)/caller $(RESET_B)/showstate $(RESET_B)/shared

$(RESET_B)/caller $(RESET_B)/shared: $(RESET_B)/%: tests/reset/%.c tests/lib/deny_execve.h include/uexec.h $(B)/libuexec.a tests/reset/reset.mk
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE -Iinclude -o $@ $< $(B)/libuexec.a -pthread

$(RESET_B)/showstate: tests/reset/showstate.c tests/reset/reset.mk
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE -o $@ $<

reset-fixtures: $(RESET_BINS)
CHECK_DEPS += $(RESET_BINS)
.PHONY: reset-fixtures
