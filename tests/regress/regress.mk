# tests/regress: generators of inputs that once made uexec misbehave
# (tests/65-regress.t).  Included by the
# top-level Makefile, which defines B and CHECK_DEPS.

REGRESS_B := $(B)/regress

$(REGRESS_B)/mkfar: tests/regress/mkfar.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g -o $@ $<

CHECK_DEPS += $(REGRESS_B)/mkfar
