/*
 * chain UEXEC SELF N [DEPTH FDS MAPS VMSIZE] - a program that starts itself
 * through uexec N times, each run replacing the last in the same process:
 * `UEXEC -- SELF N-1 ...` by execv(2) of uexec, which loads the next level.
 * At N = 0 it prints "chain: bottom at depth D" and exits 42.
 *
 * The first level started by uexec (depth 1) records its descriptor count,
 * its number of mappings and VmSize; every later level must match them (VmSize
 * within a page-table's worth of slack), so nothing leaks from one exec to
 * the next: not uexec's descriptors, not its scratch mappings.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "self.h"

#define VMSIZE_SLACK_KB 256

static long count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	long n = 0;
	int c;

	if (!f)
		return -1;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	long n, depth = 0, fds = count_fds(), maps = count_maps(), vmsize = status_kb("VmSize");
	char a[4][32];

	if (argc != 4 && argc != 8) {
		fprintf(stderr, "usage: chain UEXEC SELF N [DEPTH FDS MAPS VMSIZE]\n");
		return 2;
	}
	n = atol(argv[3]);
	if (argc == 8) {
		depth = atol(argv[4]);
		if (depth > 1 && (fds != atol(argv[5]) || maps != atol(argv[6]) ||
				  vmsize - atol(argv[7]) > VMSIZE_SLACK_KB)) {
			fprintf(stderr,
				"chain: depth %ld: %ld descriptors, %ld mappings, VmSize %ld kB; "
				"depth 1 had %s, %s, %s kB\n",
				depth, fds, maps, vmsize, argv[5], argv[6], argv[7]);
			return 3;
		}
		if (depth > 1) { /* keep depth 1's numbers */
			fds = atol(argv[5]);
			maps = atol(argv[6]);
			vmsize = atol(argv[7]);
		}
	}
	if (n <= 0) {
		printf("chain: bottom at depth %ld\n", depth);
		return 42;
	}
	snprintf(a[0], sizeof(a[0]), "%ld", n - 1);
	snprintf(a[1], sizeof(a[1]), "%ld", depth + 1);
	snprintf(a[2], sizeof(a[2]), "%ld", fds);
	snprintf(a[3], sizeof(a[3]), "%ld", maps);
	{
		char v[32], *next[] = {argv[1], "--", argv[2], argv[1], argv[2], a[0],
				       a[1],	a[2], a[3],    v,	NULL};

		snprintf(v, sizeof(v), "%ld", vmsize);
		fflush(stdout);
		execv(argv[1], next);
	}
	perror("chain: execv uexec");
	return 4;
}
