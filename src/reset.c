/*
 * What exec resets in a process that was running code before: library mode
 * (begin_new_exec(), flush_thread(), arch_setup_new_exec() and
 * flush_signal_handlers() of the kernel).  A process uexec's command was
 * just exec'd into has none of it to reset.
 */
#include <errno.h>
#include <asm/prctl.h>
#include <linux/prctl.h>
#include "arch/x86_64/arch.h"
#include "bprm.h"
#include "sys.h"

/* The registration glibc made for this thread (weak: absent under musl or
 * in the command, which has no libc). */
extern const ptrdiff_t __rseq_offset __attribute__((weak));
extern const unsigned int __rseq_size __attribute__((weak));
#define RSEQ_SIG_X86 0x53053053
#define RSEQ_FLAG_UNREGISTER 1

/* rseq_execve(): a registration must not outlive the memory it points to. */
static void drop_rseq(void)
{
	uint64_t tp = 0;
	unsigned lens[2] = { 32, 0 };

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

/* What exec resets in a process that was running code before (library
 * mode); a process uexec's command was just exec'd into has none of it. */
void reset_process(const struct bprm *b)
{
	struct {
		uint64_t sp;
		int flags;
		uint64_t size;
	} ss = { 0, 2 /* SS_DISABLE */, 0 };

	reset_signals();
	sys_call2(SYS_sigaltstack, &ss, NULL);
	delete_timers();
	drop_rseq();
	sys_call2(SYS_set_robust_list, NULL, 24);
	sys_call1(SYS_set_tid_address, NULL);
	/* without /proc library mode stopped long before (host_init()) */
	dir_each("/proc/self/fd", close_if_cloexec, (void *)b);
	/* a new mm: nothing locked, no mlockall(MCL_FUTURE) */
	sys_call0(SYS_munlockall);
	/* begin_new_exec(): dumpable again unless the ids differ, then
	 * fs.suid_dumpable (whose 2 prctl() cannot set: 0, the stricter) */
	sys_prctl(PR_SET_DUMPABLE,
		  !ids_differ() || read_sysctl("/proc/sys/fs/suid_dumpable", 0) == 1, 0, 0, 0);
}

