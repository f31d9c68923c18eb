/*
 * e2big: builds an argument vector or environment of a given size itself,
 * so that no exec of the test's own tools meets the limit first, then runs
 * PROG through the kernel's execve or through uexec_execve:
 *   e2big kernel|uexec STACK_KIB arg|env|many SIZE PROG
 * "arg": one argument of SIZE bytes (NUL included); "env": one environment
 * string of SIZE bytes; "many": 4 KiB arguments adding up to SIZE bytes.
 * On failure prints "errno=NAME" and exits 126.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "uexec.h"

static char *filled(size_t size, char c)
{
	char *s = malloc(size);

	if (!s)
		exit(2);
	memset(s, c, size - 1);
	s[size - 1] = 0;
	return s;
}

int main(int argc, char **argv)
{
	char *args[1024] = {NULL}, *env[3] = {"A=1", NULL, NULL};
	size_t size;
	struct rlimit rl;
	int n = 0;

	if (argc != 6)
		return 2;
	size = strtoul(argv[4], NULL, 0);
	/* the soft limit the test asks for: the arguments' share follows it */
	if (getrlimit(RLIMIT_STACK, &rl) != 0)
		return 2;
	rl.rlim_cur = strtoul(argv[2], NULL, 0) * 1024;
	if (setrlimit(RLIMIT_STACK, &rl) != 0) {
		perror("e2big: setrlimit(RLIMIT_STACK)");
		return 2;
	}
	args[n++] = argv[5];
	if (strcmp(argv[3], "arg") == 0) {
		args[n++] = filled(size, 'a');
	} else if (strcmp(argv[3], "env") == 0) {
		env[1] = filled(size, 'e');
		memcpy(env[1], "V=", 2);
	} else {
		for (size_t done = 0; done + 4096 <= size && n < 1000; done += 4096)
			args[n++] = filled(4096, 'm');
	}
	if (strcmp(argv[1], "kernel") == 0)
		execve(argv[5], args, env);
	else
		uexec_execve(argv[5], args, env);
	printf("errno=%s\n", errno == E2BIG ? "E2BIG" : strerror(errno));
	return 126;
}
