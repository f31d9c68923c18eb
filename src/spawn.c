/*
 * uexec_spawn(): start a program in a new process, shaped like
 * posix_spawn(3).  The new process is a plain fork of the caller (a raw
 * clone(SIGCHLD): no atfork handlers run, the child uses only this library,
 * so a multi-threaded caller is fine); with every signal blocked around the
 * clone, the child resets handled signals, applies the attributes (session,
 * process group, default signals, mask, ids) and the file actions in order,
 * then loads the program:
 *   - execve-free (the default): uexec_execve() in the child.  It never calls
 *     the kernel's execve, so it works where a seccomp filter denies it; the
 *     program keeps the caller's address-space randomisation (the child is a
 *     copy of the caller: its stack top, mmap base and vDSO stay).
 *   - fresh layout (UEXEC_SPAWN_FRESH_LAYOUT): the child execs the uexec
 *     command, which the kernel lays out and randomises afresh, and which
 *     loads the program.  Needs execve.
 * A failure in the child before the program runs comes back through a
 * close-on-exec pipe (its errno and reason): the call returns that errno,
 * after reaping the child, and uexec_reason() gives the reason.  On success
 * the pipe closes when the program starts (the library's close-on-exec
 * sweep, or the command's), and the call returns 0 with the child's pid.
 */
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include "bprm.h"
#include "exec.h"
#include "sys.h"
#include "uexec.h"

#define API __attribute__((visibility("default")))

#ifndef UEXEC_COMMAND
#define UEXEC_COMMAND "/usr/local/bin/uexec"
#endif

enum { FA_OPEN = 1, FA_CLOSE, FA_DUP2, FA_CHDIR, FA_FCHDIR };

/* One file action, followed by its path (NUL-terminated), 8-byte aligned. */
struct fa_rec {
	uint32_t size, kind;
	int fd, newfd, oflag;
	uint32_t mode;
	char path[];
};

/* the child's report: errno, then the reason */
struct spawn_report {
	int err;
	char reason[256];
};

API int uexec_spawn_file_actions_init(uexec_spawn_file_actions_t *fa)
{
	fa->__buf = NULL;
	fa->__used = fa->__size = 0;
	return 0;
}

API int uexec_spawn_file_actions_destroy(uexec_spawn_file_actions_t *fa)
{
	if (fa->__buf)
		sys_munmap((uint64_t)fa->__buf, fa->__size);
	return uexec_spawn_file_actions_init(fa);
}

static int fa_add(uexec_spawn_file_actions_t *fa, uint32_t kind, int fd, int newfd,
		  const char *path, int oflag, uint32_t mode)
{
	size_t plen = path ? strlen(path) + 1 : 0, need = (sizeof(struct fa_rec) + plen + 7) & ~7UL;
	struct fa_rec *r;

	if (fd < 0 || newfd < 0)
		return EBADF;
	if (fa->__used + need > fa->__size) {
		size_t size = (fa->__used + need + 4095) & ~4095UL;
		long p = fa->__buf
			     ? sys_mremap((uint64_t)fa->__buf, fa->__size, size, MREMAP_MAYMOVE, 0)
			     : sys_mmap(0, size, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (sys_is_err(p))
			return ENOMEM;
		fa->__buf = (void *)p;
		fa->__size = size;
	}
	r = (struct fa_rec *)((char *)fa->__buf + fa->__used);
	r->size = (uint32_t)need;
	r->kind = kind;
	r->fd = fd;
	r->newfd = newfd;
	r->oflag = oflag;
	r->mode = mode;
	if (path)
		memcpy(r->path, path, plen);
	fa->__used += need;
	return 0;
}

API int uexec_spawn_file_actions_addopen(uexec_spawn_file_actions_t *fa, int fd, const char *path,
					 int oflag, unsigned mode)
{
	return fa_add(fa, FA_OPEN, fd, 0, path, oflag, mode);
}

API int uexec_spawn_file_actions_addclose(uexec_spawn_file_actions_t *fa, int fd)
{
	return fa_add(fa, FA_CLOSE, fd, 0, NULL, 0, 0);
}

API int uexec_spawn_file_actions_adddup2(uexec_spawn_file_actions_t *fa, int fd, int newfd)
{
	return fa_add(fa, FA_DUP2, fd, newfd, NULL, 0, 0);
}

API int uexec_spawn_file_actions_addchdir(uexec_spawn_file_actions_t *fa, const char *path)
{
	return fa_add(fa, FA_CHDIR, 0, 0, path, 0, 0);
}

API int uexec_spawn_file_actions_addfchdir(uexec_spawn_file_actions_t *fa, int fd)
{
	return fa_add(fa, FA_FCHDIR, fd, 0, NULL, 0, 0);
}

API int uexec_spawnattr_init(uexec_spawnattr_t *attr)
{
	memset(attr, 0, sizeof(*attr));
	return 0;
}

API int uexec_spawnattr_destroy(uexec_spawnattr_t *attr)
{
	(void)attr;
	return 0;
}

/* --- the child --------------------------------------------------------- */

static __attribute__((noreturn)) void child_fail(int report_fd, int err, const char *reason)
{
	struct spawn_report rep;

	memset(&rep, 0, sizeof(rep));
	rep.err = err;
	ufmtf(rep.reason, sizeof(rep.reason), "%s", reason);
	sys_write(report_fd, &rep, sizeof(rep));
	sys_exit_group(127);
}

/* The report pipe out of the way of a descriptor an action is about to use. */
static int move_report(int report_fd, int fd)
{
	long r;

	if (fd != report_fd)
		return report_fd;
	r = sys_call3(SYS_fcntl, report_fd, F_DUPFD_CLOEXEC, 3);
	if (r < 0)
		child_fail(report_fd, (int)-r, "cannot move the report pipe");
	sys_close(report_fd);
	return (int)r;
}

static int do_actions(const uexec_spawn_file_actions_t *fa, int *report_fd)
{
	for (size_t at = 0; fa && at < fa->__used;) {
		const struct fa_rec *r = (const struct fa_rec *)((const char *)fa->__buf + at);
		long e = 0;

		switch (r->kind) {
		case FA_OPEN: {
			long fd;

			*report_fd = move_report(*report_fd, r->fd);
			fd = sys_openat(AT_FDCWD, r->path, r->oflag, (int)r->mode);
			if (fd < 0)
				return uexec_fail((int)-fd, "file action: cannot open %s", r->path);
			if (fd != r->fd) {
				e = sys_call2(SYS_dup2, fd, r->fd);
				sys_close((int)fd);
			}
			break;
		}
		case FA_CLOSE:
			/* closing a descriptor that is not open is no error (POSIX 2024) */
			if (r->fd == *report_fd)
				*report_fd = move_report(*report_fd, r->fd);
			else
				sys_close(r->fd);
			break;
		case FA_DUP2:
			*report_fd = move_report(*report_fd, r->newfd);
			if (r->fd == r->newfd) { /* the same: only close-on-exec cleared */
				long fl = sys_call2(SYS_fcntl, r->fd, F_GETFD);

				e = fl < 0 ? fl
					   : sys_call3(SYS_fcntl, r->fd, F_SETFD, fl & ~FD_CLOEXEC);
			} else {
				e = sys_call2(SYS_dup2, r->fd, r->newfd);
			}
			break;
		case FA_CHDIR:
			e = sys_call1(SYS_chdir, r->path);
			break;
		case FA_FCHDIR:
			e = sys_call1(SYS_fchdir, r->fd);
			break;
		}
		if (e < 0)
			return uexec_fail((int)-e, "file action %u failed", r->kind);
		at += r->size;
	}
	return 0;
}

/*
 * No handler of the caller's may run in the child.  Execve-free, every
 * signal stays blocked until the library has reset the handlers, which sets
 * the mask then (reset.c, uexec_spawn_mask); for the fresh layout the
 * handlers are reset here, before the mask, as the execve that follows
 * would reset them.
 */
static int do_attributes(const uexec_spawnattr_t *a, const uint64_t *old_mask, int fresh)
{
	struct {
		uint64_t handler, flags, restorer, mask;
	} act, dfl = {0, 0, 0, 0};
	uint64_t mask = a && (a->flags & UEXEC_SPAWN_SETSIGMASK) ? a->sigmask : *old_mask;
	uint64_t to_default = a && (a->flags & UEXEC_SPAWN_SETSIGDEF) ? a->sigdefault : 0;
	long e;

	for (int sig = 1; sig <= 64; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP || (!fresh && !(to_default >> (sig - 1) & 1)))
			continue;
		if (sys_call4(SYS_rt_sigaction, sig, NULL, &act, 8) < 0)
			continue;
		if ((to_default >> (sig - 1) & 1) || act.handler > 1)
			sys_call4(SYS_rt_sigaction, sig, &dfl, NULL, 8);
	}
	if (a && (a->flags & UEXEC_SPAWN_SETSID) && (e = sys_call0(SYS_setsid)) < 0)
		return uexec_fail((int)-e, "setsid failed");
	if (a && (a->flags & UEXEC_SPAWN_SETPGROUP) &&
	    (e = sys_call2(SYS_setpgid, 0, a->pgroup)) < 0)
		return uexec_fail((int)-e, "setpgid(0, %d) failed", a->pgroup);
	if (a && (a->flags & UEXEC_SPAWN_RESETIDS)) {
		if ((e = sys_call3(SYS_setresgid, -1, sys_call0(SYS_getgid), -1)) < 0 ||
		    (e = sys_call3(SYS_setresuid, -1, sys_call0(SYS_getuid), -1)) < 0)
			return uexec_fail((int)-e, "cannot reset the effective ids");
	}
	if (fresh) {
		sys_call4(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL, 8);
	} else {
		uexec_spawn_mask = mask;
		uexec_spawn_mask_set = 1;
	}
	return 0;
}

/* The fresh-layout child: the uexec command, told to report on a descriptor. */
static int exec_command(const uexec_spawnattr_t *a, const char *path, char *const argv[],
			char *const envp[], int report_fd)
{
	const char *cmd = a->command ? a->command : UEXEC_COMMAND;
	int argc = 0, fd = (int)sys_call3(SYS_fcntl, report_fd, F_DUPFD, 3);
	char num[16];
	long e;

	if (fd < 0)
		return uexec_fail(-fd, "cannot pass the report pipe on");
	ufmtf(num, sizeof(num), "%d", fd);
	while (argv && argv[argc])
		argc++;
	{
		char *v[argc + 8];
		int n = 0;

		v[n++] = (char *)cmd;
		v[n++] = (char *)"--error-fd";
		v[n++] = num;
		v[n++] = (char *)"-a";
		v[n++] = argc ? argv[0] : (char *)"";
		v[n++] = (char *)"--";
		v[n++] = (char *)path;
		for (int i = 1; i < argc; i++)
			v[n++] = argv[i];
		v[n] = NULL;
		e = sys_call3(SYS_execve, cmd, v, envp);
	}
	sys_close(fd);
	return uexec_fail((int)-e, "cannot run the uexec command %s", cmd);
}

static __attribute__((noreturn)) void child(const char *path, int search,
					    const uexec_spawn_file_actions_t *fa,
					    const uexec_spawnattr_t *attr, char *const argv[],
					    char *const envp[], int report_fd,
					    const uint64_t *old_mask)
{
	int r = do_attributes(attr, old_mask, attr && (attr->flags & UEXEC_SPAWN_FRESH_LAYOUT));

	if (r == 0)
		r = do_actions(fa, &report_fd);
	if (r == 0 && attr && (attr->flags & UEXEC_SPAWN_FRESH_LAYOUT))
		r = exec_command(attr, path, argv, envp, report_fd);
	else if (r == 0 && search)
		r = uexec_execvpe_r(path, argv, envp);
	else if (r == 0)
		r = uexec_exec_at(AT_FDCWD, path, 0, argv, envp, NULL);
	child_fail(report_fd, -r, uexec_reason());
}

static int spawn(int *pidp, const char *path, int search, const uexec_spawn_file_actions_t *fa,
		 const uexec_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	uint64_t all = ~0UL, old;
	struct spawn_report rep;
	int p[2], st;
	long pid, n;

	uexec_clear_error();
	if (!path)
		return EFAULT;
	if ((n = sys_call2(SYS_pipe2, p, O_CLOEXEC)) < 0)
		return (int)-n;
	sys_call4(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, 8);
	pid = sys_call5(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) {
		sys_close(p[0]);
		child(path, search, fa, attr, argv, envp ? envp : uexec_environ(), p[1], &old);
	}
	sys_call4(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8);
	sys_close(p[1]);
	if (pid < 0) {
		sys_close(p[0]);
		return (int)-pid;
	}
	do
		n = sys_read(p[0], &rep, sizeof(rep));
	while (n == -EINTR);
	sys_close(p[0]);
	if (n == (long)sizeof(rep)) {
		/* the child failed: reap it, its errno is the answer */
		while (sys_call4(SYS_wait4, pid, &st, 0, 0) == -EINTR)
			;
		rep.reason[sizeof(rep.reason) - 1] = 0;
		uexec_fail(rep.err, "%s", rep.reason);
		return rep.err;
	}
	if (pidp)
		*pidp = (int)pid;
	return 0;
}

API int uexec_spawn(int *pid, const char *path, const uexec_spawn_file_actions_t *fa,
		    const uexec_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	return spawn(pid, path, 0, fa, attr, argv, envp);
}

API int uexec_spawnp(int *pid, const char *file, const uexec_spawn_file_actions_t *fa,
		     const uexec_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	return spawn(pid, file, 1, fa, attr, argv, envp);
}
