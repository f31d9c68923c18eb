/* Entry points shared by the library calls and the command. */
#ifndef UEXEC_EXEC_H
#define UEXEC_EXEC_H

#include "util.h"

/* Runs path; returns -errno on failure (uexec_reason() says why). */
HIDDEN int uexec_exec_path(const char *path, char *const argv[], char *const envp[],
			   const char *argv0);

/* execveat(): dirfd and AT_EMPTY_PATH / AT_SYMLINK_NOFOLLOW. */
HIDDEN int uexec_exec_at(int dirfd, const char *path, int at_flags, char *const argv[],
			 char *const envp[], const char *argv0);

/* A program held in memory (written to a memfd first). */
HIDDEN int uexec_exec_mem(const void *image, size_t size, char *const argv[], char *const envp[],
			  const char *argv0);

/* Stages 1-4 only, on an open file: 0 or -errno (uexec_reason() says why). */
HIDDEN int uexec_check_fd(int fd, const char *name);

/* execvpe(3)'s search (execvp.c): -errno on failure. */
HIDDEN int uexec_execvpe_r(const char *file, char *const argv[], char *const envp[]);
/* The C library's environ, or an empty one. */
HIDDEN char *const *uexec_environ(void);
/* The same, with the plan shown by show(b, ctx) (--plan of a file not run). */
struct bprm;
HIDDEN int uexec_dry_run_fd(int fd, const char *name, int (*show)(struct bprm *b, void *ctx),
			    void *ctx);

#endif
