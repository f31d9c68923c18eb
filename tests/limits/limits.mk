# tests/limits: the argument-limit helper of tests/25-limits.t.
LIMITS := $(B)/fixtures/limits

$(LIMITS)/e2big: tests/limits/e2big.c $(B)/libuexec.a include/uexec.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -Iinclude -o $@ $< $(B)/libuexec.a

CHECK_DEPS += $(LIMITS)/e2big
