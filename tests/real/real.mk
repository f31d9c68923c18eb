# tests/real/real.mk — the Go and Rust programs of the real-programs table
# (tests/30-real-programs.t).  Included by the top-level Makefile, which
# defines B and CHECK_DEPS.
#
# Go and Rust runtimes start threads, install signal handlers and read the
# auxv before main, so they catch loader bugs a C hello cannot.  A toolchain
# that is not installed is skipped here, and the test skips its rows.

REAL_OUT := $(B)/fixtures/real

# go keeps its build cache and module path under $(B): the build works as
# root on a clean machine (no $HOME needed), and `make clean` removes it.
# GOENV=off keeps a user's go env file out of the build.
REAL_GOENV := GOCACHE=$(abspath $(B))/go/cache GOPATH=$(abspath $(B))/go/path \
              GOENV=off GOFLAGS= GO111MODULE=on
REAL_GOBUILD := go build -trimpath -buildvcs=false

ifneq ($(shell command -v go 2>/dev/null),)
CHECK_DEPS += $(REAL_OUT)/hello-go $(REAL_OUT)/hello-go-dynamic

# CGO_ENABLED=0: the pure-Go runtime, a static ET_EXEC with no PT_INTERP.
$(REAL_OUT)/hello-go: tests/real/hello.go
	@mkdir -p $(dir $@)
	$(REAL_GOENV) CGO_ENABLED=0 $(REAL_GOBUILD) -o $@ $<

# External linking through gcc gives a dynamic glibc program whose runtime
# starts through runtime/cgo (pthread_create).  When cgo does not work (no C
# compiler) the file is not made and the test skips its row.
$(REAL_OUT)/hello-go-dynamic: tests/real/hello.go
	@mkdir -p $(dir $@)
	$(REAL_GOENV) CGO_ENABLED=1 $(REAL_GOBUILD) -ldflags=-linkmode=external \
	    -o $@ $< || { echo "real.mk: cgo does not work; skipping $@"; rm -f $@; }
endif

ifneq ($(shell command -v rustc 2>/dev/null),)
CHECK_DEPS += $(REAL_OUT)/hello-rust

# rustc directly, no cargo: one file, no crates.  The default target gives a
# dynamic glibc PIE.
$(REAL_OUT)/hello-rust: tests/real/hello.rs
	@mkdir -p $(dir $@)
	rustc -O --edition 2021 -o $@ $<
endif

.PHONY: real-fixtures
real-fixtures: $(filter $(REAL_OUT)/%,$(CHECK_DEPS))
