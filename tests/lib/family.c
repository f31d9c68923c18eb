/*
 * family SHOWARGS - the exec family (uexec_execv, execvp, execvpe, execl,
 * execlp, execle) against glibc's own wrappers, and uexec_spawn() against
 * posix_spawn() for what 70-library.t's probe runs do not show: errors, no
 * zombie, PATH search, a session, a multi-threaded caller, a seccomp filter
 * that denies execve, and each mode's randomisation.
 *
 * Each exec case runs in two children, one calling glibc's wrapper and one
 * libuexec's with the same arguments, environment and directory; what the
 * program prints (its "exe=" line aside: it needs privilege through uexec)
 * or the errno of the failure must be the same.  Prints "ok - " / "not ok - "
 * lines (tests/70-library.t numbers them).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "deny_execve.h"
#include "tap.h"
#include "uexec.h"

extern char **environ;
static const char *showargs;
static char dir[64];

/* The case's call, made by glibc (u == 0) or libuexec (u == 1). */
typedef void (*call_fn)(int u, void *arg);

/* Runs call in a child with stdout to a pipe; returns what it printed, or
 * "errno=NAME" when the call returned. */
static char *run_child(call_fn call, int u, void *arg)
{
	static char out[2][8192];
	int p[2], st;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	if (pipe(p))
		return "pipe";
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		call(u, arg);
		printf("errno=%s\n", strerrorname_np(errno));
		fflush(stdout);
		_exit(100);
	}
	close(p[1]);
	while (n < sizeof(out[u]) - 1 && (r = read(p[0], out[u] + n, sizeof(out[u]) - 1 - n)) > 0)
		n += (size_t)r;
	out[u][n] = 0;
	close(p[0]);
	waitpid(pid, &st, 0);
	/* the exe line differs without privilege (README); drop it */
	{
		char *e = strstr(out[u], "exe=");

		if (e && (e == out[u] || e[-1] == '\n')) {
			char *nl = strchr(e, '\n');

			memmove(e, nl ? nl + 1 : e + strlen(e), strlen(nl ? nl + 1 : ""));
			e[strlen(nl ? nl + 1 : "")] = 0;
		}
	}
	n = strlen(out[u]);
	snprintf(out[u] + n, sizeof(out[u]) - n, "status=%d\n",
		 WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return out[u];
}

static void compare(const char *name, call_fn call, void *arg, const char *want_glob)
{
	char *k = run_child(call, 0, arg), *u = run_child(call, 1, arg);
	int same = strcmp(k, u) == 0;

	tap(same && (!want_glob || strstr(k, want_glob)), "%s: libuexec == glibc", name);
	if (!same || (want_glob && !strstr(k, want_glob)))
		diag("glibc: %s# uexec: %s", k, u);
}

/* --- the cases -------------------------------------------------------- */

struct vp {
	const char *file, *path, *cwd;
	int with_env;
};

static void do_execvp(int u, void *arg)
{
	struct vp *c = arg;
	char *argv[] = {(char *)c->file, "one", "two words", NULL};

	if (strcmp(c->file, "script") == 0) /* sh tries to open argv[1] otherwise */
		argv[0] = "script";
	char *env[] = {"ONLY=1", NULL};

	if (c->path)
		setenv("PATH", c->path, 1);
	else
		unsetenv("PATH");
	if (c->cwd && chdir(c->cwd))
		return;
	if (c->with_env)
		u ? uexec_execvpe(c->file, argv, env) : execvpe(c->file, argv, env);
	else
		u ? uexec_execvp(c->file, argv) : execvp(c->file, argv);
}

static void do_execv(int u, void *arg)
{
	char *argv[] = {"name", "a", NULL};

	(void)arg;
	u ? uexec_execv(showargs, argv) : execv(showargs, argv);
}

static void do_execl(int u, void *arg)
{
	(void)arg;
	u ? uexec_execl(showargs, "l0", "l1", "l2", (char *)NULL)
	  : execl(showargs, "l0", "l1", "l2", (char *)NULL);
}

static void do_execlp(int u, void *arg)
{
	(void)arg;
	setenv("PATH", dir, 1);
	u ? uexec_execlp("showargs", "lp0", "lp1", (char *)NULL)
	  : execlp("showargs", "lp0", "lp1", (char *)NULL);
}

static void do_execle(int u, void *arg)
{
	char *env[] = {"A=1", "B=2", "C=3", NULL};

	(void)arg;
	u ? uexec_execle(showargs, "le0", "le1", (char *)NULL, env)
	  : execle(showargs, "le0", "le1", (char *)NULL, env);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		perror(path);
	close(fd);
	chmod(path, mode);
}

/* --- uexec_spawn ----------------------------------------------------------- */

static int spawn_status(int fresh, const char *cmd, char **argv, int *status)
{
	uexec_spawnattr_t at;
	int pid, e;

	uexec_spawnattr_init(&at);
	if (fresh) {
		at.flags |= UEXEC_SPAWN_FRESH_LAYOUT;
		at.command = cmd;
	}
	e = uexec_spawn(&pid, argv[0], NULL, &at, argv, environ);
	if (e == 0)
		waitpid(pid, status, 0);
	return e;
}

static void *thread_spin(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* The [stack] line of a shell started by uexec_spawn() in one mode: the
 * shell reads its own maps with a builtin (no exec of its own). */
static void stack_of(int fresh, const char *cmd, char *out, size_t n)
{
	char *argv[] = {"/bin/sh", "-c",
			"while read -r l; do case $l in *'[stack]'*) echo \"$l\";; esac; "
			"done </proc/self/maps",
			NULL};
	uexec_spawn_file_actions_t fa;
	uexec_spawnattr_t at;
	int p[2], pid, st;
	ssize_t r;

	out[0] = 0;
	if (pipe(p))
		return;
	uexec_spawn_file_actions_init(&fa);
	uexec_spawn_file_actions_adddup2(&fa, p[1], 1);
	uexec_spawnattr_init(&at);
	if (fresh) {
		at.flags = UEXEC_SPAWN_FRESH_LAYOUT;
		at.command = cmd;
	}
	if (uexec_spawn(&pid, argv[0], &fa, &at, argv, environ) == 0) {
		close(p[1]);
		r = read(p[0], out, n - 1);
		out[r > 0 ? r : 0] = 0;
		waitpid(pid, &st, 0);
	} else {
		close(p[1]);
	}
	close(p[0]);
	uexec_spawn_file_actions_destroy(&fa);
}

int main(int argc, char **argv)
{
	char path[128], bad[128], script[128], loop[128], longname[300];
	const char *cmd = argc > 2 ? argv[2] : NULL;
	int st, e, pid;

	if (argc < 2) {
		fprintf(stderr, "usage: family SHOWARGS [UEXEC]\n");
		return 125;
	}
	showargs = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(dir, sizeof(dir), "/tmp/uexec-family.%d", getpid());
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/showargs", dir);
	if (symlink(showargs, path))
		perror(path);
	snprintf(bad, sizeof(bad), "%s/noexec", dir);
	mkdir(bad, 0755);
	snprintf(script, sizeof(script), "%s/noexec/showargs", dir);
	write_file(script, "not a program\n", 0644);
	snprintf(script, sizeof(script), "%s/script", dir);
	write_file(script, "echo script ran with \"$1\" \"$2\"\n", 0755);
	snprintf(loop, sizeof(loop), "%s/loop", dir);
	mkdir(loop, 0755);
	snprintf(loop, sizeof(loop), "%s/loop/showargs", dir);
	if (symlink("showargs", loop))
		perror(loop);
	snprintf(loop, sizeof(loop), "%s/loop", dir);
	memset(longname, 'n', 280);
	longname[280] = 0;

	{
		char p1[300], p2[300], p3[300], p4[300];
		struct vp cases[] = {
		    {"showargs", dir, NULL, 0},
		    {"showargs", dir, NULL, 1},
		    {"true", NULL, NULL, 0},
		    {"no-such-program", dir, NULL, 0},
		    {"showargs", p1, NULL, 0},		   /* noexec dir only: EACCES */
		    {"showargs", p2, NULL, 0},		   /* noexec dir, then the real one */
		    {"showargs", ":/nonexistent", dir, 0}, /* empty element: cwd */
		    {"script", dir, NULL, 0},		   /* ENOEXEC: /bin/sh */
		    {"./showargs", "/nonexistent", dir, 0},
		    {"", dir, NULL, 0},
		    {longname, dir, NULL, 0},
		    {"showargs", p3, NULL, 0}, /* ENOTDIR element skipped */
		    {"showargs", p4, NULL, 0}, /* ELOOP ends the search */
		};
		const char *names[] = {"execvp found in PATH",
				       "execvpe with its own environment",
				       "execvp, PATH unset: /bin:/usr/bin",
				       "execvp, not found: ENOENT",
				       "execvp, only a non-executable match: EACCES",
				       "execvp, EACCES then found: runs it",
				       "execvp, an empty PATH element is the current directory",
				       "execvp, no #! and no ELF: run by /bin/sh",
				       "execvp with a slash: no search",
				       "execvp of an empty name: ENOENT",
				       "execvp of a name over NAME_MAX: ENAMETOOLONG",
				       "execvp, a PATH element that is a file: skipped",
				       "execvp, a symlink loop: ELOOP ends the search"};
		const char *want[] = {"argv.2=two words",
				      "envc=1",
				      "status=",
				      "errno=ENOENT",
				      "errno=EACCES",
				      "argv.1=one",
				      "argv.0=showargs",
				      "script ran with one two words",
				      "argv.0=./showargs",
				      "errno=ENOENT",
				      "errno=ENAMETOOLONG",
				      "argv.1=one",
				      "errno=ELOOP"};

		snprintf(p1, sizeof(p1), "%s", bad);
		snprintf(p2, sizeof(p2), "%s:%s", bad, dir);
		snprintf(p3, sizeof(p3), "/etc/passwd:%s", dir);
		snprintf(p4, sizeof(p4), "%s:%s", loop, dir);
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			compare(names[i], do_execvp, &cases[i], want[i]);
	}
	compare("execv", do_execv, NULL, "argv.1=a");
	compare("execl", do_execl, NULL, "argv.2=l2");
	compare("execlp", do_execlp, NULL, "argv.1=lp1");
	compare("execle", do_execle, NULL, "envc=3");

	/* uexec_spawn: errors are the return value, no child is left */
	{
		char *av[] = {"/nonexistent/program", NULL};
		pid_t p;

		e = uexec_spawn(&pid, av[0], NULL, NULL, av, environ);
		p = waitpid(-1, &st, WNOHANG);
		tap(e == ENOENT && p == -1 && errno == ECHILD,
		    "uexec_spawn of a missing program returns ENOENT and leaves no child (%s)",
		    strerrorname_np(e));
		e = posix_spawn(&pid, av[0], NULL, NULL, av, environ);
		tap(e == ENOENT, "posix_spawn of it too (%s)", strerrorname_np(e));
	}
	{
		char *av[] = {"true", NULL};

		setenv("PATH", "/bin:/usr/bin", 1);
		e = uexec_spawnp(&pid, "true", NULL, NULL, av, environ);
		if (e == 0)
			waitpid(pid, &st, 0);
		tap(e == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "uexec_spawnp finds true in PATH");
	}
	{
		uexec_spawnattr_t at;
		char *av[] = {"/bin/sh", "-c",
			      "ps -o sid= -p $$ | tr -d ' ' >/dev/null; "
			      "[ \"$(cut -d' ' -f6 /proc/$$/stat)\" = $$ ] && exit 7",
			      NULL};

		uexec_spawnattr_init(&at);
		at.flags = UEXEC_SPAWN_SETSID;
		e = uexec_spawn(&pid, av[0], NULL, &at, av, environ);
		if (e == 0)
			waitpid(pid, &st, 0);
		tap(e == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 7,
		    "UEXEC_SPAWN_SETSID: the program leads a new session");
	}
	{
		pthread_t t;
		char *av[] = {"/bin/sh", "-c", "exit 5", NULL};

		pthread_create(&t, NULL, thread_spin, NULL);
		e = spawn_status(0, NULL, av, &st);
		tap(e == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 5,
		    "uexec_spawn from a caller with two threads");
	}
	/* a seccomp filter that denies execve: only the execve-free mode works */
	{
		int p[2];
		char res[256] = "";
		ssize_t n;

		if (pipe(p) == 0 && (pid = fork()) == 0) {
			char *av[] = {"/bin/sh", "-c", "echo hi from sh; exit 4", NULL};
			char line[200];
			int e1, e2, e3, st1 = -1;

			close(p[0]);
			dup2(p[1], 1);
			if (deny_execve()) {
				printf("no seccomp\n");
				_exit(0);
			}
			e1 = posix_spawn(&pid, av[0], NULL, NULL, av, environ);
			if (e1 == 0)
				waitpid(pid, &st1, 0);
			e2 = spawn_status(0, NULL, av, &st);
			e3 = spawn_status(1, cmd, av, &st1);
			snprintf(line, sizeof(line), "posix=%s%s uexec=%s:%d fresh=%s\n",
				 e1 ? strerrorname_np(e1) : "ran:", e1 ? "" : "",
				 e2 ? strerrorname_np(e2) : "ran",
				 WIFEXITED(st) ? WEXITSTATUS(st) : -1,
				 e3 ? strerrorname_np(e3) : "ran");
			fflush(stdout);
			if (write(1, line, strlen(line)) < 0)
				_exit(1);
			_exit(0);
		}
		close(p[1]);
		for (size_t got = 0; got < sizeof(res) - 1 &&
				     (n = read(p[0], res + got, sizeof(res) - 1 - got)) > 0;)
			got += (size_t)n, res[got] = 0;
		waitpid(pid, &st, 0);
		tap(strstr(res, "hi from sh") && strstr(res, "uexec=ran:4") &&
			strstr(res, "fresh=EPERM"),
		    "execve denied by seccomp: uexec_spawn runs the program, the fresh layout "
		    "(which needs execve) fails with EPERM");
		diag("%s", res);
		if (strstr(res, "posix=ran"))
			diag("posix_spawn ran despite the filter?");
	}
	/* randomisation: siblings share the caller's in the default mode */
	{
		char a[256], b[256], c[256], d[256];

		stack_of(0, NULL, a, sizeof(a));
		stack_of(0, NULL, b, sizeof(b));
		stack_of(1, cmd, c, sizeof(c));
		stack_of(1, cmd, d, sizeof(d));
		tap(*a && strcmp(a, b) == 0,
		    "execve-free siblings share the caller's [stack] place");
		FILE *f = fopen("/proc/sys/kernel/randomize_va_space", "r");
		int va = 2;

		if (f) {
			if (fscanf(f, "%d", &va) != 1)
				va = 2;
			fclose(f);
		}
		if (va == 0 || (personality(0xffffffff) & ADDR_NO_RANDOMIZE))
			tap(*c && *d,
			    "fresh-layout siblings: randomisation is off here, not compared");
		else
			tap(*c && *d && strcmp(c, d) != 0 && strcmp(c, a) != 0,
			    "fresh-layout siblings each get a [stack] of their own");
		diag("execve-free: %.40s / %.40s; fresh: %.40s / %.40s", a, b, c, d);
	}
	{
		char rm[200];

		snprintf(rm, sizeof(rm), "rm -rf %s", dir);
		if (system(rm))
			return 1;
	}
	return tap_failed;
}
