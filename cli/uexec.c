/*
 * uexec [OPTION]... [--] PROGRAM [ARG]...
 *
 * The command: options, PATH lookup, messages and exit status.  It has no
 * libc; its image is a static ET_EXEC far from where programs are linked,
 * and it keeps its own scratch memory next to its image, so the program
 * finds the address space as the kernel would have left it.
 */
#include <errno.h>
#include <sys/personality.h>
#include "arch/x86_64/arch.h"
#include "bprm.h"
#include "exec.h"
#include "show_plan.h"
#include "sys.h"
#include "uexec.h"

/* Scratch memory: 1 MiB above the command's image, so that both share one
 * page table (the Makefile's UEXEC_SCRATCH); fewer page-table pages to
 * allocate at each start and to free in the hand-off. */
#if !defined(SCRATCH_HINT) || !defined(HANDOFF_FILE)
#error "SCRATCH_HINT and HANDOFF_FILE come from the Makefile"
#endif
#define DEFAULT_PATH "/bin:/usr/bin" /* execvp()'s default */

static const char usage[] =
    "Usage: uexec [OPTION]... [--] PROGRAM [ARG]...\n"
    "Load PROGRAM into this process and start it exactly as execve(2) would,\n"
    "without calling execve on it.  PROGRAM without a slash is searched in PATH.\n"
    "\n"
    "  -a NAME        pass NAME as argv[0] instead of PROGRAM\n"
    "  -R             no address randomisation (like setarch -R)\n"
    "      --fd N     run the program open on descriptor N (like fexecve);\n"
    "                 PROGRAM is then only the argv[0] to pass\n"
    "  -              as PROGRAM: read the program from standard input\n"
    "                 (a complete ELF image; its interpreter comes from the\n"
    "                 file system)\n"
    "      --error-fd N  report a failure to load PROGRAM on descriptor N (an\n"
    "                 int errno, then the reason, 260 bytes) instead of stderr;\n"
    "                 N is closed before the program runs (uexec_spawn uses it)\n"
    "      --plan[=json]  run nothing: print the address space execve would\n"
    "                 build (mappings, sections, stack, auxv, waste, 16K/64K\n"
    "                 verdicts), or the error running it would give\n"
    "      --summary  with --plan: PROGRAM [FILE]... are ELF files, one line each\n"
    "      --page-size=SIZE  with --plan: plan for a kernel of that page size\n"
    "                 (4K..64K, a power of two; a generic load)\n"
    "  -h, --help     show this help and exit\n"
    "  -V, --version  show the version and exit\n"
    "  --             end of options\n"
    "\n"
    "Exit status: the program's own; 127 if PROGRAM (or the interpreter it names)\n"
    "is not found; 126 if it is found but cannot be run (one line on stderr says\n"
    "why); 125 for a usage error.\n"
    "Without CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE /proc/self/exe keeps naming\n"
    "uexec; see the README for every known difference from execve(2).\n";

static const struct {
	int err;
	const char *text;
} errtext[] = {
    {EPERM, "Operation not permitted"},
    {ENOENT, "No such file or directory"},
    {EIO, "Input/output error"},
    {ENXIO, "No such device or address"},
    {E2BIG, "Argument list too long"},
    {ENOEXEC, "Exec format error"},
    {EBADF, "Bad file descriptor"},
    {EAGAIN, "Resource temporarily unavailable"},
    {ENOMEM, "Cannot allocate memory"},
    {EACCES, "Permission denied"},
    {EFAULT, "Bad address"},
    {EBUSY, "Device or resource busy"},
    {EEXIST, "File exists"},
    {ENOTDIR, "Not a directory"},
    {EISDIR, "Is a directory"},
    {EINVAL, "Invalid argument"},
    {ENFILE, "Too many open files in system"},
    {EMFILE, "Too many open files"},
    {ETXTBSY, "Text file busy"},
    {EFBIG, "File too large"},
    {ENAMETOOLONG, "File name too long"},
    {ELOOP, "Too many levels of symbolic links"},
    {ELIBBAD, "Accessing a corrupted shared library"},
    {EOVERFLOW, "Value too large for defined data type"},
    {ENOSYS, "Function not implemented"},
};

static void put(int fd, const char *s)
{
	sys_write(fd, s, strlen(s));
}

static const char *strerror_text(int err, char *buf, size_t n)
{
	for (size_t i = 0; i < sizeof(errtext) / sizeof(errtext[0]); i++)
		if (errtext[i].err == err)
			return errtext[i].text;
	ufmtf(buf, n, "Unknown error %d", err);
	return buf;
}

/* One line: "uexec: PROGRAM: <strerror> (<reason>)"; returns status. */
static int report(const char *prog, int err, const char *reason, int status)
{
	char line[1024], num[32];

	/* --error-fd (uexec_host.close_fd): a failure goes there instead of
	 * stderr, as uexec_spawn()'s child reports it (src/spawn.c) */
	if (uexec_host.close_fd >= 0) {
		struct {
			int err;
			char reason[256];
		} rep;

		memset(&rep, 0, sizeof(rep));
		rep.err = err;
		ufmtf(rep.reason, sizeof(rep.reason), "%s", reason ? reason : "");
		sys_write(uexec_host.close_fd, &rep, sizeof(rep));
		return status;
	}

	if (reason && *reason)
		ufmtf(line, sizeof(line), "uexec: %s: %s (%s)\n", prog,
		      strerror_text(err, num, sizeof(num)), reason);
	else
		ufmtf(line, sizeof(line), "uexec: %s: %s\n", prog,
		      strerror_text(err, num, sizeof(num)));
	put(2, line);
	return status;
}

static const char *getenv_from(char **envp, const char *name)
{
	size_t n = strlen(name);

	for (; *envp; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/* execvp()'s search: the first dir/PROGRAM that is an executable regular file. */
static int search_path(const char *prog, char **envp, char *out, size_t cap, int *err)
{
	const char *path = getenv_from(envp, "PATH");
	size_t plen = strlen(prog);
	int seen_eacces = 0;

	if (!path)
		path = DEFAULT_PATH;
	for (const char *d = path;; d++) {
		const char *e = strchr(d, ':');
		size_t dlen = e ? (size_t)(e - d) : strlen(d);
		struct statx st;

		if (dlen + plen + 2 <= cap) {
			memcpy(out, d, dlen);
			if (dlen == 0)
				out[dlen++] = '.'; /* an empty element is the current directory */
			out[dlen] = '/';
			memcpy(out + dlen + 1, prog, plen + 1);
			if (sys_statx(AT_FDCWD, out, 0, STATX_TYPE | STATX_MODE, &st) == 0 &&
			    S_ISREG(st.stx_mode)) {
				if (sys_faccessat2(AT_FDCWD, out, 1 /* X_OK */, AT_EACCESS) == 0)
					return 0;
				seen_eacces = 1;
			}
		}
		if (!e)
			break;
		d = e;
	}
	*err = seen_eacces ? EACCES : ENOENT;
	return -1;
}

static int usage_error(const char *msg, const char *arg)
{
	char line[512];

	ufmtf(line, sizeof(line), "uexec: %s%s\nTry 'uexec --help' for more information.\n", msg,
	      arg ? arg : "");
	put(2, line);
	return 125;
}

/* Reads all of standard input into memory of its own (uexec has no malloc). */
static int read_stdin(void **image, size_t *size)
{
	size_t cap = 1 << 20, len = 0;
	long p = sys_mmap(0, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (sys_is_err(p))
		return (int)p;
	for (;;) {
		long n;

		if (len == cap) {
			long q = sys_mremap((uint64_t)p, cap, 2 * cap, MREMAP_MAYMOVE, 0);

			if (sys_is_err(q))
				return (int)q;
			p = q;
			cap *= 2;
		}
		n = sys_read(0, (char *)p + len, cap - len);
		if (n == 0)
			break;
		if (n < 0 && n != -EINTR)
			return (int)n;
		if (n > 0)
			len += (size_t)n;
	}
	*image = (void *)p;
	*size = len;
	return 0;
}

static int parse_fd(const char *s)
{
	int v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* --page-size=SIZE: 4K..64K (or bytes), a power of two; 0 if not. */
static uint64_t parse_page_size(const char *s)
{
	uint64_t v = 0;

	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	if ((*s == 'K' || *s == 'k') && s[1] == 0)
		v <<= 10;
	else if (*s)
		return 0;
	return v >= 4096 && v <= 65536 && !(v & (v - 1)) ? v : 0;
}

static const char *plan_why(int err)
{
	static char num[32];

	return strerror_text(err, num, sizeof(num));
}

extern char _end[];		   /* the end of uexec's image (cli/uexec.ld): where brk starts */
extern char __uexec_vars_end[];	   /* the end of its variables, in scratch memory */
extern char __uexec_image_start[]; /* the start of its image */

/*
 * kernel.randomize_va_space, read off uexec's own fresh layout instead of
 * /proc/sys: with 0 the stack top is STACK_TOP itself; with 2 (and only 2)
 * the kernel put brk a page and a random distance past the end of the bss.
 * Under ADDR_NO_RANDOMIZE (-R, setarch -R) the layout looks like 0, which
 * is what counts then: nothing is randomised either way.
 */
static int va_space_of_this_exec(uint64_t stack_top)
{
	if (stack_top == ARCH_TASK_SIZE)
		return 0;
	return (uint64_t)sys_call1(SYS_brk, 0) == PAGE_ALIGN((uint64_t)_end) ? 1 : 2;
}

/* -R: the layout is fixed when a process is exec'd, so uexec re-executes
 * itself once with ADDR_NO_RANDOMIZE, as setarch does. */
static int no_randomize(char **argv, char **envp)
{
	int pers = sys_personality(0xffffffff);
	long r;

	if (pers & ADDR_NO_RANDOMIZE)
		return 0;
	if (sys_personality((unsigned)pers | ADDR_NO_RANDOMIZE) < 0)
		return -1;
	r = sys_call3(SYS_execve, "/proc/self/exe", argv, envp);
	return (int)r;
}

/*
 * 127 when something is not found — PROGRAM, or the interpreter a "#!" line
 * or PT_INTERP names (ENOENT), as env, bash and dash answer — else 126.
 */
static int status_of(int r)
{
	return r == -ENOENT ? 127 : 126;
}

/*
 * A "#!" script from standard input.  Its interpreter opens the script again
 * by name, /dev/fd/N, so N must stay open in the program: the script is
 * written to a memfd without close-on-exec and run like fexecve() of it (the
 * kernel runs a script that way too, and refuses it, ENOENT, when N is
 * close-on-exec).  The interpreter gets /dev/fd/N as the script's path.
 */
static int run_script_image(const void *image, size_t size, char **argv, char **envp,
			    const char *argv0)
{
	int fd = sys_memfd_create("uexec-script", 0), r;
	size_t done = 0;

	if (fd < 0)
		return uexec_fail(-fd, "cannot create a memfd for the script");
	while (done < size) {
		long n = sys_write(fd, (const char *)image + done, size - done);

		if (n <= 0) {
			sys_close(fd);
			return uexec_fail(n < 0 ? (int)-n : EIO,
					  "cannot copy the script to a memfd");
		}
		done += (size_t)n;
	}
	r = uexec_exec_at(fd, "", AT_EMPTY_PATH, argv, envp, argv0);
	sys_close(fd);
	return r;
}

/* PROGRAM without a slash: looked up in PATH.  A function of its own so
 * that the 4 KiB buffer is on the stack only then: each stack page the
 * command touches costs a page fault. */
static __attribute__((noinline)) int run_from_path(const char *prog, char **argv, char **envp,
						   const char *argv0)
{
	char found[4096];
	int err, r;

	if (search_path(prog, envp, found, sizeof(found), &err) < 0)
		return report(prog, err,
			      err == ENOENT ? "not found in PATH"
					    : "found in PATH but not executable",
			      err == ENOENT ? 127 : 126);
	r = uexec_exec_path(found, argv, envp, argv0);
	if (r == 0) /* --plan */
		return 0;
	return report(prog, -r, uexec_reason(), status_of(r));
}

int uexec_cli_main(uint64_t *sp) __attribute__((visibility("hidden")));
int uexec_cli_main(uint64_t *sp)
{
	int argc = (int)sp[0], i, r;
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1, **e = envp;
	const char *argv0 = NULL, *prog;
	int opt_R = 0, fd = -1, plan = 0;

	while (*e)
		e++;
	uexec_host.auxv = (const uint64_t *)(e + 1);
	uexec_host.move_vdso = 1;
	uexec_host.fresh = 1;
	uexec_host.close_fd = -1;
	/* start.S mapped scratch memory at SCRATCH_HINT: the variables, then
	 * room for the first arena; further scratch mappings go past it */
	uexec_scratch_spare_lo = ((uint64_t)__uexec_vars_end + 63) & ~63UL;
	uexec_scratch_spare_hi = SCRATCH_HINT + uexec_scratch_mapped;
	if (uexec_scratch_spare_hi <= uexec_scratch_spare_lo)
		uexec_scratch_spare_lo = uexec_scratch_spare_hi = 0;
	uexec_scratch_hint = SCRATCH_HINT + uexec_scratch_mapped + PAGE_SIZE;
	/* its image and its scratch memory, whichever is lower */
	uexec_self_lo = (uint64_t)__uexec_image_start < SCRATCH_HINT ? (uint64_t)__uexec_image_start
								     : SCRATCH_HINT;
	{
		/* the lowest string exec copied: argv[0], else envp[0], else the
		 * execfn at the top */
		uint64_t low = argc > 0 && argv[0] ? (uint64_t)argv[0]
			       : *envp		   ? (uint64_t)*envp
						   : 0;

		if (low > 128 * 1024 + 2 * PAGE_SIZE)
			uexec_self_stack_lo = PAGE_START(low) - 128 * 1024;
	}
	uexec_handoff_file = HANDOFF_FILE;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || a[1] == 0)
			break;
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			put(1, usage);
			return 0;
		}
		if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			put(1, "uexec " UEXEC_VERSION "\n");
			return 0;
		}
		if (strcmp(a, "-R") == 0) {
			opt_R = 1;
		} else if (strcmp(a, "--plan") == 0 || strcmp(a, "--plan=json") == 0) {
			plan = 1;
			uexec_plan_opts.json = a[6] == '=';
		} else if (strcmp(a, "--summary") == 0) {
			uexec_plan_opts.summary = 1;
		} else if (strncmp(a, "--page-size=", 12) == 0) {
			uexec_plan_opts.page = parse_page_size(a + 12);
			if (!uexec_plan_opts.page)
				return usage_error(
				    "--page-size: not a power of two from 4K to 64K: ", a + 12);
		} else if (strcmp(a, "-a") == 0) {
			if (++i >= argc)
				return usage_error("option requires an argument -- 'a'", NULL);
			argv0 = argv[i];
		} else if (strncmp(a, "-a", 2) == 0) {
			argv0 = a + 2;
		} else if (strcmp(a, "--fd") == 0 || strncmp(a, "--fd=", 5) == 0) {
			const char *v = a[4] == '=' ? a + 5 : (++i < argc ? argv[i] : NULL);

			if (!v)
				return usage_error("option requires an argument -- 'fd'", NULL);
			fd = parse_fd(v);
			if (fd < 0)
				return usage_error("--fd: not a descriptor number: ", v);
		} else if (strcmp(a, "--error-fd") == 0 || strncmp(a, "--error-fd=", 11) == 0) {
			const char *v = a[10] == '=' ? a + 11 : (++i < argc ? argv[i] : NULL);

			if (!v)
				return usage_error("option requires an argument -- 'error-fd'",
						   NULL);
			if (parse_fd(v) < 0)
				return usage_error("--error-fd: not a descriptor number: ", v);
			uexec_host.close_fd = parse_fd(v);
		} else {
			return usage_error("unknown option: ", a);
		}
	}
	if (i >= argc && fd < 0)
		return usage_error("missing PROGRAM", NULL);
	if ((uexec_plan_opts.summary || uexec_plan_opts.page) && !plan)
		return usage_error("--summary and --page-size go with --plan", NULL);
	if (plan && (uexec_plan_opts.summary || uexec_plan_opts.page)) {
		r = plan_files(argv + i, uexec_plan_opts.summary ? argc - i : 1, plan_why);
		return r ? report(argv[i], -r, uexec_reason(), r == -ENOENT ? 127 : 126) : 0;
	}
	if (plan)
		uexec_host.plan = show_plan;
	if (opt_R && no_randomize(argv, envp) < 0)
		return usage_error("-R: cannot turn address randomisation off", NULL);

	if (host_init(&uexec_host) == 0)
		uexec_host.va_space = va_space_of_this_exec(uexec_host.stack_top);
	prog = i < argc ? argv[i] : "";
	if (fd >= 0) {
		char name[32];

		ufmtf(name, sizeof(name), "--fd %d", fd);
		r = uexec_exec_at(fd, "", AT_EMPTY_PATH, argv + i, envp, argv0);
		if (r == 0) /* --plan */
			return 0;
		return report(name, -r, uexec_reason(), status_of(r));
	}
	if (strcmp(prog, "-") == 0) {
		void *image = NULL;
		size_t size = 0;

		r = read_stdin(&image, &size);
		if (r < 0)
			return report(prog, -r, "cannot read the program from standard input", 126);
		if (size == 0)
			return report(prog, ENOEXEC, "standard input is empty", 126);
		if (size >= 2 && ((const char *)image)[0] == '#' && ((const char *)image)[1] == '!')
			r = run_script_image(image, size, argv + i, envp, argv0);
		else
			r = uexec_exec_mem(image, size, argv + i, envp, argv0);
		if (r == 0) /* --plan */
			return 0;
		return report(prog, -r, uexec_reason(), status_of(r));
	}
	if (!strchr(prog, '/'))
		return run_from_path(prog, argv + i, envp, argv0);
	r = uexec_exec_path(prog, argv + i, envp, argv0);
	if (r == 0) /* --plan */
		return 0;
	return report(prog, -r, uexec_reason(), status_of(r));
}
