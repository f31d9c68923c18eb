/*
 * null_argv SHOWARGS - a port of the kernel selftest exec/null-argv.c to
 * libuexec (rewritten, not copied).
 *
 * Since Linux 5.18 an exec with an empty argv (NULL, or { NULL }) gives the
 * new program argc 1 and argv[0] = "" instead of argc 0.  Each argv form
 * (NULL, { NULL }, { NULL, "junk" }, { "" }) with each envp form (NULL,
 * { NULL }, this environment) is run in a fork()ed child by every call of
 * the library (uexec_execve, uexec_execveat with AT_FDCWD, uexec_fexecve,
 * uexec_execve_mem) and by the kernel's matching call (execve, execveat,
 * execveat of an fd, execveat of a memfd copy).  SHOWARGS prints what it was
 * given: it must see argc 1, argv[0] "", the right environment, and exactly
 * what the kernel's run saw (AT_EXECFN /dev/fd/N included).
 *
 * Output: TAP lines without numbers (tests/lib/tap.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "child.h"
#include "tap.h"
#include "uexec.h"

extern char **environ;

static const char *show;
static void *image;
static size_t image_size;

enum call { EXECVE, EXECVEAT, FEXECVE, MEM, NCALLS };
static const char *const call_name[NCALLS] = {"execve", "execveat(AT_FDCWD)", "fexecve",
					      "execve_mem"};

/* In the child: one exec, by the kernel or by uexec. */
static void do_exec(enum call c, int uexec, char *const argv[], char *const envp[])
{
	int fd;

	switch (c) {
	case EXECVE:
		uexec ? uexec_execve(show, argv, envp) : syscall(SYS_execve, show, argv, envp);
		break;
	case EXECVEAT:
		uexec ? uexec_execveat(AT_FDCWD, show, argv, envp, 0)
		      : syscall(SYS_execveat, AT_FDCWD, show, argv, envp, 0);
		break;
	case FEXECVE:
		fd = open(show, O_RDONLY | O_CLOEXEC);
		uexec ? uexec_fexecve(fd, argv, envp)
		      : syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		break;
	case MEM:
		if (uexec) {
			uexec_execve_mem(image, image_size, argv, envp);
			break;
		}
		fd = memfd_create("uexec-image", MFD_CLOEXEC);
		if (fd < 0 || write(fd, image, image_size) != (ssize_t)image_size)
			break;
		syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		break;
	default:
		break;
	}
}

/* Runs one exec in a child; its output and how it ended, in out. */
static void run(enum call c, int uexec, char *const argv[], char *const envp[], char *out,
		size_t cap)
{
	int p[2], st;
	size_t len;
	pid_t pid;

	fflush(stdout);
	if (pipe(p) < 0 || (pid = fork()) < 0) {
		snprintf(out, cap, "pipe or fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		do_exec(c, uexec, argv, envp);
		printf("exec failed: %s (%s)\n", strerrorname_np(errno),
		       uexec ? uexec_reason() : "the kernel's");
		fflush(stdout);
		_exit(111);
	}
	close(p[1]);
	st = collect_child(p[0], pid, out, cap, &len);
	snprintf(out + len, cap - len, "status=%#x\n", st);
	exe_line_unless_exact(out);
}

static int count(char *const *v)
{
	int n = 0;

	while (v && v[n])
		n++;
	return n;
}

int main(int argc, char **argv)
{
	static char *const empty[] = {NULL}, *const empty_junk[] = {NULL, "junk", NULL},
			   *const empty_string[] = {"", NULL};
	static const struct {
		const char *name;
		char *const *v;
	} argvs[] = {{"argv NULL", NULL},
		     {"argv { NULL }", empty},
		     {"argv { NULL, \"junk\" }", empty_junk},
		     {"argv { \"\" }", empty_string}};
	const struct {
		const char *name;
		char *const *v;
	} envps[] = {{"envp NULL", NULL}, {"envp { NULL }", empty}, {"envp environ", environ}};
	static char kout[65536], uout[65536];
	struct stat st;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: null_argv SHOWARGS\n");
		return 2;
	}
	show = argv[1];
	fd = open(show, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !(image = malloc((size_t)st.st_size)) ||
	    read(fd, image, (size_t)st.st_size) != st.st_size) {
		perror(show);
		return 2;
	}
	close(fd);
	image_size = (size_t)st.st_size;

	for (int c = 0; c < NCALLS; c++)
		for (size_t a = 0; a < sizeof(argvs) / sizeof(argvs[0]); a++)
			for (size_t e = 0; e < sizeof(envps) / sizeof(envps[0]); e++) {
				char want[128];
				int good;

				run(c, 0, argvs[a].v, envps[e].v, kout, sizeof(kout));
				run(c, 1, argvs[a].v, envps[e].v, uout, sizeof(uout));
				snprintf(want, sizeof(want), "argc=1\nargv.0=\nenvc=%d\n",
					 count(envps[e].v));
				good = strncmp(uout, want, strlen(want)) == 0 &&
				       strstr(uout, "status=0\n") != NULL;
				tap(good, "uexec_%s, %s, %s: argc 1, argv[0] \"\"", call_name[c],
				    argvs[a].name, envps[e].name);
				tap(strcmp(kout, uout) == 0,
				    "uexec_%s, %s, %s: the same as the kernel's", call_name[c],
				    argvs[a].name, envps[e].name);
				if (!good || strcmp(kout, uout)) {
					diag("kernel:");
					for (char *l = strtok(kout, "\n"); l;
					     l = strtok(NULL, "\n"))
						diag("  %s", l);
					diag("uexec:");
					for (char *l = strtok(uout, "\n"); l;
					     l = strtok(NULL, "\n"))
						diag("  %s", l);
				}
			}
	free(image);
	return tap_failed;
}
