# tests/script/script.mk - helpers for tests/40-scripts.t ("#!" scripts).
# Included by the top-level Makefile (which defines B and CHECK_DEPS).
#
#   $(SCRIPT_B)/showexec          dynamic PIE that prints argv, AT_EXECFN, comm, exe
#   $(SCRIPT_B)/showexec-static   the same, static ET_EXEC
#   $(SCRIPT_B)/execas            execv() with a chosen argv[0] (the kernel's side of -a)
#
# The test also uses $(B)/fixtures/bad/tryexec (bad.mk) for the kernel's
# side and the differential probe (probe.mk) as an interpreter.

SCRIPT_B      := $(B)/fixtures/script
SCRIPT_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g

$(SCRIPT_B)/showexec: tests/script/showexec.c tests/script/script.mk
	@mkdir -p $(dir $@)
	$(CC) $(SCRIPT_CFLAGS) -fPIE -pie -o $@ $<

$(SCRIPT_B)/showexec-static: tests/script/showexec.c tests/script/script.mk
	@mkdir -p $(dir $@)
	$(CC) $(SCRIPT_CFLAGS) -fno-PIE -no-pie -static -o $@ $<

$(SCRIPT_B)/execas: tests/script/execas.c tests/script/script.mk
	@mkdir -p $(dir $@)
	$(CC) $(SCRIPT_CFLAGS) -o $@ $<

SCRIPT_BINS := $(SCRIPT_B)/showexec $(SCRIPT_B)/showexec-static $(SCRIPT_B)/execas

script-fixtures: $(SCRIPT_BINS)

CHECK_DEPS += $(SCRIPT_BINS)

.PHONY: script-fixtures
