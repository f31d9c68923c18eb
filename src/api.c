/*
 * The public calls of libuexec (include/uexec.h): the exec family over the
 * pipeline.  They return only on failure: -1 with the caller's errno set,
 * and the caller as it was.
 */
#include <errno.h>
#include "exec.h"
#include "sys.h"
#include "uexec.h"

#define API __attribute__((visibility("default")))

/* The caller's libc's errno, if it has one (glibc and musl both do). */
extern int *__errno_location(void) __attribute__((weak));

static int fail(int r)
{
	if (__errno_location)
		*__errno_location() = -r;
	return -1;
}

API int uexec_execve(const char *path, char *const argv[], char *const envp[])
{
	return fail(uexec_exec_at(AT_FDCWD, path, 0, argv, envp, NULL));
}

API int uexec_execveat(int dirfd, const char *path, char *const argv[], char *const envp[],
		       int flags)
{
	return fail(uexec_exec_at(dirfd, path, flags, argv, envp, NULL));
}

API int uexec_fexecve(int fd, char *const argv[], char *const envp[])
{
	return fail(uexec_exec_at(fd, "", AT_EMPTY_PATH, argv, envp, NULL));
}

API int uexec_execve_mem(const void *image, size_t size, char *const argv[], char *const envp[])
{
	return fail(uexec_exec_mem(image, size, argv, envp, NULL));
}
