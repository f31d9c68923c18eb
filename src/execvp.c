/*
 * The exec family a C programmer reaches for, on top of uexec_execve():
 * execv, execvp, execvpe, execl, execlp, execle with execvp(3)'s rules as
 * glibc has them:
 *   - a name with a slash is run as it is; an empty name is ENOENT; a name
 *     longer than NAME_MAX is ENAMETOOLONG;
 *   - otherwise each element of PATH (the caller's environment; unset:
 *     "/bin:/usr/bin"; an empty element is the current directory) is tried
 *     in turn: EACCES is remembered and the search goes on, as it does for
 *     ENOENT, ESTALE, ENOTDIR, ENODEV and ETIMEDOUT; any other error ends
 *     it; at the end EACCES if one was seen, else the last error;
 *   - a file that is neither ELF nor "#!" (ENOEXEC) is run by /bin/sh, as
 *     "/bin/sh FILE ARG...".
 * uexec_execve() leaves the caller unchanged when it fails, so trying the
 * next element is safe.
 */
#include <errno.h>
#include <stdarg.h>
#include "exec.h"
#include "sys.h"

#define NAME_MAX_    255
#define PATH_MAX_    4096
#define DEFAULT_PATH "/bin:/usr/bin"

/* the C library's, when there is one (not in the command) */
extern char **environ __attribute__((weak));

static char *const *env_or_empty(void)
{
	static char *const none[] = {NULL};

	return &environ && environ ? environ : none;
}

static const char *env_get(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/* maybe_script_execute(): "/bin/sh FILE ARG..." */
static int run_with_sh(const char *file, char *const argv[], char *const envp[])
{
	int argc = 0;

	while (argv && argv[argc])
		argc++;
	{
		char *v[argc + 2];

		v[0] = (char *)"/bin/sh";
		v[1] = (char *)file;
		for (int i = 1; i < argc; i++)
			v[i + 1] = argv[i];
		v[argc > 1 ? argc + 1 : 2] = NULL;
		return uexec_exec_at(AT_FDCWD, "/bin/sh", 0, v, envp, NULL);
	}
}

static int try_one(const char *file, char *const argv[], char *const envp[])
{
	int r = uexec_exec_at(AT_FDCWD, file, 0, argv, envp, NULL);

	return r == -ENOEXEC ? run_with_sh(file, argv, envp) : r;
}

int uexec_execvpe_r(const char *file, char *const argv[], char *const envp[])
{
	const char *path;
	size_t flen;
	int got_eacces = 0, r = -ENOENT;

	if (!file || !*file)
		return uexec_fail(ENOENT, "the file name is empty");
	if (strchr(file, '/'))
		return try_one(file, argv, envp);
	flen = strlen(file);
	if (flen > NAME_MAX_)
		return uexec_fail(ENAMETOOLONG, "the file name is longer than NAME_MAX");
	path = env_get(env_or_empty(), "PATH");
	if (!path)
		path = DEFAULT_PATH;
	for (const char *p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t dlen = end ? (size_t)(end - p) : strlen(p);
		char buf[PATH_MAX_ + NAME_MAX_ + 2];

		if (dlen < PATH_MAX_) { /* longer elements are skipped */
			memcpy(buf, p, dlen);
			if (dlen)
				buf[dlen++] = '/';
			memcpy(buf + dlen, file, flen + 1);
			r = try_one(buf, argv, envp);
			switch (-r) {
			case EACCES:
				got_eacces = 1;
				/* fall through */
			case ENOENT:
			case ESTALE:
			case ENOTDIR:
			case ENODEV:
			case ETIMEDOUT:
				break;
			default:
				return r;
			}
		}
		if (!end)
			break;
		p = end;
	}
	if (got_eacces)
		return uexec_fail(EACCES, "%s: found in PATH, but no entry could be run", file);
	return r;
}

char *const *uexec_environ(void)
{
	return env_or_empty();
}
