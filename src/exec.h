/* Entry points shared by the library calls and the command. */
#ifndef UEXEC_EXEC_H
#define UEXEC_EXEC_H

#include "util.h"

/* Runs path; returns -errno on failure (uexec_reason() says why). */
HIDDEN int uexec_exec_path(const char *path, char *const argv[], char *const envp[],
			   const char *argv0);

/* Stages 1-4 only, on an open file: 0 or -errno (uexec_reason() says why). */
HIDDEN int uexec_check_fd(int fd, const char *name);

#endif
