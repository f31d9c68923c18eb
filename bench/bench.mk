# bench/bench.mk — the start-up benchmark (`make bench` runs bench/run.sh).
# Included by the top-level Makefile, which defines B and uses BENCH_DEPS.

BENCH_OUT    := $(B)/bench
BENCH_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2

BENCH_DEPS += $(BENCH_OUT)/bench $(BENCH_OUT)/hello-glibc-static

$(BENCH_OUT)/bench: bench/bench.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

# The same source, static, against each libc: glibc's start-up (IRELATIVE
# relocs, tunables, TLS set-up) costs far more than musl's.
$(BENCH_OUT)/hello-glibc-static: bench/hello.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -static -o $@ $<

# No libc, no start files: the cheapest program there is.
BENCH_DEPS += $(BENCH_OUT)/hello-nolibc-static
$(BENCH_OUT)/hello-nolibc-static: bench/nolibc.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -static -nostdlib -fno-stack-protector -no-pie \
	    -Wl,-z,noexecstack -o $@ $<

# musl-tools may be missing; run.sh then skips that row.
ifneq ($(shell command -v musl-gcc 2>/dev/null),)
BENCH_DEPS += $(BENCH_OUT)/hello-musl-static

$(BENCH_OUT)/hello-musl-static: bench/hello.c
	@mkdir -p $(dir $@)
	musl-gcc $(BENCH_CFLAGS) -static -o $@ $<
endif

# Loops over single steps (bench/micro.c): not run by `make bench`.
BENCH_DEPS += $(BENCH_OUT)/micro
$(BENCH_OUT)/micro: bench/micro.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

.PHONY: bench-fixtures
bench-fixtures: $(BENCH_DEPS)

# Two builds of uexec against each other (bench/ab.c): not run by `make bench`;
# bench/RESULTS.md gives the commands it measured each change with.
BENCH_DEPS += $(BENCH_OUT)/ab
$(BENCH_OUT)/ab: bench/ab.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

# posix_spawn against uexec_spawn() in both modes (bench/spawn.c)
BENCH_DEPS += $(BENCH_OUT)/spawn
$(BENCH_OUT)/spawn: bench/spawn.c $(B)/libuexec.a include/uexec.h
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -Iinclude -o $@ $< $(B)/libuexec.a
