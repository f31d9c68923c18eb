// SPDX-License-Identifier: MIT
/*
 * atexec PROGRAM [ARG]... - runs PROGRAM as execv() does, stopped by ptrace
 * at its first instruction (the exec's SIGTRAP), and prints what the kernel
 * built then: its /proc/PID/maps as they are, then "auxv KEY VALUE" (decimal)
 * for every auxv entry, "brk START_BRK", "args ARG_START ARG_END", "env
 * ENV_START ENV_END" (/proc/PID/stat), "sp RSP".  The
 * program is killed without running an instruction.  tests/80-plan.t
 * compares this with uexec --plan.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static void copy_file(const char *path)
{
	char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f) {
		perror(path);
		exit(2);
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
}

int main(int argc, char **argv)
{
	char path[64], stat[4096], *p;
	unsigned long av[2 * 64];
	struct user_regs_struct regs;
	FILE *f;
	size_t n;
	pid_t pid;
	int st, field;

	if (argc < 2) {
		fprintf(stderr, "usage: atexec PROGRAM [ARG]...\n");
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		execv(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP) {
		fprintf(stderr, "atexec: %s did not stop at exec\n", argv[1]);
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	copy_file(path);
	snprintf(path, sizeof(path), "/proc/%d/auxv", pid);
	f = fopen(path, "r");
	n = f ? fread(av, sizeof(av[0]), sizeof(av) / sizeof(av[0]), f) : 0;
	if (f)
		fclose(f);
	for (size_t i = 0; i + 1 < n; i += 2) {
		printf("auxv %lu %lu\n", av[i], av[i + 1]);
		if (av[i] == 0)
			break;
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	n = f ? fread(stat, 1, sizeof(stat) - 1, f) : 0;
	if (f)
		fclose(f);
	stat[n] = 0;
	/* after the ")" closing comm: field 3 on; start_brk is field 47,
	 * arg_start, arg_end, env_start, env_end 48 to 51 */
	p = strrchr(stat, ')');
	for (field = 2; p && field < 47; field++)
		p = strchr(p + 1, ' ');
	if (p) {
		unsigned long v[5];

		for (int i = 0; i < 5; i++)
			v[i] = strtoul(p + 1, &p, 10);
		printf("brk %lu\nargs %lu %lu\nenv %lu %lu\n", v[0], v[1], v[2], v[3], v[4]);
	}
	if (ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0)
		printf("sp %llu\n", regs.rsp);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return 0;
}
