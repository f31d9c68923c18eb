/*
 * run MODE PROG [ARG]... - exec PROG (argv PROG ARG..., this environment)
 * from an ordinary dynamically linked glibc program, by the kernel or by
 * libuexec, so that tests/70-library.t can compare the two runs of the
 * differential probe.
 *
 *   kernel-execve        execve(PROG)
 *   kernel-fexecve       execveat(open(PROG), "", AT_EMPTY_PATH), the descriptor
 *                        inherited (the program can read /dev/fd/N)
 *   kernel-fexecve-cloexec  the same with O_CLOEXEC: /dev/fd/N is gone then
 *   kernel-execveat-rel  execveat(open(dirname(PROG)), basename(PROG), 0)
 *   kernel-mem           PROG copied to a memfd "uexec-image", then
 *                        execveat(memfd, "", AT_EMPTY_PATH): what
 *                        uexec_execve_mem() stands for
 *   kernel-fork          fork(); the child execve()s PROG; the parent waits
 *   kernel-spawn         posix_spawn() with a signal mask, a default signal, a
 *                        new process group and two file actions; the parent
 *                        waits
 *   uexec-spawn, uexec-spawn-fresh: uexec_spawn() with the same, execve-free
 *                        and with UEXEC_SPAWN_FRESH_LAYOUT (the command named
 *                        by $RUN_UEXEC)
 *   uexec-execve, uexec-fexecve, uexec-execveat-rel, uexec-mem (PROG read
 *   into malloc'd memory, uexec_execve_mem), uexec-fork: the same through
 *   libuexec.
 *
 * Before the call this process has what a real caller has and a new program
 * must not inherit: glibc's rseq registration, TLS in use, malloc'd memory
 * in the brk heap and in the mmap area, a handler on an alternate signal
 * stack, a POSIX timer, an atexit() handler and unflushed stdio output
 * (both would print LEAK), close-on-exec descriptors.  The kernel-* modes
 * set up exactly the same, so the probe's output must be the same either way.
 *
 * Exit status: the program's; 126 with a message on stderr if the exec
 * failed; 125 for a usage or setup error.  In the fork modes the parent exits
 * with the child's status (128 + N if it was killed by signal N).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <spawn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <grp.h>
#include <sys/prctl.h>
#include "uexec.h"

extern char **environ;
extern const unsigned int __rseq_size __attribute__((weak));

static __thread long tls_value = 1;
static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void leak_atexit(void)
{
	fputs("LEAK atexit handler of the caller ran\n", stdout);
	fflush(stdout);
}

static void die(const char *what)
{
	fprintf(stderr, "run: %s: %s\n", what, strerror(errno));
	exit(125);
}

/*
 * RUN_DROP=UID (as root): last of the set-up, mlockall(MCL_FUTURE), then
 * every id set to UID (groups dropped): the process is
 * non-dumpable then, its /proc/self/{auxv,fd} root's and unreadable to it,
 * and the lock would reach the program's memory.  An exec makes it dumpable
 * again (the ids agree) and locks nothing.  RUN_CLOEXEC0: stdin is marked
 * close-on-exec first (the exec closes descriptor 0 too).
 */
static void maybe_drop(void)
{
	const char *v = getenv("RUN_DROP");
	uid_t id;

	if (getenv("RUN_CLOEXEC0") && fcntl(0, F_SETFD, FD_CLOEXEC) != 0)
		die("marking stdin close-on-exec");
	if (!v)
		return;
	id = (uid_t)atoi(v);
	if (mlockall(MCL_FUTURE) != 0)
		die("mlockall");
	if (setgroups(0, NULL) != 0 || setresgid(id, id, id) != 0 || setresuid(id, id, id) != 0)
		die("dropping to RUN_DROP");
	if (prctl(PR_GET_DUMPABLE) != 0)
		die("still dumpable after dropping the ids");
}

/* The whole file, in malloc'd memory. */
static void *slurp(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t done = 0;

	if (fd < 0 || fstat(fd, &st) < 0)
		die(path);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		die("malloc");
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n <= 0)
			die(path);
		done += (size_t)n;
	}
	close(fd);
	*size = done;
	return buf;
}

/* State the new program must not see (see the top of the file). */
static void set_up_caller(void)
{
	static char altstack[1 << 16];
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
	struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = SA_ONSTACK | SA_RESTART};
	struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
	struct itimerspec its = {.it_value = {1000, 0}};
	timer_t timer;
	char *small, *big;

	tls_value = 42 + (long)getpid();
	small = malloc(100);
	big = malloc(4 << 20); /* an mmap'd chunk */
	if (!small || !big)
		die("malloc");
	memset(small, 0xa5, 100);
	memset(big, 0x5a, 4 << 20);
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	if (sigaltstack(&ss, NULL) < 0 || sigaction(SIGUSR1, &sa, NULL) < 0 ||
	    sigaction(SIGHUP, &sa, NULL) < 0)
		die("sigaction");
	raise(SIGUSR1);
	if (!got_usr1 || tls_value != 42 + (long)getpid())
		die("handler or TLS");
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer) < 0 ||
	    timer_settime(timer, 0, &its, NULL) < 0)
		die("timer_create");
	if (&__rseq_size == NULL || __rseq_size == 0 || sched_getcpu() < 0) {
		errno = ENOSYS;
		die("no rseq registration in the caller");
	}
	if (open("/dev/null", O_RDONLY | O_CLOEXEC) < 0)
		die("/dev/null");
	atexit(leak_atexit);
	fputs("LEAK unflushed stdio output of the caller\n", stdout); /* buffered: a file or pipe */
}

static int child_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	const char *mode, *prog;
	char **args, *dir, *base, *copy1, *copy2;
	int uexec, fd = -1, r;
	void *image = NULL;
	size_t size = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: run MODE PROG [ARG]...\n");
		return 125;
	}
	mode = argv[1];
	prog = argv[2];
	args = argv + 2;
	if (strncmp(mode, "uexec-", 6) == 0)
		uexec = 1, mode += 6;
	else if (strncmp(mode, "kernel-", 7) == 0)
		uexec = 0, mode += 7;
	else {
		fprintf(stderr, "run: unknown mode %s\n", mode);
		return 125;
	}
	copy1 = strdup(prog);
	copy2 = strdup(prog);
	if (!copy1 || !copy2)
		die("strdup");
	dir = dirname(copy1);
	base = basename(copy2);

	/* What each mode opens or reads first, so that the set-up leaves the
	 * same descriptors either way. */
	if (strcmp(mode, "fexecve") == 0)
		fd = open(prog, O_RDONLY);
	else if (strcmp(mode, "fexecve-cloexec") == 0)
		fd = open(prog, O_RDONLY | O_CLOEXEC), mode = "fexecve";
	else if (strcmp(mode, "execveat-rel") == 0)
		fd = open(dir, O_RDONLY | O_DIRECTORY);
	else if (strcmp(mode, "mem") == 0)
		image = slurp(prog, &size);
	else if (strcmp(mode, "execve") != 0 && strcmp(mode, "fork") != 0 &&
		 strcmp(mode, "spawn") != 0 && strcmp(mode, "spawn-fresh") != 0) {
		fprintf(stderr, "run: unknown mode %s\n", argv[1]);
		return 125;
	}
	if (fd < 0 && (strcmp(mode, "fexecve") == 0 || strcmp(mode, "execveat-rel") == 0))
		die(prog);
	set_up_caller();
	maybe_drop();

	if (strncmp(mode, "spawn", 5) == 0) {
		/* posix_spawn against uexec_spawn, with the same attributes and
		 * actions: SIGUSR2 blocked, SIGINT to default, a new process
		 * group, stdout duplicated onto fd 5, fd 4 opened on /dev/null */
		pid_t pid = -1;
		int e;
		sigset_t mask, dfl;

		sigemptyset(&mask);
		sigaddset(&mask, SIGUSR2);
		sigemptyset(&dfl);
		sigaddset(&dfl, SIGINT);
		signal(SIGINT, SIG_IGN);
		if (uexec) {
			uexec_spawn_file_actions_t fa;
			uexec_spawnattr_t at;

			uexec_spawn_file_actions_init(&fa);
			uexec_spawn_file_actions_adddup2(&fa, 1, 5);
			uexec_spawn_file_actions_addopen(&fa, 4, "/dev/null", O_RDONLY, 0);
			uexec_spawnattr_init(&at);
			at.flags =
			    UEXEC_SPAWN_SETSIGMASK | UEXEC_SPAWN_SETSIGDEF | UEXEC_SPAWN_SETPGROUP;
			at.sigmask = 1ULL << (SIGUSR2 - 1);
			at.sigdefault = 1ULL << (SIGINT - 1);
			if (strcmp(mode, "spawn-fresh") == 0) {
				at.flags |= UEXEC_SPAWN_FRESH_LAYOUT;
				at.command = getenv("RUN_UEXEC");
			}
			e = uexec_spawn(&pid, prog, &fa, &at, args, environ);
			uexec_spawn_file_actions_destroy(&fa);
		} else {
			posix_spawn_file_actions_t fa;
			posix_spawnattr_t at;

			posix_spawn_file_actions_init(&fa);
			posix_spawn_file_actions_adddup2(&fa, 1, 5);
			posix_spawn_file_actions_addopen(&fa, 4, "/dev/null", O_RDONLY, 0);
			posix_spawnattr_init(&at);
			posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
							  POSIX_SPAWN_SETSIGDEF |
							  POSIX_SPAWN_SETPGROUP);
			posix_spawnattr_setsigmask(&at, &mask);
			posix_spawnattr_setsigdefault(&at, &dfl);
			e = posix_spawn(&pid, prog, &fa, &at, args, environ);
			posix_spawn_file_actions_destroy(&fa);
		}
		if (e) {
			fprintf(stderr, "run: spawn %s: %s (%s)\n", prog, strerror(e),
				uexec ? uexec_reason() : "posix_spawn");
			_exit(126);
		}
		_exit(child_status(pid));
	} else if (strcmp(mode, "fork") == 0) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid > 0)
			_exit(child_status(pid)); /* no atexit, no stdio flush */
		if (uexec)
			uexec_execve(prog, args, environ);
		else
			execve(prog, args, environ);
	} else if (strcmp(mode, "execve") == 0) {
		if (uexec)
			uexec_execve(prog, args, environ);
		else
			execve(prog, args, environ);
	} else if (strcmp(mode, "fexecve") == 0) {
		if (uexec)
			uexec_fexecve(fd, args, environ);
		else
			syscall(SYS_execveat, fd, "", args, environ, AT_EMPTY_PATH);
	} else if (strcmp(mode, "execveat-rel") == 0) {
		if (uexec)
			uexec_execveat(fd, base, args, environ, 0);
		else
			syscall(SYS_execveat, fd, base, args, environ, 0);
	} else if (uexec) { /* mem */
		uexec_execve_mem(image, size, args, environ);
	} else {
		size_t done = 0;

		fd = memfd_create("uexec-image", MFD_CLOEXEC);
		if (fd < 0)
			die("memfd_create");
		while (done < size) {
			ssize_t n = write(fd, (char *)image + done, size - done);

			if (n <= 0)
				die("write memfd");
			done += (size_t)n;
		}
		syscall(SYS_execveat, fd, "", args, environ, AT_EMPTY_PATH);
	}
	r = errno;
	fprintf(stderr, "run: %s%s %s: %s (%s)\n", uexec ? "uexec-" : "kernel-", mode, prog,
		strerror(r), uexec ? uexec_reason() : "the kernel's");
	_exit(126);
}
