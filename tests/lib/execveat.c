/*
 * execveat SHOWARGS - a port of the path and descriptor cases of the kernel
 * selftest exec/execveat.c to uexec_execveat() (rewritten, not copied).
 *
 * In a fresh directory: "execveat" (a copy of SHOWARGS), a symbolic link to
 * it, a "#!" script whose interpreter is SHOWARGS, a FIFO, a file without
 * execute permission, files and a subdirectory that are renamed or deleted
 * while a descriptor to them is open, and a file whose path is nearly
 * PATH_MAX long.  Each case is run twice in fork()ed children, once with the
 * kernel's execveat and once with uexec_execveat, with the same descriptors
 * open.  The kernel's outcome must be the one the selftest expects (so the
 * case tests something), and uexec's must be the kernel's: the same errno,
 * or the same output of SHOWARGS (argv, AT_EXECFN such as /dev/fd/N/path,
 * comm, /proc/self/exe, and for a script whether the interpreter could open
 * it by the name it was given).
 *
 * Output: TAP lines without numbers (tests/lib/tap.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "child.h"
#include "tap.h"
#include "uexec.h"

extern char **environ;

static char dir[] = "/tmp/uexec-execveat.XXXXXX";
static char *image;
static size_t image_size;

static void die(const char *what)
{
	fprintf(stderr, "execveat: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void put_file(const char *path, const void *data, size_t size, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size || fchmod(fd, mode) || close(fd))
		die(path);
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		die(path);
	return fd;
}

/* One exec in a fork()ed child: the child's output, then "status=...". */
static void run(int uexec, int dirfd, const char *path, int flags, char *out, size_t cap)
{
	char *argv[] = {"execveat-test", "arg one", NULL};
	char *envp[] = {"E=1", NULL};
	int p[2], st;
	size_t len;
	pid_t pid;

	fflush(stdout);
	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0)
		die("pipe or fork");
	if (pid == 0) {
		dup2(p[1], 1); /* without close-on-exec */
		if (uexec)
			uexec_execveat(dirfd, path, argv, envp, flags);
		else
			syscall(SYS_execveat, dirfd, path, argv, envp, flags);
		printf("errno=%s\n", strerrorname_np(errno));
		if (uexec)
			printf("# reason: %s\n", uexec_reason());
		fflush(stdout);
		_exit(111);
	}
	close(p[1]);
	st = collect_child(p[0], pid, out, cap, &len);
	if (WIFSIGNALED(st))
		snprintf(out + len, cap - len, "killed by %s\n", sigabbrev_np(WTERMSIG(st)));
	else if (WEXITSTATUS(st) != 111)
		snprintf(out + len, cap - len, "status=%d\n", WEXITSTATUS(st));
	exe_line_unless_exact(out);
}

/* The text without its "# " lines (uexec's reason). */
static void strip_comments(char *s)
{
	char *w = s;

	for (char *l = s; *l;) {
		size_t n = strcspn(l, "\n") + (l[strcspn(l, "\n")] == '\n');

		if (l[0] != '#') {
			memmove(w, l, n);
			w += n;
		}
		l += n;
	}
	*w = 0;
}

static void show(const char *who, char *text)
{
	diag("%s:", who);
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
		diag("  %.160s%s", l, strlen(l) > 160 ? "..." : "");
}

/*
 * One case: expect 0 for a run to the end (with script.open = ok for a
 * script), else the errno.
 */
static void check(const char *label, int dirfd, const char *path, int flags, int expect)
{
	static char kout[65536], uout[65536], want[64];
	int kernel_ok, same;

	run(0, dirfd, path, flags, kout, sizeof(kout));
	run(1, dirfd, path, flags, uout, sizeof(uout));
	if (expect)
		snprintf(want, sizeof(want), "errno=%s\n", strerrorname_np(expect));
	kernel_ok = expect ? strcmp(kout, want) == 0
			   : strncmp(kout, "argc=", 5) == 0 && strstr(kout, "\nstatus=0\n");
	strip_comments(uout);
	same = strcmp(kout, uout) == 0;
	tap(kernel_ok, "kernel: %s: %s", label, expect ? strerrorname_np(expect) : "runs");
	tap(same, "uexec_execveat: %s: as the kernel", label);
	if (!kernel_ok || !same) {
		show("kernel", kout);
		show("uexec", uout);
	}
}

/* A path of nearly PATH_MAX bytes ending in /name: made of long
 * directories under dir. */
static char *long_path(const char *name)
{
	static char paths[2][PATH_MAX];
	static int next;
	char *p = paths[next++ & 1], comp[201];

	memset(comp, 'x', 200);
	comp[200] = 0;
	snprintf(p, PATH_MAX, "%s", dir);
	while (strlen(p) + 1 + 200 + 1 + strlen(name) < PATH_MAX - 1) {
		strcat(p, "/");
		strcat(p, comp);
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			die("mkdir long path");
	}
	/* Pad the last component so the whole is PATH_MAX - 1 bytes. */
	strcat(p, "/");
	while (strlen(p) + strlen(name) < PATH_MAX - 1)
		strcat(p, "y");
	strcat(p, name);
	return p;
}

int main(int argc, char **argv)
{
	char full[PATH_MAX], full_symlink[PATH_MAX], full_script[PATH_MAX], script[PATH_MAX + 8];
	char *lp, *lps;
	struct stat st;
	int fd, fd_path, fd_symlink, fd_script, fd_cloexec, fd_script_cloexec, fd_eph, fd_eph_path,
	    fd_script_eph, dot, dot_path, dot_cloexec, subdir, subdir_eph, root, fd_long,
	    fd_long_script;

	if (argc != 2) {
		fprintf(stderr, "usage: execveat SHOWARGS\n");
		return 2;
	}
	fd = open_or_die(argv[1], O_RDONLY | O_CLOEXEC);
	if (fstat(fd, &st) || !(image = malloc((size_t)st.st_size)) ||
	    read(fd, image, (size_t)st.st_size) != st.st_size)
		die(argv[1]);
	close(fd);
	image_size = (size_t)st.st_size;
	if (!mkdtemp(dir) || chdir(dir))
		die(dir);

	/* The files. */
	put_file("execveat", image, image_size, 0755);
	put_file("execveat.ephemeral", image, image_size, 0755);
	put_file("execveat.path.ephemeral", image, image_size, 0755);
	put_file("execveat.denatured", image, image_size, 0644);
	snprintf(script, sizeof(script), "#!%s\n", argv[1]);
	put_file("script", script, strlen(script), 0755);
	put_file("script.ephemeral", script, strlen(script), 0755);
	if (symlink("execveat", "execveat.symlink") || mkfifo("pipe", 0755) ||
	    mkdir("subdir", 0755) || mkdir("subdir.ephemeral", 0755))
		die("symlink, fifo or mkdir");
	put_file("subdir.ephemeral/script", script, strlen(script), 0755);
	snprintf(full, sizeof(full), "%s/execveat", dir);
	snprintf(full_symlink, sizeof(full_symlink), "%s/execveat.symlink", dir);
	snprintf(full_script, sizeof(full_script), "%s/script", dir);
	lp = long_path("execveat");
	put_file(lp, image, image_size, 0755);
	lps = long_path("script");
	put_file(lps, script, strlen(script), 0755);

	/* The descriptors, all inherited unless named cloexec. */
	fd = open_or_die("execveat", O_RDONLY);
	fd_path = open_or_die("execveat", O_PATH);
	fd_symlink = open_or_die("execveat.symlink", O_RDONLY);
	fd_script = open_or_die("script", O_RDONLY);
	fd_cloexec = open_or_die("execveat", O_RDONLY | O_CLOEXEC);
	fd_script_cloexec = open_or_die("script", O_RDONLY | O_CLOEXEC);
	fd_eph = open_or_die("execveat.ephemeral", O_RDONLY);
	fd_eph_path = open_or_die("execveat.path.ephemeral", O_PATH);
	fd_script_eph = open_or_die("script.ephemeral", O_RDONLY);
	dot = open_or_die(".", O_DIRECTORY);
	dot_path = open_or_die(".", O_DIRECTORY | O_PATH);
	dot_cloexec = open_or_die(".", O_DIRECTORY | O_CLOEXEC);
	subdir = open_or_die("subdir", O_DIRECTORY);
	subdir_eph = open_or_die("subdir.ephemeral", O_DIRECTORY);
	root = open_or_die("/", O_DIRECTORY);
	fd_long = open_or_die(lp, O_RDONLY);
	fd_long_script = open_or_die(lps, O_RDONLY);
	lseek(fd, 1234, SEEK_SET); /* the file position must not matter */

	/* A normal executable file. */
	check("dirfd + ../name", subdir, "../execveat", 0, 0);
	check("dirfd + name", dot, "execveat", 0, 0);
	check("O_PATH dirfd + name", dot_path, "execveat", 0, 0);
	check("absolute path, AT_FDCWD", AT_FDCWD, full, 0, 0);
	check("absolute path, junk dirfd 99", 99, full, 0, 0);
	check("fd + \"\" + AT_EMPTY_PATH", fd, "", AT_EMPTY_PATH, 0);
	check("O_CLOEXEC fd + AT_EMPTY_PATH", fd_cloexec, "", AT_EMPTY_PATH, 0);
	check("O_PATH fd + AT_EMPTY_PATH", fd_path, "", AT_EMPTY_PATH, 0);
	if (rename("execveat.ephemeral", "execveat.moved"))
		die("rename");
	check("fd of a renamed file", fd_eph, "", AT_EMPTY_PATH, 0);
	if (unlink("execveat.moved"))
		die("unlink");
	check("fd of a deleted file", fd_eph, "", AT_EMPTY_PATH, 0);
	if (unlink("execveat.path.ephemeral"))
		die("unlink");
	check("O_PATH fd of a deleted file", fd_eph_path, "", AT_EMPTY_PATH, 0);
	check("fd + \"\" without AT_EMPTY_PATH", fd, "", 0, ENOENT);

	/* A symbolic link to it. */
	check("dirfd + symlink", dot, "execveat.symlink", 0, 0);
	check("O_PATH dirfd + symlink", dot_path, "execveat.symlink", 0, 0);
	check("absolute symlink", AT_FDCWD, full_symlink, 0, 0);
	check("fd opened through a symlink", fd_symlink, "", AT_EMPTY_PATH, 0);
	check("fd opened through a symlink, AT_SYMLINK_NOFOLLOW", fd_symlink, "",
	      AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, 0);
	check("dirfd + symlink, AT_SYMLINK_NOFOLLOW", dot, "execveat.symlink", AT_SYMLINK_NOFOLLOW,
	      ELOOP);
	check("O_PATH dirfd + symlink, AT_SYMLINK_NOFOLLOW", dot_path, "execveat.symlink",
	      AT_SYMLINK_NOFOLLOW, ELOOP);
	check("absolute symlink, AT_SYMLINK_NOFOLLOW", AT_FDCWD, full_symlink, AT_SYMLINK_NOFOLLOW,
	      ELOOP);

	/* Not a regular file, not executable. */
	check("a FIFO", dot, "pipe", 0, EACCES);
	check("a directory (dirfd + AT_EMPTY_PATH)", dot, "", AT_EMPTY_PATH, EACCES);
	check("a directory (dirfd + name)", dot, "subdir", 0, EACCES);
	check("a file without execute permission", dot, "execveat.denatured", 0, EACCES);

	/* A "#!" script (its interpreter is SHOWARGS, which opens argv[1]). */
	check("script: dirfd + ../name", subdir, "../script", 0, 0);
	check("script: dirfd + name", dot, "script", 0, 0);
	check("script: O_PATH dirfd + name", dot_path, "script", 0, 0);
	check("script: absolute path", AT_FDCWD, full_script, 0, 0);
	check("script: fd + AT_EMPTY_PATH (AT_EXECFN /dev/fd/N)", fd_script, "", AT_EMPTY_PATH, 0);
	check("script: fd + AT_EMPTY_PATH|AT_SYMLINK_NOFOLLOW", fd_script, "",
	      AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, 0);
	check("script: O_CLOEXEC fd", fd_script_cloexec, "", AT_EMPTY_PATH, ENOENT);
	check("script: O_CLOEXEC dirfd + name", dot_cloexec, "script", 0, ENOENT);
	if (rename("script.ephemeral", "script.moved"))
		die("rename");
	check("script: fd of a renamed script", fd_script_eph, "", AT_EMPTY_PATH, 0);
	if (unlink("script.moved"))
		die("unlink");
	check("script: fd of a deleted script", fd_script_eph, "", AT_EMPTY_PATH, 0);
	if (rename("subdir.ephemeral", "subdir.moved"))
		die("rename");
	check("script: renamed dirfd + ../script", subdir_eph, "../script", 0, 0);
	check("script: renamed dirfd + script", subdir_eph, "script", 0, 0);
	if (unlink("subdir.moved/script") || rmdir("subdir.moved"))
		die("rmdir");
	check("script: deleted dirfd + ../script", subdir_eph, "../script", 0, 0);
	check("script: deleted dirfd + script", subdir_eph, "script", 0, ENOENT);

	/* Bad paths, descriptors and flags. */
	check("missing file under dirfd", dot, "no-such-file", 0, ENOENT);
	check("missing file, AT_FDCWD", AT_FDCWD, "no-such-file", 0, ENOENT);
	check("flags 0xFFFF", dot, "execveat", 0xFFFF, EINVAL);
	check("bad dirfd 99", 99, "execveat", 0, EBADF);
	check("a file as dirfd", fd, "execveat", 0, ENOTDIR);
	check("path NULL with AT_EMPTY_PATH", fd, NULL, AT_EMPTY_PATH, EFAULT);

	/* Names near PATH_MAX: the file opened by its whole path, and run as
	 * "/" + its path; a script's interpreter then gets /dev/fd/N/..., longer
	 * than PATH_MAX, which it cannot open (ENAMETOOLONG), kernel and uexec
	 * alike. */
	check("PATH_MAX: fd + AT_EMPTY_PATH", fd_long, "", AT_EMPTY_PATH, 0);
	check("PATH_MAX: root dirfd + relative path", root, lp + 1, 0, 0);
	check("PATH_MAX: script fd + AT_EMPTY_PATH", fd_long_script, "", AT_EMPTY_PATH, 0);
	check("PATH_MAX: script, root dirfd + relative path", root, lps + 1, 0, 0);

	/* Clean up: the long directories first, deepest first. */
	unlink(lp);
	unlink(lps);
	for (char *s = strrchr(lp, '/'); s && s > lp + strlen(dir); s = strrchr(lp, '/')) {
		*s = 0;
		rmdir(lp);
	}
	unlink("execveat");
	unlink("execveat.denatured");
	unlink("execveat.symlink");
	unlink("script");
	unlink("pipe");
	rmdir("subdir");
	if (chdir("/") == 0)
		rmdir(dir);
	free(image);
	return tap_failed;
}
