/*
 * execas ARGV0 PATH [ARG]... - execv(PATH, {ARGV0, ARG..., NULL}).
 *
 * Like tests/bad/tryexec, but with an argv[0] of the caller's choosing: the
 * kernel's side of "uexec -a NAME".  When execve fails: one line
 * "execas: errno=NAME text" on stderr, status 127 for ENOENT, else 126.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *name, *path;
	int err;

	if (argc < 3) {
		fprintf(stderr, "usage: execas ARGV0 PATH [ARG]...\n");
		return 2;
	}
	path = argv[2];
	argv[2] = argv[1];
	execv(path, argv + 2);
	err = errno;
	name = strerrorname_np(err);
	if (name)
		fprintf(stderr, "execas: errno=%s %s\n", name, strerror(err));
	else
		fprintf(stderr, "execas: errno=E%d %s\n", err, strerror(err));
	return err == ENOENT ? 127 : 126;
}
