/*
 * showargs - what a program run by null_argv and execveat (tests/lib/) was
 * given, as key=value lines: argc and argv, the environment's size, AT_EXECFN,
 * comm and /proc/self/exe; when run as a "#!" interpreter (argv[1] names the
 * script) whether the script can be opened by that name, as a shell would.
 * Exits 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp)
{
	char buf[4096];
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	int envc = 0, fd;
	ssize_t n;

	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv.%d=%s\n", i, argv[i]);
	while (envp[envc])
		envc++;
	printf("envc=%d\n", envc);
	printf("execfn=%s\n", execfn ? execfn : "(none)");
	fd = open("/proc/self/comm", O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	printf("comm=%s\n", buf);
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = 0;
	printf("exe=%s\n", buf);
	if (argc > 1 && argv[1][0] == '/') {
		fd = open(argv[1], O_RDONLY);
		printf("script.open=%s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
	}
	return 0;
}
