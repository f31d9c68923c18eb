/*
 * tests/load/self.h - what the load programs read about themselves, to see
 * that nothing grows: open descriptors and a /proc/self/status figure.
 */
#ifndef LOAD_SELF_H
#define LOAD_SELF_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Entries of /proc/self/fd (the directory's own descriptor and . .. included). */
static long count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	long n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* A "Key:   N kB" line of /proc/self/status (VmRSS, VmSize): N, or -1. */
static long status_kb(const char *key)
{
	char line[256];
	size_t k = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, k) == 0 && line[k] == ':')
			v = strtol(line + k + 1, NULL, 10);
	fclose(f);
	return v;
}

#endif
