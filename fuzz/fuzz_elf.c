/*
 * fuzz_elf: the whole dry run, uexec_check_fd(), on arbitrary file contents:
 * the format handlers, the ELF header and program-header checks, PT_INTERP,
 * "#!" parsing, and the plan.  The input is written to a memfd, so the
 * loader reads it through the same system calls as a real file.
 */
#include "exec.h"
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static int fd = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fd < 0 && (fd = memfd_create("fuzz_elf", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(fd, 0) || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	uexec_check_fd(fd, "fuzz_elf");
	return 0;
}
