/*
 * spawn [-n N] UEXEC PROG [ARG]... - posix_spawn against uexec_spawn():
 * each round starts PROG once by each way, in turn, and waits for it; prints
 * the median wall time of each way and its difference from posix_spawn.
 *   posix_spawn   glibc's: clone(CLONE_VM|CLONE_VFORK) + the kernel's execve
 *   uexec-spawn   uexec_spawn(), execve-free: fork + libuexec in the child
 *   uexec-fresh   uexec_spawn(UEXEC_SPAWN_FRESH_LAYOUT): fork + execve of the
 *                 uexec command, which loads PROG
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include "uexec.h"

extern char **environ;

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int n = 1000, i = 1, pid, st;
	uexec_spawnattr_t fresh;
	double *t[3];
	const char *names[3] = {"posix_spawn", "uexec-spawn", "uexec-fresh"};

	if (argc > 2 && strcmp(argv[1], "-n") == 0)
		n = atoi(argv[2]), i = 3;
	if (argc - i < 2) {
		fprintf(stderr, "usage: spawn [-n N] UEXEC PROG [ARG]...\n");
		return 2;
	}
	uexec_spawnattr_init(&fresh);
	fresh.flags = UEXEC_SPAWN_FRESH_LAYOUT;
	fresh.command = argv[i];
	for (int w = 0; w < 3; w++)
		t[w] = calloc((size_t)n, sizeof(double));
	for (int r = 0; r < n; r++)
		for (int w = 0; w < 3; w++) {
			double t0 = now_us();
			int e = w == 0 ? posix_spawn(&pid, argv[i + 1], NULL, NULL, argv + i + 1,
						     environ)
				       : uexec_spawn(&pid, argv[i + 1], NULL,
						     w == 2 ? &fresh : NULL, argv + i + 1, environ);

			if (e) {
				fprintf(stderr, "spawn: %s: %s: %s\n", names[w], argv[i + 1],
					strerror(e));
				return 1;
			}
			waitpid(pid, &st, 0);
			t[w][r] = now_us() - t0;
		}
	for (int w = 0; w < 3; w++)
		qsort(t[w], (size_t)n, sizeof(double), cmp);
	printf("%-14s %-28s %9s %10s %7s\n", "way", "program", "median_us", "vs_posix_us", "ratio");
	for (int w = 0; w < 3; w++)
		printf("%-14s %-28s %9.1f %+10.1f %7.3f\n", names[w], argv[i + 1], t[w][n / 2],
		       t[w][n / 2] - t[0][n / 2], t[w][n / 2] / t[0][n / 2]);
	return 0;
}
