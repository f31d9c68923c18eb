/*
 * tryexec PATH [ARG]... - ask the running kernel what it does with PATH.
 *
 * execv(PATH, {PATH, ARG..., NULL}) in this very process, so the caller sees
 * exactly what the kernel does: the program's own status when it runs, death
 * by a signal when the kernel gives up after its point of no return, or, when
 * execve fails, one line "tryexec: errno=NAME text" on stderr and the shell's
 * status (127 for ENOENT, 126 otherwise).  The line carries the errno name so
 * tests need no errno table of their own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void report_errno(int err)
{
	const char *name = strerrorname_np(err);

	if (name)
		fprintf(stderr, "tryexec: errno=%s %s\n", name, strerror(err));
	else
		fprintf(stderr, "tryexec: errno=E%d %s\n", err, strerror(err));
}

int main(int argc, char **argv)
{
	int err;

	if (argc < 2) {
		fprintf(stderr, "usage: tryexec PATH [ARG]...\n");
		return 2;
	}
	execv(argv[1], argv + 1);
	err = errno;
	report_errno(err);
	return err == ENOENT ? 127 : 126;
}
