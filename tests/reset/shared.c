/*
 * shared CASE k|u PROG [ARG]... - runs PROG by the kernel's execve (k) or by
 * uexec_execve() (u) from a process that shares something exec cannot keep
 * shared, and prints what the sharer sees (tests/80-exec-resets.t):
 *
 *   vfork        a vfork() child execs: "parent=alive child=STATUS"
 *   clonevm      a clone(CLONE_VM) child execs: the same
 *   files        a clone(CLONE_FILES) child execs PROG, which opens
 *                descriptor 5, says "ready" on 8 and waits for a line on 9:
 *                whether the parent's
 *                close-on-exec descriptor survived and whether the
 *                program's descriptor appeared in the parent
 *   leaderexit   the main thread has called pthread_exit(); the other one
 *                execs
 *
 * A child whose exec fails exits with 100 + errno; the reason is printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "uexec.h"

extern char **environ;
static int by_uexec;
static char **prog;

static void run(void)
{
	if (by_uexec)
		uexec_execve(prog[0], prog, environ);
	else
		execve(prog[0], prog, environ);
}

static int child_fn(void *arg)
{
	(void)arg;
	run();
	{
		int err = errno;
		char msg[600];
		int n = snprintf(msg, sizeof(msg), "child-refused errno=%s reason=%s\n",
				 strerrorname_np(err), by_uexec ? uexec_reason() : "-");

		if (write(1, msg, (size_t)n) < 0)
			err = EIO;
		_exit(100 + err);
	}
}

static void report(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, __WALL) < 0) {
		printf("waitpid: %s\n", strerror(errno));
		return;
	}
	if (WIFEXITED(st))
		printf("parent=alive child=exit:%d\n", WEXITSTATUS(st));
	else
		printf("parent=alive child=signal:%d\n", WTERMSIG(st));
}

static int fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static void *leader_exit_thread(void *arg)
{
	char path[64], buf[256];
	(void)arg;

	/* until the leader is a zombie */
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", getpid());
	for (int i = 0; i < 1000; i++) {
		FILE *f = fopen(path, "r");
		char *s = NULL;

		if (f) {
			s = fgets(buf, sizeof(buf), f);
			fclose(f);
		}
		if (s && (s = strrchr(buf, ')')) && s[2] == 'Z')
			break;
		usleep(1000);
	}
	fflush(stdout);
	child_fn(NULL);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *c = argc > 3 ? argv[1] : "";
	pid_t pid;

	if (argc < 4) {
		fprintf(stderr, "usage: shared vfork|clonevm|files|leaderexit k|u PROG [ARG]...\n");
		return 125;
	}
	by_uexec = strcmp(argv[2], "u") == 0;
	prog = argv + 3;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (strcmp(c, "vfork") == 0) {
		pid = vfork();
		if (pid == 0)
			child_fn(NULL);
		report(pid);
	} else if (strcmp(c, "clonevm") == 0) {
		size_t sz = 1 << 20;
		char *stack =
		    mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		pid = clone(child_fn, stack + sz, CLONE_VM | SIGCHLD, NULL);
		report(pid);
	} else if (strcmp(c, "files") == 0) {
		int cloexec = open("/dev/null", O_RDONLY | O_CLOEXEC), to[2], from[2];
		char buf[16];

		if (pipe(to) || pipe(from))
			return 125;
		/* the table is shared: the program finds its pipes at 8 and 9 */
		if (dup2(from[1], 8) < 0 || dup2(to[0], 9) < 0 || dup2(from[0], 10) < 0 ||
		    dup2(to[1], 11) < 0)
			return 125;
		close(from[0]), close(from[1]), close(to[0]), close(to[1]);
		from[0] = 10, to[1] = 11;
		pid = (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
		if (pid == 0)
			child_fn(NULL);
		/* the program has its descriptor 7 open when it says "ready" */
		if (read(from[0], buf, sizeof(buf)) <= 0)
			printf("no ready\n");
		printf("parent.cloexec_fd=%s parent.program_fd5=%s\n",
		       fd_open(cloexec) ? "open" : "closed", fd_open(5) ? "yes" : "no");
		if (write(to[1], "\n", 1) != 1)
			return 125;
		report(pid);
	} else if (strcmp(c, "leaderexit") == 0) {
		pthread_t t;

		pthread_create(&t, NULL, leader_exit_thread, NULL);
		pthread_exit(NULL);
	} else {
		return 125;
	}
	return 0;
}
