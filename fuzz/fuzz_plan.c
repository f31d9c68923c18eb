/*
 * fuzz_plan: the parser and planner with the plan kept and checked
 * (tests/san/plan_check.c), for the program, for a PIE with an interpreter,
 * and for the same bytes as an interpreter — a path the dry run of
 * uexec_check_fd() never takes.  An accepted file whose plan map.c could
 * not carry out safely aborts.
 *
 * Input: one control byte, then the file.  Control bit 0: PF_RANDOMIZE;
 * bits 1-7: the file is extended (sparse) by that many MiB, so offsets far
 * beyond the bytes given can still lie inside the file without large inputs.
 */
#include "plan_check.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static int fd = -1;

static void check(int as_interp, int randomize)
{
	const char *bad;

	plan_check(fd, "fuzz_plan", as_interp, randomize, &bad);
	if (bad) {
		fprintf(stderr, "fuzz_plan: %s: %s\n", as_interp ? "as interpreter" : "as program",
			bad);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned ctl;

	if (size < 1)
		return 0;
	ctl = data[0];
	data++;
	size--;
	if (fd < 0 && (fd = memfd_create("fuzz_plan", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(fd, 0) || (size && pwrite(fd, data, size, 0) != (ssize_t)size) ||
	    ftruncate(fd, (off_t)size + ((off_t)(ctl >> 1) << 20)))
		abort();
	check(0, ctl & 1);
	check(1, ctl & 1);
	return 0;
}
