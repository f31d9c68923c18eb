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
static int count_args(va_list ap)
{
	int n = 1;

	while (va_arg(ap, char *))
		n++;
	return n;
}

static char *const *fill_args(char **v, int n, const char *arg, va_list ap)
{
	v[0] = (char *)arg;
	for (int i = 1; i < n; i++)
		v[i] = va_arg(ap, char *);
	v[n] = NULL;
	(void)va_arg(ap, char *); /* the NULL */
	return v;
}

API int uexec_execl(const char *path, const char *arg, ...)
{
	va_list ap;
	int n;

	va_start(ap, arg);
	n = count_args(ap);
	va_end(ap);
	{
		char *v[n + 1];

		va_start(ap, arg);
		fill_args(v, n, arg, ap);
		va_end(ap);
		return fail(uexec_exec_at(AT_FDCWD, path, 0, v, uexec_environ(), NULL));
	}
}

API int uexec_execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	int n;

	va_start(ap, arg);
	n = count_args(ap);
	va_end(ap);
	{
		char *v[n + 1];

		va_start(ap, arg);
		fill_args(v, n, arg, ap);
		va_end(ap);
		return fail(uexec_execvpe_r(file, v, uexec_environ()));
	}
}

API int uexec_execle(const char *path, const char *arg, ...)
{
	va_list ap;
	char *const *envp;
	int n;

	va_start(ap, arg);
	n = count_args(ap);
	va_end(ap);
	{
		char *v[n + 1];

		va_start(ap, arg);
		fill_args(v, n, arg, ap);
		envp = va_arg(ap, char *const *);
		va_end(ap);
		return fail(uexec_exec_at(AT_FDCWD, path, 0, v, envp, NULL));
	}
}
