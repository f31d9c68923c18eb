/*
 * ab.c — two commands' start-up cost, against each other.
 *
 *   ab N CMD_A [ARG]... --- CMD_B [ARG]...
 *
 * Spawns A and B alternately (A, B, B, A, A, B, ...: each goes first as
 * often), N times each after a warm-up of 50, every spawn posix_spawn +
 * waitpid with stdout on /dev/null, and prints the median wall time of each
 * and their difference, then the difference at four other percentiles.  For comparing two builds of
 * uexec on the same program ("ab 3000 old/uexec /bin/true --- new/uexec /bin/true"): both sides see
 * the same drifts of a shared, noisy machine.  Every spawn must exit 0.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

#define WARMUP 50

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One spawn of cmd; its wall time in microseconds, or -1. */
static double spawn_once(char **cmd, const posix_spawn_file_actions_t *fa)
{
	double t = now_us();
	pid_t pid;
	int st;

	if (posix_spawn(&pid, cmd[0], fa, NULL, cmd, environ) != 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	t = now_us() - t;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "ab: %s: status %#x\n", cmd[0], st);
		return -1;
	}
	return t;
}

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	char **cmd[2] = {NULL, NULL};
	double *t[2];
	long n;

	if (argc < 5 || (n = strtol(argv[1], NULL, 10)) < 1)
		goto usage;
	cmd[0] = argv + 2;
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "---") == 0) {
			argv[i] = NULL;
			cmd[1] = argv + i + 1;
		}
	if (!cmd[1] || !cmd[1][0] || !cmd[0][0])
		goto usage;
	t[0] = malloc(n * sizeof(double));
	t[1] = malloc(n * sizeof(double));
	if (!t[0] || !t[1])
		return 2;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (long i = -WARMUP; i < n; i++)
		for (int k = 0; k < 2; k++) {
			int side = (int)((i & 1) ^ k); /* A B, then B A */
			double us = spawn_once(cmd[side], &fa);

			if (us < 0)
				return 1;
			if (i >= 0)
				t[side][i] = us;
		}
	qsort(t[0], n, sizeof(double), by_value);
	qsort(t[1], n, sizeof(double), by_value);
	printf("A %.1f us  B %.1f us  B-A %+.1f us  (medians of %ld)\n", t[0][n / 2], t[1][n / 2],
	       t[1][n / 2] - t[0][n / 2], n);
	/* the same at other percentiles: on a machine that drifts between a
	 * fast and a slow state the difference grows with the percentile */
	printf("B-A at the 10th, 30th, 70th, 90th percentile:");
	for (int q = 1; q < 10; q += 2)
		if (q != 5)
			printf(" %+.1f", t[1][n * q / 10] - t[0][n * q / 10]);
	printf(" us\n");
	return 0;
usage:
	fprintf(stderr, "usage: ab N CMD_A [ARG]... --- CMD_B [ARG]...\n");
	return 2;
}
