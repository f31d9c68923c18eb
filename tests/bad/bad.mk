# tests/bad: malformed ELF inputs, generated from a valid hello by mkbad.
# Included by the top-level Makefile (which defines B and CHECK_DEPS).
#
#   $(BAD)/hello-{dyn,static,static-pie}   the valid inputs
#   $(BAD)/mkbad                           writes the malformed variants
#   $(BAD)/tryexec                         asks the kernel what it does with a file
#   $(BAD)/variants/                       the variants (+ interp/ helpers), see mkbad.c

BAD        := $(B)/fixtures/bad
BAD_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g

$(BAD)/mkbad: tests/bad/mkbad.c tests/bad/image.c tests/bad/image.h
	@mkdir -p $(dir $@)
	$(CC) $(BAD_CFLAGS) -o $@ tests/bad/mkbad.c tests/bad/image.c

$(BAD)/tryexec: tests/bad/tryexec.c
	@mkdir -p $(dir $@)
	$(CC) $(BAD_CFLAGS) -o $@ $<

# The three shapes the variants are cut from: glibc dynamic PIE (has
# PT_INTERP), glibc static ET_EXEC, glibc static-pie (ET_DYN, no PT_INTERP).
$(BAD)/hello-dyn: tests/bad/hello.c
	@mkdir -p $(dir $@)
	$(CC) $(BAD_CFLAGS) -fPIE -pie -o $@ $<

$(BAD)/hello-static: tests/bad/hello.c
	@mkdir -p $(dir $@)
	$(CC) $(BAD_CFLAGS) -fno-PIE -no-pie -static -o $@ $<

$(BAD)/hello-static-pie: tests/bad/hello.c
	@mkdir -p $(dir $@)
	$(CC) $(BAD_CFLAGS) -fPIE -static-pie -o $@ $<

# A program linked where uexec itself lives: the kernel runs it, and so must
# uexec - mapped elsewhere first, moved into place once uexec is unmapped.
$(BAD)/collide-uexec: tests/bad/collide.c
	@mkdir -p $(dir $@)
	$(CC) $(BAD_CFLAGS) -nostdlib -static -no-pie -Wl,-Ttext-segment=$(UEXEC_BASE) -o $@ $<

# ... and where the command keeps its scratch memory (cli/uexec.c SCRATCH_HINT).
$(BAD)/collide-scratch: tests/bad/collide.c
	@mkdir -p $(dir $@)
	$(CC) $(BAD_CFLAGS) -nostdlib -static -no-pie -Wl,-Ttext-segment=$(UEXEC_SCRATCH) -o $@ $<

# Regenerate from scratch so a variant dropped from mkbad.c does not linger.
$(BAD)/variants.stamp: $(BAD)/mkbad $(BAD)/hello-dyn $(BAD)/hello-static $(BAD)/hello-static-pie
	rm -rf $(BAD)/variants
	$(BAD)/mkbad $(BAD)/variants dyn=$(BAD)/hello-dyn static=$(BAD)/hello-static \
		spie=$(BAD)/hello-static-pie
	touch $@

bad-fixtures: $(BAD)/tryexec $(BAD)/variants.stamp $(BAD)/collide-uexec $(BAD)/collide-scratch

CHECK_DEPS += $(BAD)/tryexec $(BAD)/variants.stamp $(BAD)/collide-uexec $(BAD)/collide-scratch

.PHONY: bad-fixtures
