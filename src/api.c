/*
 * The public calls of libuexec (include/uexec.h): the exec family over the
 * pipeline.  They return only on failure: -1 with the caller's errno set,
 * and the caller as it was.
 */
#include <errno.h>
#include <stdarg.h>
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

API int uexec_execv(const char *path, char *const argv[])
{
	return fail(uexec_exec_at(AT_FDCWD, path, 0, argv, uexec_environ(), NULL));
}

API int uexec_execvp(const char *file, char *const argv[])
{
	return fail(uexec_execvpe_r(file, argv, uexec_environ()));
}

API int uexec_execvpe(const char *file, char *const argv[], char *const envp[])
{
	return fail(uexec_execvpe_r(file, argv, envp));
}

/* execl(3) and friends: the arguments up to the NULL into an array on the
 * stack, then (execle) the environment after it. */
enum { BY_PATH, BY_SEARCH, WITH_ENV };

static int exec_list(int how, const char *name, const char *arg, va_list ap)
{
	va_list count;
	char *const *envp;
	int n = 1;

	va_copy(count, ap);
	while (va_arg(count, char *))
		n++;
	va_end(count);
	{
		char *v[n + 1];

		v[0] = (char *)arg;
		for (int i = 1; i <= n; i++)
			v[i] = va_arg(ap, char *); /* v[n]: the NULL */
		envp = how == WITH_ENV ? va_arg(ap, char *const *) : uexec_environ();
		return fail(how == BY_SEARCH ? uexec_execvpe_r(name, v, envp)
					     : uexec_exec_at(AT_FDCWD, name, 0, v, envp, NULL));
	}
}

API int uexec_execl(const char *path, const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = exec_list(BY_PATH, path, arg, ap);
	va_end(ap);
	return r;
}

API int uexec_execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = exec_list(BY_SEARCH, file, arg, ap);
	va_end(ap);
	return r;
}

API int uexec_execle(const char *path, const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = exec_list(WITH_ENV, path, arg, ap);
	va_end(ap);
	return r;
}
