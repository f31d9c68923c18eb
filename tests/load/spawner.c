/*
 * spawner UEXEC PROGRAM SEQUENTIAL CONCURRENT ROUNDS - the load test's parent.
 *
 * Starts `UEXEC -- PROGRAM N` SEQUENTIAL times one after the other, then
 * ROUNDS times CONCURRENT at once, each with its own N, and checks every
 * run's output ("small N") and status ((N * 7 + 3) % 250, see small.c).
 * Around both phases it compares its own descriptors (/proc/self/fd) and
 * memory (VmRSS, VmSize): starting programs through uexec must cost the
 * parent nothing.  Prints TAP result lines (no plan; tests/60-load.t has it)
 * and "#" lines with the timings.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "self.h"

extern char **environ;

#define MAX_CONCURRENT 64
/* After the warm-up, the parent's memory may move by this much at most. */
#define RSS_SLACK_KB  512
#define SIZE_SLACK_KB 1024

static const char *uexec, *program;

struct run {
	pid_t pid;
	int out; /* read end of the child's stdout and stderr */
	long n;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int start(struct run *r, long n)
{
	char arg[32], *argv[] = {(char *)uexec, "--", (char *)program, arg, NULL};
	posix_spawn_file_actions_t fa;
	int p[2], e;

	snprintf(arg, sizeof(arg), "%ld", n);
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	e = posix_spawn(&r->pid, uexec, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (e) {
		close(p[0]);
		return -e;
	}
	r->out = p[0];
	r->n = n;
	return 0;
}

/* Collects one run; 0 if its output and status are right, else -1 with why. */
static int finish(struct run *r, char *why, size_t whylen)
{
	char buf[512], want[64];
	size_t len = 0;
	ssize_t k;
	int st;

	while ((k = read(r->out, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)k;
	buf[len] = 0;
	close(r->out);
	if (waitpid(r->pid, &st, 0) != r->pid) {
		snprintf(why, whylen, "N=%ld: waitpid: %s", r->n, strerror(errno));
		return -1;
	}
	snprintf(want, sizeof(want), "small %ld\n", r->n);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != (r->n * 7 + 3) % 250 || strcmp(buf, want)) {
		snprintf(why, whylen, "N=%ld: %s %d (want exit %ld), output \"%.200s\"", r->n,
			 WIFEXITED(st) ? "exit" : "signal",
			 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), (r->n * 7 + 3) % 250, buf);
		return -1;
	}
	return 0;
}

static int n_tap;

static void tap(int ok, const char *what, const char *why)
{
	printf("%sok %d - %s\n", ok ? "" : "not ", ++n_tap, what);
	if (!ok && why)
		printf("#   %s\n", why);
	fflush(stdout);
}

struct usage {
	long fds;
	long rss, size;
};

static struct usage usage(void)
{
	struct usage u = {count_fds(), status_kb("VmRSS"), status_kb("VmSize")};

	return u;
}

/* The parent's descriptors and memory after a phase against before it. */
static void compare(const char *phase, struct usage a, struct usage b)
{
	char what[128], why[256];

	snprintf(what, sizeof(what), "%s: the parent's descriptors are unchanged (%ld)", phase,
		 a.fds);
	snprintf(why, sizeof(why), "%ld before, %ld after", a.fds, b.fds);
	tap(a.fds > 0 && a.fds == b.fds, what, why);
	snprintf(what, sizeof(what),
		 "%s: the parent's memory did not grow (VmRSS %ld -> %ld kB, "
		 "VmSize %ld -> %ld kB)",
		 phase, a.rss, b.rss, a.size, b.size);
	snprintf(why, sizeof(why), "slack: %d kB of VmRSS, %d kB of VmSize", RSS_SLACK_KB,
		 SIZE_SLACK_KB);
	tap(a.rss > 0 && b.rss - a.rss <= RSS_SLACK_KB && b.size - a.size <= SIZE_SLACK_KB, what,
	    why);
}

static void sequential(long count)
{
	char what[128], first[64] = "", why[512] = "";
	struct usage before = {0}, after;
	long warmup = count <= 100 ? count / 2 : 100, bad = 0;
	double t0 = 0;
	struct run r;

	for (long i = 0; i < count; i++) {
		if (i == warmup) { /* stdio buffers, the loader's pages: settled by now */
			before = usage();
			t0 = now();
		}
		if (start(&r, i) != 0 || finish(&r, why, sizeof(why)) != 0) {
			if (!bad++)
				snprintf(first, sizeof(first), "the first at run %ld", i);
		}
	}
	after = usage();
	printf("# %ld sequential starts: %.2f s for the last %ld (%.3f ms each)\n", count,
	       now() - t0, count - warmup, (now() - t0) * 1000 / (double)(count - warmup));
	snprintf(what, sizeof(what),
		 "%ld sequential starts through uexec, each with the right "
		 "output and status",
		 count);
	tap(bad == 0, what, why);
	if (bad)
		printf("#   %ld of %ld failed, %s\n", bad, count, first);
	compare("sequential", before, after);
}

static void concurrent(int width, int rounds)
{
	struct run runs[MAX_CONCURRENT];
	char what[128], why[512] = "";
	struct usage before = usage(), after;
	long bad = 0, n = 100000;
	double t0 = now();

	for (int k = 0; k < rounds; k++) {
		int started = 0;

		for (int i = 0; i < width; i++, started++)
			if (start(&runs[i], n++) != 0) {
				snprintf(why, sizeof(why), "cannot start run %d of round %d", i, k);
				bad++;
				break;
			}
		for (int i = 0; i < started; i++)
			if (finish(&runs[i], why, sizeof(why)) != 0)
				bad++;
	}
	after = usage();
	printf("# %d rounds of %d concurrent starts: %.2f s\n", rounds, width, now() - t0);
	snprintf(what, sizeof(what),
		 "%d rounds of %d concurrent starts, each with the right "
		 "output and status",
		 rounds, width);
	tap(bad == 0, what, why);
	if (bad)
		printf("#   %ld of %d failed\n", bad, rounds * width);
	compare("concurrent", before, after);
}

int main(int argc, char **argv)
{
	int width, rounds;

	if (argc != 6) {
		fprintf(stderr, "usage: spawner UEXEC PROGRAM SEQUENTIAL CONCURRENT ROUNDS\n");
		return 2;
	}
	uexec = argv[1];
	program = argv[2];
	width = atoi(argv[4]);
	rounds = atoi(argv[5]);
	if (width < 1 || width > MAX_CONCURRENT || rounds < 1) {
		fprintf(stderr, "spawner: CONCURRENT must be 1..%d, ROUNDS at least 1\n",
			MAX_CONCURRENT);
		return 2;
	}
	sequential(atol(argv[3]));
	concurrent(width, rounds);
	return 0;
}
