/* Dry runs that keep the plan, for the sanitizer build and the fuzzers. */
#ifndef UEXEC_PLAN_CHECK_H
#define UEXEC_PLAN_CHECK_H

#include <stddef.h>

/*
 * Stages 2-4 on the file open on fd, like uexec_check_fd(), but the plan is
 * kept and checked against what map.c relies on (see plan_check.c).
 * as_interp: run the checks and plan of load_elf_interp() instead, which a
 * dry run never reaches.  randomize: PF_RANDOMIZE for a PIE's bias.
 * Returns the loader's 0 or -errno; sets *violation (else NULL) when the
 * loader accepted a file but planned something map.c cannot carry out safely.
 */
int plan_check(int fd, const char *name, int as_interp, int randomize, const char **violation);

#endif
