/* The public calls of libuexec (include/uexec.h): the system-call-like
 * wrappers over the pipeline, which set the caller's errno. */
#include "exec.h"
#include "uexec.h"

/* The caller's libc's errno, if it has one (glibc and musl both do). */
extern int *__errno_location(void) __attribute__((weak));

static int fail(int r)
{
	if (__errno_location)
		*__errno_location() = -r;
	return -1;
}

__attribute__((visibility("default"))) int uexec_execve(const char *path, char *const argv[], char *const envp[])
{
	return fail(uexec_exec_path(path, argv, envp, NULL));
}
