/* examples/fexecve.c: open a program, then run it from the descriptor, like
 * fexecve(3).
 *   fexecve /bin/echo hello */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <uexec.h>

extern char **environ;

int main(int argc, char **argv)
{
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PROGRAM [ARG]...\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 127;
	}
	uexec_fexecve(fd, argv + 1, environ);
	fprintf(stderr, "fexecve: %s: %s (%s)\n", argv[1], strerror(errno), uexec_reason());
	return 126;
}
