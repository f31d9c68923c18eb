// SPDX-License-Identifier: MIT
/*
 * launch.c - start a program from a process with a lot of state to lose.
 *
 *   launch [--uexec UEXEC] PROG [ARG]...
 *
 * Sets up what execve(2) resets or keeps (signal handlers with flags and
 * masks, ignored signals, blocked and pending signals, a close-on-exec and
 * inherited descriptors, POSIX and interval timers, an alternate signal
 * stack, umask, rlimits, nice, a few prctl settings), then execv(PROG) or
 * execv(UEXEC, [UEXEC, PROG, ARG...]).  Either way the kernel's execve runs
 * exactly once, so the program must see the very same state: whatever uexec
 * itself does to the process before it hands over must not show.
 *
 * Exit status 127 and a message on stderr if the set-up or execv fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Descriptor numbers the probe's output (fd.N) is expected to show. */
enum {
	FD_CLOEXEC_FILE = 5, /* closed by exec */
	FD_FILE = 6,	     /* kept, offset FILE_OFFSET */
	FD_PIPE_READ = 7,    /* kept, PIPE_BYTES unread */
	FD_CLOEXEC_PIPE = 8, /* the write end: closed by exec */
};
#define FILE_OFFSET 1234
#define PIPE_BYTES  "seven b"
/* a real-time signal: SIGRTMIN+6 under glibc (34), +5 under musl (35) */
#define SIG_HANDLED_RT 40
#define SIG_IGNORED_RT 45
#define SIG_BLOCKED_RT 50

static const char *me = "launch";

static void die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", me, what, strerror(errno));
	exit(127);
}

static void on_signal(int sig)
{
	(void)sig;
}

static void on_signal_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
}

static void signals_setup(void)
{
	struct sigaction sa;
	sigset_t block;
	union sigval v;

	/* Handled: exec makes these SIG_DFL with no flags and an empty mask. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal_info;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGRTMIN + 2);
	if (sigaction(SIGUSR1, &sa, NULL) || sigaction(SIG_HANDLED_RT, &sa, NULL))
		die("sigaction");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_NODEFER | SA_RESETHAND;
	if (sigaction(SIGHUP, &sa, NULL))
		die("sigaction");

	/* Ignored: stays SIG_IGN, but flags and mask are cleared. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = SA_RESTART;
	sigaddset(&sa.sa_mask, SIGQUIT);
	if (sigaction(SIGUSR2, &sa, NULL) || sigaction(SIGPIPE, &sa, NULL) ||
	    sigaction(SIG_IGNORED_RT, &sa, NULL))
		die("sigaction");

	/* Blocked, and pending: one thread-directed, one process-directed,
	 * a real-time one queued twice with values. */
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGURG);
	sigaddset(&block, SIG_BLOCKED_RT);
	sigaddset(&block, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &block, NULL))
		die("sigprocmask");
	if (raise(SIGWINCH) || kill(getpid(), SIGURG))
		die("raise");
	v.sival_int = 11;
	if (sigqueue(getpid(), SIG_BLOCKED_RT, v))
		die("sigqueue");
	v.sival_int = 22;
	if (sigqueue(getpid(), SIG_BLOCKED_RT, v))
		die("sigqueue");
}

static void move_fd(int fd, int to, int flags)
{
	if (fd != to) {
		if (dup3(fd, to, flags) < 0)
			die("dup3");
		close(fd);
	} else if (fcntl(to, F_SETFD, flags & O_CLOEXEC ? FD_CLOEXEC : 0)) {
		die("fcntl");
	}
}

static void fds_setup(const char *prog)
{
	char buf[4096];
	int p[2], fd;

	fd = open(prog, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(prog);
	if (read(fd, buf, 64) != 64) /* an offset that would show */
		die("read");
	move_fd(fd, FD_CLOEXEC_FILE, O_CLOEXEC);

	fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	if (fd < 0)
		die("O_TMPFILE in /tmp");
	memset(buf, 'x', sizeof(buf));
	if (write(fd, buf, sizeof(buf)) != sizeof(buf) ||
	    lseek(fd, FILE_OFFSET, SEEK_SET) != FILE_OFFSET)
		die("tmpfile");
	move_fd(fd, FD_FILE, 0);

	if (pipe2(p, O_CLOEXEC))
		die("pipe2");
	if (write(p[1], PIPE_BYTES, strlen(PIPE_BYTES)) != (ssize_t)strlen(PIPE_BYTES))
		die("write pipe");
	/* Via spare numbers first: pipe2 may have returned 7 or 8 itself. */
	p[0] = fcntl(p[0], F_DUPFD_CLOEXEC, 20);
	p[1] = fcntl(p[1], F_DUPFD_CLOEXEC, 20);
	if (p[0] < 0 || p[1] < 0)
		die("F_DUPFD");
	move_fd(p[0], FD_PIPE_READ, 0);
	move_fd(p[1], FD_CLOEXEC_PIPE, O_CLOEXEC);
}

static void timers_setup(void)
{
	struct itimerspec far = {.it_value = {3600, 0}, .it_interval = {60, 0}};
	struct itimerval itv = {.it_interval = {1234, 500000}, .it_value = {3600, 0}};
	struct sigevent sev;
	timer_t t;

	/* POSIX timers: deleted by exec. */
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	if (timer_create(CLOCK_MONOTONIC, &sev, &t) || timer_settime(t, 0, &far, NULL))
		die("timer_create");
	sev.sigev_notify = SIGEV_NONE;
	if (timer_create(CLOCK_PROCESS_CPUTIME_ID, &sev, &t) || timer_settime(t, 0, &far, NULL))
		die("timer_create");

	/* Interval timers: kept. */
	if (setitimer(ITIMER_REAL, &itv, NULL))
		die("setitimer");
	itv.it_interval = (struct timeval){0, 250000};
	itv.it_value = (struct timeval){1000, 0};
	if (setitimer(ITIMER_PROF, &itv, NULL))
		die("setitimer");
}

static void altstack_setup(void)
{
	static char area[64 * 1024];
	stack_t ss = {.ss_sp = area, .ss_size = sizeof(area), .ss_flags = 0};

	/* Disabled by exec. */
	if (sigaltstack(&ss, NULL))
		die("sigaltstack");
}

static void limits_setup(void)
{
	struct rlimit r;

	umask(027);
	if (getrlimit(RLIMIT_NOFILE, &r))
		die("getrlimit");
	r.rlim_cur = 200;
	if (setrlimit(RLIMIT_NOFILE, &r))
		die("setrlimit NOFILE");
	if (getrlimit(RLIMIT_STACK, &r))
		die("getrlimit");
	if (r.rlim_max == RLIM_INFINITY || r.rlim_max >= 12 << 20) {
		r.rlim_cur = 12 << 20;
		if (setrlimit(RLIMIT_STACK, &r))
			die("setrlimit STACK");
	}
	if (getrlimit(RLIMIT_CORE, &r))
		die("getrlimit");
	r.rlim_cur = r.rlim_max == RLIM_INFINITY || r.rlim_max > 4096 ? 4096 : 0;
	if (setrlimit(RLIMIT_CORE, &r))
		die("setrlimit CORE");
	errno = 0;
	if (nice(3) == -1 && errno)
		die("nice");
	/* Kept by a plain exec (reset only by a set-id one). */
	if (prctl(PR_SET_PDEATHSIG, SIGHUP) || prctl(PR_SET_TIMERSLACK, 123456) ||
	    prctl(PR_SET_CHILD_SUBREAPER, 1))
		die("prctl");
}

int main(int argc, char **argv)
{
	const char *uexec = NULL;
	char **args;
	int i = 1;

	if (argc > 2 && strcmp(argv[1], "--uexec") == 0) {
		uexec = argv[2];
		i = 3;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc) {
		fprintf(stderr, "usage: %s [--uexec UEXEC] PROG [ARG]...\n", me);
		return 127;
	}
	signals_setup();
	fds_setup(argv[i]);
	timers_setup();
	altstack_setup();
	limits_setup();
	if (!uexec) {
		execv(argv[i], argv + i);
		die(argv[i]);
	}
	/* argv[i - 1] is "--uexec"'s argument or "--": reuse the slot. */
	args = argv + i - 1;
	args[0] = (char *)uexec;
	execv(uexec, args);
	die(uexec);
}
