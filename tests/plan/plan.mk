# tests/plan/plan.mk - fixtures of tests/80-plan.t (uexec --plan).
PLAN_B := $(B)/fixtures/plan

$(PLAN_B)/atexec: tests/plan/atexec.c tests/plan/plan.mk
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -o $@ $<

PLAN_BINS := $(PLAN_B)/atexec

$(PLAN_B)/mkelf: tests/plan/mkelf.c tests/plan/plan.mk
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -o $@ $<

# Hand-made files for the 16K verdicts, each failing one rule alone there
# (and all three holding at 4K): pages shared across permissions though
# congruent; incongruent though apart and aligned; p_align 4K though
# congruent and apart; writable bytes on RELRO's last 16K page.
PLAN_HAND := share incongruent align relro
PLAN_SEGS_share       := load:rx:400000:0:1000:4000 load:rw:401000:1000:100:4000
PLAN_SEGS_incongruent := load:rx:400000:0:1000:4000 load:rw:412000:1000:100:4000
PLAN_SEGS_align       := load:rx:400000:0:1000:1000 load:rw:414000:4000:100:1000
PLAN_SEGS_relro       := load:rx:400000:0:1000:4000 load:rw:410000:4000:2000:4000 relro:410000:1000
$(PLAN_HAND:%=$(PLAN_B)/hand-%): $(PLAN_B)/hand-%: $(PLAN_B)/mkelf
	$(PLAN_B)/mkelf $@ $(PLAN_SEGS_$*) && chmod 755 $@
PLAN_BINS += $(PLAN_HAND:%=$(PLAN_B)/hand-%) $(PLAN_B)/mkelf

# Linked ones: a small shared library (data, RELRO, code) at each
# max-page-size, with -z separate-code and -z noseparate-code, with
# common-page-size as large (RELRO padded to it), with lld when installed,
# and for aarch64 when gcc-aarch64-linux-gnu is installed.
PLAN_LIB_SRC := tests/plan/lib.c
PLAN_LIBS :=
define plan_lib
$(PLAN_B)/lib-$(1).so: $(PLAN_LIB_SRC) tests/plan/plan.mk
	@mkdir -p $$(@D)
	$(2) -shared -fPIC -O2 -nostdlib -o $$@ $$< $(3)
PLAN_LIBS += $(PLAN_B)/lib-$(1).so
endef
PLAN_Z := -Wl,-z,
$(eval $(call plan_lib,4k,gcc,$(PLAN_Z)max-page-size=0x1000))
$(eval $(call plan_lib,16k,gcc,$(PLAN_Z)max-page-size=0x4000))
$(eval $(call plan_lib,64k,gcc,$(PLAN_Z)max-page-size=0x10000))
$(eval $(call plan_lib,16k-common,gcc,$(PLAN_Z)max-page-size=0x4000 $(PLAN_Z)common-page-size=0x4000))
$(eval $(call plan_lib,16k-sep,gcc,$(PLAN_Z)max-page-size=0x4000 $(PLAN_Z)separate-code))
$(eval $(call plan_lib,16k-nosep,gcc,$(PLAN_Z)max-page-size=0x4000 $(PLAN_Z)noseparate-code))
$(eval $(call plan_lib,4k-nosep,gcc,$(PLAN_Z)max-page-size=0x1000 $(PLAN_Z)noseparate-code))
ifneq ($(shell command -v ld.lld 2>/dev/null),)
$(eval $(call plan_lib,lld-4k,gcc -fuse-ld=lld,$(PLAN_Z)max-page-size=0x1000))
$(eval $(call plan_lib,lld-16k,gcc -fuse-ld=lld,$(PLAN_Z)max-page-size=0x4000))
endif
ifneq ($(shell command -v aarch64-linux-gnu-gcc 2>/dev/null),)
$(eval $(call plan_lib,aarch64-4k,aarch64-linux-gnu-gcc,$(PLAN_Z)max-page-size=0x1000))
$(eval $(call plan_lib,aarch64-16k,aarch64-linux-gnu-gcc,$(PLAN_Z)max-page-size=0x4000))
endif
PLAN_BINS += $(PLAN_LIBS)

# Tiny page-aligned sections: the merge saving must honour sh_addralign.
$(PLAN_B)/aligned.so: tests/plan/aligned.c tests/plan/plan.mk
	@mkdir -p $(@D)
	$(CC) -shared -fPIC -O2 -nostdlib -o $@ $<
PLAN_BINS += $(PLAN_B)/aligned.so

plan-fixtures: $(PLAN_BINS)
CHECK_DEPS += $(PLAN_BINS)
.PHONY: plan-fixtures
