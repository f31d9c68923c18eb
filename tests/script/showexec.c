/*
 * showexec [ARG]... - what a program started through a "#!" line sees.
 *
 * Prints, one key=value per line: argc, every argv[i], AT_EXECFN, the task's
 * comm and the target of /proc/self/exe.  Bytes outside printable ASCII (and
 * the backslash) are shown as \xNN, so a "\r" or a tab in an argument is
 * visible.  Exits 0.  Built dynamic (showexec) and static (showexec-static)
 * by script.mk; tests/40-scripts.t names it as a script's interpreter.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

static void show(const char *key, const char *s)
{
	printf("%s=", key);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '\\')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	char buf[4096], key[32];
	ssize_t n;
	int fd;

	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++) {
		snprintf(key, sizeof(key), "argv.%d", i);
		show(key, argv[i]);
	}
	show("execfn", execfn ? execfn : "(none)");
	fd = open("/proc/self/comm", O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n - 1 : 0] = 0; /* drop the newline */
	show("comm", n > 0 ? buf : "(unreadable)");
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	show("exe", n > 0 ? buf : "(unreadable)");
	return 0;
}
