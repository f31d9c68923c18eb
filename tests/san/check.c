/*
 * check FILE... - stages 1-4 of uexec as a dry run on each file, for the
 * sanitizer build: identify, parse and plan (PT_INTERP validated but not
 * opened, "#!" parsed but not followed), map nothing.  Each file is also
 * checked and planned as an interpreter (load_elf_interp()'s rules), which
 * the dry run never reaches, and every accepted plan is checked against what
 * map.c relies on (plan_check.c).  Prints, per file,
 *
 *   NAME: ok                          or  NAME: ERRNO-NAME: REASON
 *   NAME (as interpreter): ok         or  NAME (as interpreter): ERRNO-NAME: REASON
 *
 * and exits 0 when every file was looked at: a refusal is an answer, not a
 * failure.  Failures: a file that cannot be opened (exit 2), a descriptor
 * left open (3), a plan that breaks an invariant or a dry run that disagrees
 * with uexec_check_fd() (4), a sanitizer report (its own status, on stderr).
 */
#include "exec.h"
#include "plan_check.h"
#include "uexec.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int status;

static void fail(int code, const char *name, const char *what, const char *detail)
{
	fprintf(stderr, "check: %s: %s%s%s\n", name, what, detail ? ": " : "",
		detail ? detail : "");
	if (!status)
		status = code;
}

static void show(const char *name, const char *as, int r)
{
	if (r == 0)
		printf("%s%s: ok\n", name, as);
	else
		printf("%s%s: %s: %s\n", name, as, strerrorname_np(-r) ? strerrorname_np(-r) : "?",
		       uexec_reason());
}

/* The lowest free descriptor: it moves if a check leaked one. */
static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd;
}

static void check(const char *name, int free_fd)
{
	const char *bad;
	int fd = open(name, O_RDONLY | O_CLOEXEC | O_NONBLOCK), r, r2;

	if (fd < 0)
		return fail(2, name, "cannot open", strerror(errno));
	r = uexec_check_fd(fd, name);
	show(name, "", r);
	r2 = plan_check(fd, name, 0, 1, &bad);
	if (r2 != r)
		fail(4, name, "the dry run with the plan kept disagrees with uexec_check_fd",
		     uexec_reason());
	if (bad)
		fail(4, name, "bad plan", bad);
	r = plan_check(fd, name, 1, 1, &bad);
	show(name, " (as interpreter)", r);
	if (bad)
		fail(4, name, "bad plan as interpreter", bad);
	close(fd);
	if (lowest_free_fd() != free_fd)
		fail(3, name, "a descriptor was left open", NULL);
}

int main(int argc, char **argv)
{
	int free_fd = lowest_free_fd();

	for (int i = 1; i < argc; i++)
		check(argv[i], free_fd);
	return status;
}
