# tests/san: the library under AddressSanitizer and UBSan (gcc's, no extra
# package), for tests/50-sanitizers.t and the unit tests (tests/unit,
# tests/55-unit.t).  Included by the top-level Makefile, which defines B,
# WARN, LIB_SRCS, LIB_ASMS and CHECK_DEPS.
#
#   $(SAN_B)/src/...       the library sources, compiled with the sanitizers
#   $(SAN_B)/check         uexec_check_fd() and the plan's invariants, per file
#   $(SAN_B)/unit/NAME     one TAP program per tests/unit/NAME.c
#
# The library's own build is freestanding; this one is hosted (the
# sanitizers need their runtime) and otherwise uses the same options.  The
# arena gets red zones (tests/san/redzone.c) so that an overrun from one
# scratch allocation into the next is reported too.

SAN_B       := $(B)/san
SAN_CC      := gcc
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_CFLAGS  := -std=gnu11 -D_GNU_SOURCE $(WARN) -O1 -g -fno-strict-aliasing \
               -fvisibility=hidden -Iinclude -Isrc $(SAN_FLAGS)
SAN_LDFLAGS := $(SAN_FLAGS) -Wl,--wrap=arena_alloc -Wl,--wrap=arena_release
SAN_LIB     := $(patsubst %.c,$(SAN_B)/%.o,$(LIB_SRCS)) \
               $(patsubst %.S,$(SAN_B)/%.o,$(LIB_ASMS)) $(SAN_B)/tests/san/redzone.o \
               $(SAN_B)/tests/san/plan_check.o
UNIT_SRCS   := $(wildcard tests/unit/*.c)
UNIT_BINS   := $(patsubst tests/unit/%.c,$(SAN_B)/unit/%,$(UNIT_SRCS))

$(SAN_B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(SAN_CC) $(SAN_CFLAGS) -MMD -MP -c $< -o $@

$(SAN_B)/%.o: %.S
	@mkdir -p $(dir $@)
	$(SAN_CC) $(SAN_CFLAGS) -MMD -MP -c $< -o $@

$(SAN_B)/check: $(SAN_B)/tests/san/check.o $(SAN_LIB)
	$(SAN_CC) $(SAN_LDFLAGS) -o $@ $^

$(SAN_B)/unit/%: $(SAN_B)/tests/unit/%.o $(SAN_LIB)
	@mkdir -p $(dir $@)
	$(SAN_CC) $(SAN_LDFLAGS) -o $@ $^

# Keep the objects: they are what the .d files describe.
.SECONDARY: $(patsubst tests/unit/%.c,$(SAN_B)/tests/unit/%.o,$(UNIT_SRCS))

san: $(SAN_B)/check $(UNIT_BINS)

CHECK_DEPS += $(SAN_B)/check $(UNIT_BINS)

.PHONY: san
