/* examples/execve_mem.c: read a program into memory, then run it from there
 * (its interpreter, if any, still comes from the file system).
 *   execve_mem /bin/echo hello */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uexec.h>

extern char **environ;

int main(int argc, char **argv)
{
	FILE *f;
	char *image;
	long size;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PROGRAM [ARG]...\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		perror(argv[1]);
		return 127;
	}
	image = malloc(size ? size : 1);
	if (!image || fread(image, 1, size, f) != (size_t)size) {
		perror(argv[1]);
		return 126;
	}
	fclose(f);
	uexec_execve_mem(image, size, argv + 1, environ);
	fprintf(stderr, "execve_mem: %s: %s (%s)\n", argv[1], strerror(errno), uexec_reason());
	return 126;
}
