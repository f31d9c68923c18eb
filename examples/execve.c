/* examples/execve.c: run a program like execve(2), in user space.
 *   execve /bin/echo hello */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <uexec.h>

extern char **environ;

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PROGRAM [ARG]...\n", argv[0]);
		return 2;
	}
	uexec_execve(argv[1], argv + 1, environ); /* returns only on failure */
	fprintf(stderr, "execve: %s: %s (%s)\n", argv[1], strerror(errno), uexec_reason());
	return 126;
}
