/*
 * What exec resets in a process that was running code before: library mode
 * (begin_new_exec(), flush_thread(), arch_setup_new_exec() and
 * flush_signal_handlers() of the kernel).  A process uexec's command was
 * just exec'd into has none of it to reset.
 *
 * prepare_reset() refuses, before anything changes, a caller the library
 * cannot serve: another thread (the kernel kills them), an address space
 * shared with another process (a vfork() child, any CLONE_VM child or
 * parent: unmapping it would take the other's memory away), a sealed
 * mapping (mseal: it cannot be unmapped), what the arch cannot reset, and
 * credentials user space cannot give (creds.c).  unshare_files() gives a
 * descriptor table shared with another process (CLONE_FILES) a copy of its
 * own, as the kernel's unshare_files() - first, so that the other process
 * never holds a descriptor uexec opens (the copy stays if the call fails).  reset_process() then
 * resets, after the point of no return: syscall user dispatch first (the syscalls that follow must
 * reach the kernel), handlers, the alternate signal stack, POSIX timers, rseq, the robust list,
 * clear_child_tid, close-on-exec descriptors, memory locks, the arch state, what a secure exec
 * drops (the parent-death signal, RLIMIT_STACK over 8 MiB), dumpable, and last the credentials.
 */
#include <errno.h>
#include <asm/prctl.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/resource.h>
#include "arch/x86_64/arch.h"
#include "bprm.h"
#include "sys.h"

#define SYS_mseal_ 462 /* Linux 6.10 */

uint64_t uexec_spawn_mask;
int uexec_spawn_mask_set;

/* The registration glibc made for this thread (weak: absent under musl or
 * in the command, which has no libc). */
extern const ptrdiff_t __rseq_offset __attribute__((weak));
extern const unsigned int __rseq_size __attribute__((weak));
#define RSEQ_SIG_X86	     0x53053053
#define RSEQ_FLAG_UNREGISTER 1

/* rseq_execve(): a registration must not outlive the memory it points to. */
static void drop_rseq(void)
{
	uint64_t tp = 0;
	unsigned lens[2] = {32, 0};

	if (!&__rseq_offset || !&__rseq_size || !__rseq_size)
		return;
	lens[1] = __rseq_size;
	sys_call2(SYS_arch_prctl, ARCH_GET_FS, &tp);
	for (int i = 0; i < 2; i++)
		if (sys_call4(SYS_rseq, tp + __rseq_offset, lens[i], RSEQ_FLAG_UNREGISTER,
			      RSEQ_SIG_X86) == 0)
			return;
}

/* flush_signal_handlers(): handled signals to SIG_DFL; flags and masks
 * cleared for all; ignored signals stay ignored. */
static void reset_signals(void)
{
	struct {
		uint64_t handler, flags, restorer, mask;
	} old, new;

	for (int sig = 1; sig <= 64; sig++) {
		if (sig == 9 || sig == 19) /* SIGKILL, SIGSTOP */
			continue;
		if (sys_call4(SYS_rt_sigaction, sig, NULL, &old, 8) < 0)
			continue;
		if ((old.handler == 0 || old.handler == 1) && !old.flags && !old.mask)
			continue; /* already SIG_DFL or SIG_IGN, plain */
		new.handler = old.handler == 1 ? 1 : 0;
		new.flags = new.restorer = new.mask = 0;
		sys_call4(SYS_rt_sigaction, sig, &new, NULL, 8);
	}
}

/* exit_itimers(): POSIX timers (timer_create) die with the old image.
 * /proc/self/timers is read from its start again after each batch of
 * deletions, since deleting shifts what follows; only complete "ID: N"
 * lines count. */
static void delete_timers(void)
{
	char buf[4096];

	for (int pass = 0; pass < 100000; pass++) {
		int deleted = 0;
		size_t n;

		if (read_file("/proc/self/timers", buf, sizeof(buf) - 1, &n) < 0 || n == 0)
			return;
		buf[n] = 0;
		for (char *p = buf; (p = strstr(p, "ID: ")) != NULL;) {
			long id = 0;

			for (p += 4; *p >= '0' && *p <= '9'; p++)
				id = id * 10 + (*p - '0');
			if (*p != '\n')
				break; /* cut by the buffer: the next pass reads it whole */
			if (sys_call1(SYS_timer_delete, id) == 0)
				deleted++;
		}
		if (!deleted)
			return;
	}
}

/* do_close_on_exec(): every FD_CLOEXEC descriptor but the program's own and
 * the hand-off memfd, which the hand-off still needs and closes itself. */
static void close_if_cloexec(int dirfd, const char *name, void *bp)
{
	const struct bprm *b = bp;
	int fd = 0;

	for (; *name >= '0' && *name <= '9'; name++)
		fd = fd * 10 + (*name - '0');
	if (*name || fd == dirfd || fd == b->fd || fd == b->interp.fd || fd == b->handoff_fd)
		return;
	if (sys_call2(SYS_fcntl, fd, F_GETFD) & FD_CLOEXEC)
		sys_close(fd);
}

static void count_task(int dirfd, const char *name, void *tasks)
{
	(void)dirfd;
	(void)name;
	(*(int *)tasks)++;
}

/* Whether the thread-group leader has exited (pthread_exit() in main): it
 * stays a zombie in /proc/self/task until the whole group exits. */
static int leader_gone(void)
{
	char path[64], buf[256];
	size_t n;
	long pid = sys_call0(SYS_getpid);
	char *s;

	if (sys_call0(SYS_gettid) == pid)
		return 0;
	ufmtf(path, sizeof(path), "/proc/self/task/%ld/stat", pid);
	if (read_file(path, buf, sizeof(buf) - 1, &n) < 0)
		return 0;
	buf[n] = 0;
	s = strrchr(buf, ')');
	return s && s[1] == ' ' && (s[2] == 'Z' || s[2] == 'X');
}

/* execve() of the kernel refuses nothing for threads: it kills them, and
 * de_thread() makes the thread that calls it the leader, with the pid as
 * its thread id.  A library can do neither. */
static int single_threaded(void)
{
	int tasks = 0;

	if (dir_each("/proc/self/task", count_task, &tasks) < 0)
		return 0; /* no /proc: cannot tell; go on */
	if (tasks == 2 && leader_gone())
		return uexec_fail(EBUSY,
				  "the main thread has exited: the program would run with a "
				  "thread id other than its pid (execve makes the caller the main "
				  "thread; a library cannot)");
	if (tasks > 1)
		return uexec_fail(EBUSY,
				  "the process has %d threads; uexec replaces only a "
				  "single-threaded process",
				  tasks);
	return 0;
}

struct sealed {
	uint64_t lo, hi, found_lo, found_hi;
	int vdso_sealed;
};

/* /proc/self/smaps: a range line, then its fields; "sl" among VmFlags is
 * mseal(). */
static void smaps_line(const char *s, const char *end, void *ctx)
{
	struct sealed *z = ctx;

	if ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')) {
		z->lo = parse_hex(&s);
		s++; /* '-' */
		z->hi = parse_hex(&s);
		return;
	}
	if (z->found_hi || end - s < 8 || memcmp(s, "VmFlags:", 8) != 0)
		return;
	for (s += 8; s + 3 <= end; s++)
		if (s[0] == ' ' && s[1] == 's' && s[2] == 'l' && (s + 3 == end || s[3] == ' ')) {
			/* the vDSO and vvar may be sealed by the kernel
			 * (CONFIG_MSEAL_SYSTEM_MAPPINGS): they stay, unmoved */
			if (z->lo < ARCH_TASK_SIZE &&
			    (z->lo < uexec_host.vdso_lo || z->hi > uexec_host.vdso_hi)) {
				z->found_lo = z->lo;
				z->found_hi = z->hi;
			} else if (z->lo < ARCH_TASK_SIZE) {
				z->vdso_sealed = 1;
			}
			return;
		}
}

static int no_sealed_mappings(int *vdso_sealed)
{
	struct sealed z = {0, 0, 0, 0, 0};

	*vdso_sealed = 0;
	if (sys_call3(SYS_mseal_, 0, 0, 0) != 0)
		return 0; /* no mseal() in this kernel */
	if (each_line("/proc/self/smaps", smaps_line, &z) < 0)
		return 0;
	*vdso_sealed = z.vdso_sealed;
	if (z.found_hi)
		return uexec_fail(EPERM,
				  "a sealed mapping (mseal) at %#lx-%#lx: execve replaces "
				  "it, user space cannot unmap it",
				  (unsigned long)z.found_lo, (unsigned long)z.found_hi);
	return 0;
}

static int unshare_files(void)
{
	long r = sys_call1(SYS_unshare, CLONE_FILES);

	return r ? uexec_fail((int)-r, "cannot unshare the descriptor table") : 0;
}

int prepare_reset(struct bprm *b)
{
	int r = single_threaded(), vdso_sealed = 0;

	/* EINVAL exactly when another process (or thread) shares the mm */
	if (r == 0 && sys_call1(SYS_unshare, CLONE_VM) != 0)
		r = uexec_fail(
		    EINVAL, "the address space is shared with another process (a "
			    "vfork() child, or clone(CLONE_VM)): uexec would unmap its memory too");
	/* before uexec opens anything the other process would see */
	if (r == 0)
		r = unshare_files();
	if (r == 0)
		r = no_sealed_mappings(&vdso_sealed);
	b->vdso_sealed = vdso_sealed;
	if (r == 0)
		r = arch_check_caller();
	if (r == 0)
		r = prepare_exec_creds(&b->creds);
	return r;
}

/* What exec resets in a process that was running code before (library
 * mode); a process uexec's command was just exec'd into has none of it. */
int reset_process(const struct bprm *b)
{
	struct {
		uint64_t sp;
		int flags;
		uint64_t size;
	} ss = {0, 2 /* SS_DISABLE */, 0};

	sys_prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0);
	reset_signals();
	/* uexec_spawn()'s child: blocked until now, its mask from here on */
	if (uexec_spawn_mask_set)
		sys_call4(SYS_rt_sigprocmask, SIG_SETMASK, &uexec_spawn_mask, NULL, 8);
	sys_call2(SYS_sigaltstack, &ss, NULL);
	delete_timers();
	drop_rseq();
	sys_call2(SYS_set_robust_list, NULL, 24);
	sys_call1(SYS_set_tid_address, NULL);
	/* without /proc library mode stopped long before (host_init()) */
	dir_each("/proc/self/fd", close_if_cloexec, (void *)b);
	/* a new mm: nothing locked, no mlockall(MCL_FUTURE) */
	sys_call0(SYS_munlockall);
	arch_reset_process();
	/* PR_SPEC_DISABLE_NOEXEC: speculative store bypass allowed again */
	if (sys_prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0, 0, 0) > 0 &&
	    (sys_prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0, 0, 0) &
	     PR_SPEC_DISABLE_NOEXEC))
		sys_prctl(PR_SET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, PR_SPEC_ENABLE, 0, 0);
	if (b->creds.secureexec) {
		struct rlimit rl;

		sys_prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
		if (sys_getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur > ARCH_STK_LIM) {
			rl.rlim_cur = ARCH_STK_LIM;
			sys_call2(SYS_setrlimit, RLIMIT_STACK, &rl);
		}
	}
	/* begin_new_exec(): dumpable again unless the ids differ, then
	 * fs.suid_dumpable (whose 2 prctl() cannot set: 0, the stricter) */
	sys_prctl(PR_SET_DUMPABLE,
		  !ids_differ() || read_sysctl("/proc/sys/fs/suid_dumpable", 0) == 1, 0, 0, 0);
	/* commit_creds() */
	return commit_exec_creds(&b->creds);
}
