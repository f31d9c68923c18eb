# tests/kernels/kernels.mk - make check-kernels: the kernel-dependent tests
# inside each kernel of tests/kernels/matrix, booted under qemu (TCG).
# Included by the top-level Makefile (B := build).
#
#   make check-kernels                   every kernel of the matrix
#   make check-kernels KERNELS=6.1       some of them
#   make check-kernels KERNEL_TESTS='10-probe 40-scripts'
#
# Needs qemu-system-x86 (its virtiofsd), busybox-static, e2fsprogs, xz-utils
# and http://deb.debian.org (.ci/run installs them); downloads are kept in
# KERNELS_CACHE (~/.cache/uexec-kernels), each run's files in build-kernels/.

KERNELS ?=
.PHONY: check-kernels
check-kernels: $(CHECK_DEPS)
	B=$(CURDIR)/$(B) $(if $(KERNEL_TESTS),KERNEL_TESTS='$(KERNEL_TESTS)') \
		bash tests/kernels/run.sh $(KERNELS)
