# fuzz/: libFuzzer targets over the parser, the planner and the "#!" parser.
# Included by the top-level Makefile (which defines B, WARN, LIB_SRCS and
# LIB_ASMS).  Needs clang-14 and libclang-rt-14-dev (libFuzzer); `make check`
# does not use them.
#
#   make fuzz [FUZZ_SECONDS=60]   each target for FUZZ_SECONDS of one CPU
#
#   fuzz_elf      uexec_check_fd() on the input as a file (memfd): the whole dry run
#   fuzz_plan     the same with the plan kept and checked, also as an interpreter
#   fuzz_shebang  parse_shebang() on the input as a 256-byte "#!" buffer
#
# Everything goes under $(B)/fuzz/: the library compiled for fuzzing (src/),
# the seeds made from the fixtures (seed/TARGET), the corpus each run grows
# (corpus/TARGET, kept between runs), crashes (crash/TARGET-*) and each run's
# log (TARGET.log).  A crash fails `make fuzz`; turn it into a file under
# tests/regress/ with a test case.

FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang-14
FUZZ_B       := $(B)/fuzz
FUZZ_TARGETS := fuzz_elf fuzz_plan fuzz_shebang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=gnu11 -D_GNU_SOURCE $(WARN) -O1 -g -fno-strict-aliasing \
                -fvisibility=hidden -Iinclude -Isrc -Itests/san $(FUZZ_SAN)
FUZZ_LIB     := $(patsubst %.c,$(FUZZ_B)/%.o,$(LIB_SRCS)) \
                $(patsubst %.S,$(FUZZ_B)/%.o,$(LIB_ASMS)) \
                $(FUZZ_B)/tests/san/redzone.o $(FUZZ_B)/tests/san/plan_check.o
# Input size limits: a program's first pages (headers, tables, PT_INTERP);
# for "#!" lines a little more than the 256 bytes that count.
FUZZ_MAX_LEN              := 65536
FUZZ_MAX_LEN_fuzz_shebang := 300

# The library and helpers are instrumented for coverage but not linked with
# libFuzzer's main; only the targets are.
$(FUZZ_B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_B)/%.o: %.S
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_B)/%: fuzz/%.c $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Wl,--wrap=arena_alloc \
		-Wl,--wrap=arena_release -o $@ $< $(FUZZ_LIB)

# Seeds: the valid programs, every malformed variant and probe flavour for
# the ELF targets (fuzz_plan's get a control byte asking for a 1 MiB file,
# so their first 16 KiB are enough), some "#!" lines for fuzz_shebang.
FUZZ_ELF_SEEDS = $(wildcard $(B)/fixtures/bad/hello-* $(B)/fixtures/bad/variants/*-* \
                  $(B)/fixtures/bad/variants/interp/* $(B)/fixtures/probe/*-* \
                  $(B)/fixtures/probe/nolibc)

$(FUZZ_B)/seed.stamp: $(B)/fixtures/bad/variants.stamp $(PROBE_BINS) fuzz/fuzz.mk
	@echo "fuzz: seeding $(FUZZ_B)/seed/ from the fixtures"
	@rm -rf $(FUZZ_B)/seed && mkdir -p $(FUZZ_B)/seed/fuzz_elf $(FUZZ_B)/seed/fuzz_plan \
		$(FUZZ_B)/seed/fuzz_shebang
	@for f in $(FUZZ_ELF_SEEDS); do \
		[ -f "$$f" ] || continue; n=$$(basename $$(dirname $$f))-$$(basename $$f); \
		head -c $(FUZZ_MAX_LEN) "$$f" >$(FUZZ_B)/seed/fuzz_elf/$$n; \
		{ printf '\002'; head -c 16384 "$$f"; } >$(FUZZ_B)/seed/fuzz_plan/$$n; \
	done
	@i=0; for l in '#!/bin/sh\n' '#!/bin/sh -e\n' '#! /usr/bin/env  python3 -u \n' \
		'#!\t/bin/sh\t-x\t\n' '#!/bin/sh\r\n' '#!' '#!\n' '#! \n' '#!/bin/sh\0 -e\n' \
		'#!/bin/sh -e\0x\n' '#!/a b c d\n' "#!$$(printf '%0254d' 0)" \
		"#!/bin/sh $$(printf '%0300d' 0)\n"; do \
		i=$$((i + 1)); printf "$$l" >$(FUZZ_B)/seed/fuzz_shebang/line-$$i; \
		printf "$$l" >$(FUZZ_B)/seed/fuzz_elf/shebang-$$i; \
	done
	touch $@

# Each target runs alone for FUZZ_SECONDS; all run even if one fails, and
# the summary gives the executions each made.
fuzz: $(addprefix $(FUZZ_B)/,$(FUZZ_TARGETS)) $(FUZZ_B)/seed.stamp
	@fail=0; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_B)/corpus/$$t $(FUZZ_B)/crash; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s (log: $(FUZZ_B)/$$t.log)"; \
		if $(FUZZ_B)/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=$$(case $$t in fuzz_shebang) echo $(FUZZ_MAX_LEN_fuzz_shebang);; \
			*) echo $(FUZZ_MAX_LEN);; esac) \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_B)/crash/$$t- \
			$(FUZZ_B)/corpus/$$t $(FUZZ_B)/seed/$$t >$(FUZZ_B)/$$t.log 2>&1; \
		then st=clean; else st="FAILED (see the log and $(FUZZ_B)/crash/)"; fail=1; fi; \
		done_line=$$(grep -h '^Done' $(FUZZ_B)/$$t.log | tail -1); \
		cov=$$(grep -h '[[:space:]]DONE[[:space:]]' $(FUZZ_B)/$$t.log | tail -1 | \
			sed 's/.*DONE *//; s/ lim:.*//'); \
		echo "fuzz: $$t: $$done_line ($$cov): $$st"; \
	done; exit $$fail

.PHONY: fuzz
