# tests/plan/plan.mk - fixtures of tests/80-plan.t (uexec --plan).
PLAN_B := $(B)/fixtures/plan

$(PLAN_B)/atexec: tests/plan/atexec.c tests/plan/plan.mk
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -o $@ $<

PLAN_BINS := $(PLAN_B)/atexec
CHECK_DEPS += $(PLAN_BINS)
