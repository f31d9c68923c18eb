/*
 * tests/lib/child.h - the end of a fork()ed exec as the library's C tests
 * see it: what the child wrote on the pipe, and how it ended.
 */
#ifndef LIB_CHILD_H
#define LIB_CHILD_H

#include <errno.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reads rfd until the child closes it (at most cap - 1 bytes, then NUL),
 * closes it, waits for pid: the wait status; *len what was read. */
__attribute__((unused)) static int collect_child(int rfd, pid_t pid, char *out, size_t cap,
						 size_t *len)
{
	size_t have = 0;
	ssize_t n;
	int st = 0;

	while (have + 1 < cap &&
	       ((n = read(rfd, out + have, cap - 1 - have)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			have += (size_t)n;
	out[have] = 0;
	close(rfd);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*len = have;
	return st;
}

#endif
