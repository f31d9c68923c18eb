/* examples/spawn.c: start a program in a new process, like posix_spawn(3),
 * loaded by libuexec; its output goes to FILE.
 *   spawn FILE /bin/echo hello */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <uexec.h>

extern char **environ;

int main(int argc, char **argv)
{
	uexec_spawn_file_actions_t fa;
	int pid, status, e;

	if (argc < 3) {
		fprintf(stderr, "usage: %s FILE PROGRAM [ARG]...\n", argv[0]);
		return 2;
	}
	uexec_spawn_file_actions_init(&fa);
	uexec_spawn_file_actions_addopen(&fa, 1, argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	e = uexec_spawn(&pid, argv[2], &fa, NULL, argv + 2, environ);
	uexec_spawn_file_actions_destroy(&fa);
	if (e) {
		fprintf(stderr, "spawn: %s: %s (%s)\n", argv[2], strerror(e), uexec_reason());
		return 127;
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
