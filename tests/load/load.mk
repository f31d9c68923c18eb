# tests/load: the programs of the load test (tests/60-load.t).  Included by
# the top-level Makefile, which defines B and CHECK_DEPS.
#
#   $(B)/load/small     static; prints its argument, exits with a status made from it
#   $(B)/load/spawner   the parent: sequential and concurrent starts through uexec
#   $(B)/load/chain     static; starts itself through uexec N times

LOAD_B      := $(B)/load
LOAD_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g

$(LOAD_B)/small: tests/load/small.c
	@mkdir -p $(dir $@)
	$(CC) $(LOAD_CFLAGS) -static -o $@ $<

$(LOAD_B)/chain: tests/load/chain.c tests/load/self.h
	@mkdir -p $(dir $@)
	$(CC) $(LOAD_CFLAGS) -static -o $@ $<

$(LOAD_B)/spawner: tests/load/spawner.c tests/load/self.h
	@mkdir -p $(dir $@)
	$(CC) $(LOAD_CFLAGS) -o $@ $<

CHECK_DEPS += $(LOAD_B)/small $(LOAD_B)/chain $(LOAD_B)/spawner
