/*
 * intact B - every libuexec call with bad input must return -1 with the
 * right errno and a reason, and leave the caller as it was: memory (a
 * canary in malloc'd memory, one in a global, one in TLS), /proc/self/maps
 * line for line, the descriptor table (each descriptor's target, flags and
 * offset), signal handlers, mask and alternate stack, glibc's rseq
 * registration, the robust list and clear_child_tid, POSIX timers, comm,
 * umask, cwd, personality, fs base, and one thread.  A second thread makes
 * every call fail with EBUSY, the caller intact too.  Last, the caller goes
 * on: a fork()ed child of it still runs a program through uexec_execve().
 *
 * B is the build directory (fixtures/bad/ and fixtures/lib/ are used).
 * Output: TAP lines without numbers (tests/lib/tap.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/prctl.h>
#include <asm/prctl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/rseq.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"
#include "uexec.h"

extern char **environ;

#define CANARY_LEN 4096
static unsigned char global_canary[CANARY_LEN];
static unsigned char *heap_canary;
static __thread long tls_canary;
static const char *B;
static char tmpdir[] = "/tmp/uexec-intact.XXXXXX";

static void on_sig(int sig)
{
	(void)sig;
}

/* ---- the snapshot of everything a failed call must leave alone ---------- */

#define TEXT_MAX 65536
struct state {
	char maps[TEXT_MAX];
	char fds[TEXT_MAX];
	char timers[4096];
	struct sigaction act[6];
	sigset_t mask;
	stack_t altstack;
	char comm[16];
	char cwd[4096];
	mode_t umask;
	int personality;
	unsigned long fsbase;
	void *robust_head;
	size_t robust_len;
	int *tid_address;
	char threads[64];
};
static const int act_sigs[6] = {SIGUSR1, SIGUSR2, SIGPIPE, SIGINT, SIGCHLD, 40};

static size_t read_text(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;

	buf[0] = 0;
	if (fd < 0)
		return 0;
	while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
	return n;
}

/* One line per descriptor: number, target, FD flags, status flags, offset
 * (not of 0-2: stdout is this program's TAP output). */
static void fd_table(char *out, size_t cap)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	size_t len = 0;

	out[0] = 0;
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char link[64], target[512];
		int fd = atoi(e->d_name);
		ssize_t n;

		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = 0;
		len += (size_t)snprintf(out + len, cap - len, "%d %s fd=%d fl=%#x off=%lld\n", fd,
					target, fcntl(fd, F_GETFD), fcntl(fd, F_GETFL),
					fd > 2 ? (long long)lseek(fd, 0, SEEK_CUR) : 0LL);
		if (len >= cap)
			break;
	}
	closedir(d);
}

static void take(struct state *s)
{
	char *p;

	memset(s, 0, sizeof(*s));
	fd_table(s->fds, sizeof(s->fds));
	read_text("/proc/self/timers", s->timers, sizeof(s->timers));
	for (int i = 0; i < 6; i++)
		sigaction(act_sigs[i], NULL, &s->act[i]);
	sigprocmask(SIG_BLOCK, NULL, &s->mask);
	sigaltstack(NULL, &s->altstack);
	prctl(PR_GET_NAME, s->comm);
	if (!getcwd(s->cwd, sizeof(s->cwd)))
		s->cwd[0] = 0;
	s->umask = umask(0);
	umask(s->umask);
	s->personality = personality(0xffffffff);
	syscall(SYS_arch_prctl, ARCH_GET_FS, &s->fsbase);
	syscall(SYS_get_robust_list, 0, &s->robust_head, &s->robust_len);
	prctl(PR_GET_TID_ADDRESS, &s->tid_address);
	read_text("/proc/self/status", s->maps, sizeof(s->maps));
	p = strstr(s->maps, "\nThreads:");
	if (p)
		snprintf(s->threads, sizeof(s->threads), "%.*s", (int)strcspn(p + 1, "\n"), p + 1);
	read_text("/proc/self/maps", s->maps,
		  sizeof(s->maps)); /* last: nothing after it allocates */
}

/* The first line where a and b differ, for the diagnostics. */
static void first_diff(const char *what, const char *a, const char *b)
{
	size_t i = 0, line = 0;

	for (; a[i] && a[i] == b[i]; i++)
		if (a[i] == '\n')
			line = i + 1;
	a += line;
	b += line;
	diag("%s differ: before \"%.*s\" after \"%.*s\"", what, (int)strcspn(a, "\n"), a,
	     (int)strcspn(b, "\n"), b);
}

/* Everything in the snapshot and the canaries; says what differs. */
static int intact(const struct state *before)
{
	static struct state now;
	int good = 1;
	struct rseq *rs;
	unsigned long tp = 0;

	take(&now);
	if (strcmp(before->maps, now.maps)) {
		good = 0;
		first_diff("/proc/self/maps", before->maps, now.maps);
	}
	if (strcmp(before->fds, now.fds)) {
		good = 0;
		first_diff("descriptors", before->fds, now.fds);
	}
	if (strcmp(before->timers, now.timers)) {
		good = 0;
		first_diff("timers", before->timers, now.timers);
	}
	for (int i = 0; i < 6; i++) {
		const struct sigaction *a = &before->act[i], *b = &now.act[i];

		int same_mask = 1;

		for (int sig = 1; sig <= 64; sig++) /* glibc fills only the kernel's 64 bits */
			same_mask &= sigismember(&a->sa_mask, sig) == sigismember(&b->sa_mask, sig);
		if (a->sa_handler != b->sa_handler || a->sa_flags != b->sa_flags || !same_mask ||
		    a->sa_restorer != b->sa_restorer) {
			good = 0;
			diag("sigaction(%d) changed: handler %p -> %p, flags %#x -> %#x",
			     act_sigs[i], (void *)a->sa_handler, (void *)b->sa_handler, a->sa_flags,
			     b->sa_flags);
		}
	}
	for (int sig = 1; sig <= 64; sig++)
		if (sigismember(&before->mask, sig) != sigismember(&now.mask, sig)) {
			good = 0;
			diag("signal mask changed: signal %d", sig);
		}
	if (before->altstack.ss_sp != now.altstack.ss_sp ||
	    before->altstack.ss_size != now.altstack.ss_size ||
	    before->altstack.ss_flags != now.altstack.ss_flags) {
		good = 0;
		diag("sigaltstack changed");
	}
#define SAME(field, fmt)                                                                           \
	do {                                                                                       \
		if (before->field != now.field) {                                                  \
			good = 0;                                                                  \
			diag(#field " changed: " fmt " -> " fmt, before->field, now.field);        \
		}                                                                                  \
	} while (0)
	SAME(umask, "%#o");
	SAME(personality, "%#x");
	SAME(fsbase, "%#lx");
	SAME(robust_head, "%p");
	SAME(robust_len, "%zu");
	SAME(tid_address, "%p");
	if (strcmp(before->comm, now.comm) || strcmp(before->cwd, now.cwd) ||
	    strcmp(before->threads, now.threads)) {
		good = 0;
		diag("comm, cwd or threads changed: %s %s [%s] -> %s %s [%s]", before->comm,
		     before->cwd, before->threads, now.comm, now.cwd, now.threads);
	}
	for (int i = 0; i < CANARY_LEN; i++)
		if (global_canary[i] != (unsigned char)(i * 7 + 1) ||
		    heap_canary[i] != (unsigned char)(i * 13 + 5)) {
			good = 0;
			diag("canary overwritten at %d", i);
			break;
		}
	if (tls_canary != 0x7e57ca11) {
		good = 0;
		diag("TLS canary overwritten");
	}
	/* rseq: glibc's registration is still the kernel's (registering the
	 * same area again is EBUSY) and the kernel still updates it. */
	syscall(SYS_arch_prctl, ARCH_GET_FS, &tp);
	rs = (struct rseq *)(tp + __rseq_offset);
	if (__rseq_size == 0 ||
	    ((syscall(SYS_rseq, rs, 32, 0, RSEQ_SIG) != -1 || errno != EBUSY) &&
	     (syscall(SYS_rseq, rs, __rseq_size, 0, RSEQ_SIG) != -1 || errno != EBUSY)) ||
	    sched_getcpu() < 0 || (int)rs->cpu_id < 0) {
		good = 0;
		diag("rseq: __rseq_size %u, cpu_id %d, re-registration %s", __rseq_size,
		     (int)rs->cpu_id, strerror(errno));
	}
	return good;
}

/* ---- the cases ---------------------------------------------------------- */

static struct state before;
static char *args[] = {"prog", "arg", NULL};

struct call {
	const char *label;
	int (*fn)(const void *);
	const void *arg;
	int expect;
};

static int busy;

/* One failing call: errno, reason, intact. */
static void check(const char *fname, const char *label, int r, int e, int expect)
{
	const char *reason = uexec_reason(), *threads = busy ? "2 threads: " : "";

	tap(r == -1 && e == expect && reason && *reason, "%s%s %s: -1, %s (%s)", threads, fname,
	    label, strerrorname_np(expect), reason ? reason : "NULL");
	if (r != -1 || e != expect)
		diag("got %d, errno %s", r, strerrorname_np(e) ? strerrorname_np(e) : "?");
	tap(intact(&before), "%s%s %s: the caller is intact", threads, fname, label);
}

/* With a second thread every call fails with EBUSY: the library refuses a
 * multi-threaded caller before it looks at its arguments.  The snapshot is
 * taken just before the call, with the case's own descriptors open. */
#define TRY(fname, label, expect, call)                                                            \
	do {                                                                                       \
		int r_, e_;                                                                        \
		take(&before);                                                                     \
		errno = 12345;                                                                     \
		r_ = (call);                                                                       \
		e_ = errno;                                                                        \
		check(fname, label, r_, e_, busy ? EBUSY : (expect));                              \
	} while (0)

static char path_buf[4096];
static const char *bad(const char *variant)
{
	snprintf(path_buf, sizeof(path_buf), "%s/fixtures/bad/variants/%s", B, variant);
	return path_buf;
}

static char *tmpfile_with(const char *name, const char *text, mode_t mode)
{
	static char paths[8][4096];
	static int next;
	char *p = paths[next++ & 7];
	int fd;

	snprintf(p, 4096, "%s/%s", tmpdir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || fchmod(fd, mode)) {
		perror(p);
		exit(2);
	}
	close(fd);
	return p;
}

static void *read_all(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;

	if (fd < 0 || fstat(fd, &st) || !(buf = malloc((size_t)st.st_size + 1)) ||
	    read(fd, buf, (size_t)st.st_size) != st.st_size) {
		perror(path);
		exit(2);
	}
	close(fd);
	*size = (size_t)st.st_size;
	return buf;
}

/* A descriptor the caller opens for the case; closed after the check. */
static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0) {
		perror(path);
		exit(2);
	}
	return fd;
}

static const struct {
	const char *variant;
	int expect;
} malformed[] = {
    {"dyn-filesz-gt-memsz", ENOEXEC},  {"dyn-interp-missing", ENOENT}, {"dyn-interp-dir", EACCES},
    {"dyn-bad-magic", ENOEXEC},	       {"dyn-trunc-half", ENOEXEC},    {"dyn-memsz-huge", ENOEXEC},
    {"spie-filesz-gt-memsz", ENOEXEC}, {"garbage-10", ENOEXEC},	       {"empty", ENOEXEC},
};

/* Loaded before the first snapshot: large ones are mmap'd by malloc. */
static void *hello_image, *filesz_image, *interp_image;
static size_t hello_size, filesz_size, interp_size;

static void cases(int expect_busy)
{
#define e (e)
	char hello[4096], label[256];
	char *noexec, *script_missing, *script_ok;
	int fd, dfd;

	snprintf(hello, sizeof(hello), "%s/fixtures/bad/hello-static", B);
	noexec = tmpfile_with("noexec", "\177ELF", 0644);
	script_missing = tmpfile_with("script-missing", "#!/nonexistent/uexec-interp\n", 0755);
	script_ok = tmpfile_with("script-ok", "#!/bin/sh\nexit 0\n", 0755);

	/* uexec_execve */
	TRY("uexec_execve", "missing file", ENOENT,
	    uexec_execve("/nonexistent/uexec-missing", args, environ));
	TRY("uexec_execve", "empty path", ENOENT, uexec_execve("", args, environ));
	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		snprintf(label, sizeof(label), "malformed ELF %s", malformed[i].variant);
		TRY("uexec_execve", label, malformed[i].expect,
		    uexec_execve(bad(malformed[i].variant), args, environ));
	}
	TRY("uexec_execve", "a directory", EACCES, uexec_execve(tmpdir, args, environ));
	TRY("uexec_execve", "a file without +x", EACCES, uexec_execve(noexec, args, environ));
	TRY("uexec_execve", "a script with a missing interpreter", ENOENT,
	    uexec_execve(script_missing, args, NULL));
	if (expect_busy)
		TRY("uexec_execve", "a valid static program", EBUSY,
		    uexec_execve(hello, args, environ));

	/* uexec_execveat */
	dfd = open_or_die(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	TRY("uexec_execveat", "flags 0xFFFF", EINVAL,
	    uexec_execveat(AT_FDCWD, hello, args, environ, 0xFFFF));
	TRY("uexec_execveat", "bad dirfd", EBADF, uexec_execveat(999, "prog", args, environ, 0));
	TRY("uexec_execveat", "missing file under dirfd", ENOENT,
	    uexec_execveat(dfd, "missing", args, environ, 0));
	TRY("uexec_execveat", "file without +x under dirfd", EACCES,
	    uexec_execveat(dfd, "noexec", args, environ, 0));
	TRY("uexec_execveat", "the directory itself (AT_EMPTY_PATH)", EACCES,
	    uexec_execveat(dfd, "", args, environ, AT_EMPTY_PATH));
	TRY("uexec_execveat", "empty path without AT_EMPTY_PATH", ENOENT,
	    uexec_execveat(dfd, "", args, environ, 0));
	TRY("uexec_execveat", "malformed ELF, absolute", ENOEXEC,
	    uexec_execveat(dfd, bad("dyn-filesz-gt-memsz"), args, environ, 0));
	if (symlink(hello, "link") == 0 || errno == EEXIST)
		TRY("uexec_execveat", "symlink with AT_SYMLINK_NOFOLLOW", ELOOP,
		    uexec_execveat(AT_FDCWD, "link", args, environ, AT_SYMLINK_NOFOLLOW));
	fd = open_or_die(hello, O_RDONLY | O_CLOEXEC);
	TRY("uexec_execveat", "a file as dirfd", ENOTDIR,
	    uexec_execveat(fd, "prog", args, environ, 0));
	close(fd);
	fd = open_or_die(script_ok, O_RDONLY | O_CLOEXEC);
	TRY("uexec_execveat", "script through an O_CLOEXEC fd", ENOENT,
	    uexec_execveat(fd, "", args, environ, AT_EMPTY_PATH));
	close(fd);
	TRY("uexec_execveat", "script through an O_CLOEXEC dirfd", ENOENT,
	    uexec_execveat(dfd, "script-ok", args, environ, 0));
	close(dfd);

	/* uexec_fexecve */
	TRY("uexec_fexecve", "fd -1", EBADF, uexec_fexecve(-1, args, environ));
	TRY("uexec_fexecve", "fd 999 (not open)", EBADF, uexec_fexecve(999, args, environ));
	fd = open_or_die(bad("dyn-filesz-gt-memsz"), O_RDONLY);
	TRY("uexec_fexecve", "malformed ELF", ENOEXEC, uexec_fexecve(fd, args, environ));
	close(fd);
	fd = open_or_die(bad("dyn-interp-missing"), O_RDONLY | O_PATH);
	TRY("uexec_fexecve", "O_PATH fd, interpreter missing", ENOENT,
	    uexec_fexecve(fd, args, environ));
	close(fd);
	fd = open_or_die(tmpdir, O_RDONLY | O_DIRECTORY);
	TRY("uexec_fexecve", "a directory", EACCES, uexec_fexecve(fd, args, environ));
	close(fd);
	fd = open_or_die(noexec, O_RDONLY);
	TRY("uexec_fexecve", "a file without +x", EACCES, uexec_fexecve(fd, args, environ));
	close(fd);
	fd = open_or_die(script_ok, O_RDONLY | O_CLOEXEC);
	TRY("uexec_fexecve", "script through an O_CLOEXEC fd", ENOENT,
	    uexec_fexecve(fd, args, environ));
	close(fd);

	/* uexec_execve_mem */
	{
		size_t size = hello_size;
		void *image = hello_image;

		TRY("uexec_execve_mem", "truncated image (4096 bytes)", ENOEXEC,
		    uexec_execve_mem(image, 4096, args, environ));
		TRY("uexec_execve_mem", "truncated image (half)", ENOEXEC,
		    uexec_execve_mem(image, size / 2, args, environ));
		TRY("uexec_execve_mem", "truncated image (63 bytes)", ENOEXEC,
		    uexec_execve_mem(image, 63, args, environ));
		TRY("uexec_execve_mem", "empty image", ENOEXEC,
		    uexec_execve_mem(image, 0, args, environ));
		TRY("uexec_execve_mem", "10 bytes of garbage", ENOEXEC,
		    uexec_execve_mem("0123456789", 10, args, environ));
		TRY("uexec_execve_mem", "a script (its memfd is close-on-exec)", ENOENT,
		    uexec_execve_mem("#!/bin/sh\n", 10, args, environ));
		TRY("uexec_execve_mem", "malformed ELF", ENOEXEC,
		    uexec_execve_mem(filesz_image, filesz_size, args, environ));
		TRY("uexec_execve_mem", "interpreter missing", ENOENT,
		    uexec_execve_mem(interp_image, interp_size, args, environ));
		if (expect_busy)
			TRY("uexec_execve_mem", "a valid static program", EBUSY,
			    uexec_execve_mem(image, size, args, environ));
	}
}

/* ---- the second thread -------------------------------------------------- */

static int thread_pipe[2];

static void *idle_thread(void *arg)
{
	char c;

	(void)arg;
	while (read(thread_pipe[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static void warm_up(void)
{
	/* Grow the stack now, so that the deep frames of a call cannot
	 * change [stack] in /proc/self/maps; let stdio and the heap allocate
	 * what they will. */
	volatile char big[512 * 1024];

	big[0] = 0;
	big[sizeof(big) - 1] = 0;
	take(&before);
	take(&before);
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_sig, .sa_flags = SA_RESTART | SA_ONSTACK};
	static char altstack[65536];
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
	struct sigevent sev = {.sigev_notify = SIGEV_NONE};
	timer_t timer;
	sigset_t block;
	pthread_t th;
	int dummy;

	if (argc != 2) {
		fprintf(stderr, "usage: intact BUILD_DIR\n");
		return 2;
	}
	B = argv[1];
	if (!mkdtemp(tmpdir) || chdir(tmpdir)) {
		perror(tmpdir);
		return 2;
	}
	/* A caller with something of everything. */
	heap_canary = malloc(CANARY_LEN);
	for (int i = 0; i < CANARY_LEN; i++) {
		global_canary[i] = (unsigned char)(i * 7 + 1);
		heap_canary[i] = (unsigned char)(i * 13 + 5);
	}
	tls_canary = 0x7e57ca11;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGINT, &sa, NULL);
	sigaction(40, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigaltstack(&ss, NULL);
	timer_create(CLOCK_MONOTONIC, &sev, &timer);
	dummy = open("/dev/null", O_RDONLY | O_CLOEXEC); /* close-on-exec: must stay open */
	dup2(dummy, 9);
	lseek(open("/etc/passwd", O_RDONLY), 17, SEEK_SET);
	prctl(PR_SET_NAME, "intact-caller");
	umask(027);
	{
		char hello[4096];

		snprintf(hello, sizeof(hello), "%s/fixtures/bad/hello-static", B);
		hello_image = read_all(hello, &hello_size);
		filesz_image = read_all(bad("dyn-filesz-gt-memsz"), &filesz_size);
		interp_image = read_all(bad("dyn-interp-missing"), &interp_size);
	}
	warm_up();
	tap(intact(&before), "the snapshot is stable (nothing called yet)");

	cases(0);

	/* A second thread: EBUSY for everything that gets that far. */
	if (pipe(thread_pipe) || pthread_create(&th, NULL, idle_thread, NULL)) {
		perror("thread");
		return 2;
	}
	take(&before);
	take(&before);
	tap(intact(&before), "with a second thread: the snapshot is stable");
	busy = 1;
	cases(1);
	busy = 0;
	if (write(thread_pipe[1], "x", 1) != 1 || pthread_join(th, NULL))
		perror("join");
	close(thread_pipe[0]);
	close(thread_pipe[1]);
	for (int i = 0; i < 100; i++) { /* the kernel reaps the thread just after the join */
		take(&before);
		if (strcmp(before.threads, "Threads:\t1") == 0)
			break;
		usleep(1000);
	}
	tap(strcmp(before.threads, "Threads:\t1") == 0, "the second thread is gone (%s)",
	    before.threads);

	/* And the caller goes on: it still runs programs, with uexec too. */
	{
		char show[4096];
		char *sargv[] = {"showargs", "after-failures", NULL};
		int st = -1;
		pid_t pid;

		snprintf(show, sizeof(show), "%s/fixtures/lib/showargs", B);
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			uexec_execve(show, sargv, environ);
			fprintf(stderr, "uexec_execve %s: %s (%s)\n", show, strerror(errno),
				uexec_reason());
			_exit(111);
		}
		waitpid(pid, &st, 0);
		tap(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "after all that, a fork()ed child still runs a program with uexec_execve "
		    "(status %#x)",
		    st);
	}
	unlink("noexec");
	unlink("script-missing");
	unlink("script-ok");
	unlink("link");
	chdir("/");
	rmdir(tmpdir);
	return tap_failed;
}
