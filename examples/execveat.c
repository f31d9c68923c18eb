/* examples/execveat.c: run DIR/NAME through a descriptor of DIR, like
 * execveat(2); the program sees AT_EXECFN = /dev/fd/N/NAME.
 *   execveat /bin echo hello */
#define _GNU_SOURCE /* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <uexec.h>

extern char **environ;

int main(int argc, char **argv)
{
	int dirfd;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DIR NAME [ARG]...\n", argv[0]);
		return 2;
	}
	dirfd = open(argv[1], O_PATH | O_DIRECTORY);
	if (dirfd < 0) {
		perror(argv[1]);
		return 126;
	}
	uexec_execveat(dirfd, argv[2], argv + 2, environ, 0);
	fprintf(stderr, "execveat: %s: %s (%s)\n", argv[2], strerror(errno), uexec_reason());
	return 126;
}
