// SPDX-License-Identifier: MIT
/*
 * probe_task.c - process state that exec resets or keeps, and procfs.
 *
 * What exec must keep (ignored signals, mask, fds without FD_CLOEXEC, umask,
 * cwd, rlimits, personality) and what it must reset (handlers, sigaltstack,
 * robust list, rseq, threads) is printed as plain values: the direct run is
 * the reference.  procfs and brk facts are printed as yes/no values rather
 * than checks, because a loader without CAP_SYS_ADMIN or
 * CAP_CHECKPOINT_RESTORE cannot fix /proc/self/exe
 * (tests/probe/unprivileged-keys) and must still exit 0.
 */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>

#ifndef PR_GET_TID_ADDRESS
#define PR_GET_TID_ADDRESS 40
#endif
#define RSEQ_SIG_X86	     0x53053053 /* glibc's and the selftests' signature */
#define RSEQ_FLAG_UNREGISTER 1

/* The kernel's struct sigaction; libc's differs in layout. */
struct k_sigaction {
	unsigned long handler, flags, restorer, mask;
};

/* The kernel's struct linux_dirent64 (no libc name in every libc). */
struct k_dirent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

static char text[64 * 1024];

static void list_add(char *buf, size_t size, size_t *len, long v)
{
	*len += p_snprintf(buf + *len, size - *len, *len ? ",%ld" : "%ld", v);
}

/* One line per signal: exec sets every handler but SIG_IGN to SIG_DFL and
 * clears sa_flags, sa_restorer and sa_mask of all of them (ignored too). */
static void sigaction_report(int sig, const struct k_sigaction *sa)
{
	const char *how = sa->handler == (unsigned long)SIG_DFL	  ? "dfl"
			  : sa->handler == (unsigned long)SIG_IGN ? "ign"
								  : "handler";

	emit("sig.act.%02d=%s flags=0x%lx mask=0x%lx restorer=%s", sig, how, sa->flags, sa->mask,
	     sa->restorer ? "set" : "null");
}

/*
 * Blocked signals still pending at start: taken with rt_sigtimedwait and a
 * zero timeout, so how they were sent shows (si_code, sender, value) - a
 * loader that took and re-raised them would change that.  After this they
 * are no longer pending: call it last.
 */
static void queued_report(unsigned long waitable)
{
	struct {
		int signo, errno_, code, pad;
		int pid, uid;
		long value;
		char rest[96];
	} info;
	long ts[2] = {0, 0};
	int n = 0;
	long sig;

	while (waitable && n < 32 &&
	       (sig = sc4(SYS_rt_sigtimedwait, &waitable, &info, ts, 8)) > 0) {
		emit("sig.queued.%02d=sig %ld code %d from %s value %ld", n++, sig, info.code,
		     info.pid == sc0(SYS_getpid) ? "self" : "other",
		     info.code == -1 /* SI_QUEUE */ ? info.value : 0);
	}
	emit("sig.queued.count=%d", n);
}

static unsigned long sig_waitable;

static void signals_report(void)
{
	char ign[256] = "", hnd[256] = "";
	size_t nign = 0, nhnd = 0;
	unsigned long mask = 0, pending = 0;
	stack_t ss;

	for (int sig = 1; sig <= 64; sig++) {
		struct k_sigaction sa;

		if (sc4(SYS_rt_sigaction, sig, NULL, &sa, 8) < 0) {
			emit("sig.act.%02d=error", sig);
			continue;
		}
		sigaction_report(sig, &sa);
		if (sa.handler == (unsigned long)SIG_IGN)
			list_add(ign, sizeof(ign), &nign, sig);
		else if (sa.handler != (unsigned long)SIG_DFL)
			list_add(hnd, sizeof(hnd), &nhnd, sig);
	}
	emit("sig.ignored=%s", ign);
	emit("sig.handled=%s", hnd);
	sc4(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &mask, 8);
	sc2(SYS_rt_sigpending, &pending, 8);
	emit("sig.blocked=0x%lx", mask);
	emit("sig.pending=0x%lx", pending);
	sig_waitable = mask & pending;
	ss.ss_flags = 0;
	sc2(SYS_sigaltstack, NULL, &ss);
	emit("sig.altstack=%s sp=%s size=0x%lx", ss.ss_flags & SS_DISABLE ? "disabled" : "on",
	     ss.ss_sp ? "set" : "null", (unsigned long)ss.ss_size);
}

/* Timers: timer_create ones are deleted by exec (/proc/self/timers lists
 * them, with CONFIG_CHECKPOINT_RESTORE); setitimer/alarm ones are kept. */
static void timers_report(void)
{
	static const char *const names[3] = {"real", "virtual", "prof"};
	long n = read_file("/proc/self/timers", text, sizeof(text) - 1);
	int count = 0;

	if (n >= 0) {
		text[n] = '\0';
		for (long i = 0; i < n; i++)
			count +=
			    (i == 0 || text[i - 1] == '\n') && p_strncmp(text + i, "ID:", 3) == 0;
		emit("timer.posix_count=%d", count);
	} else {
		emit("timer.posix_count=unavailable");
	}
	for (int which = 0; which < 3; which++) {
		long it[4] = {0, 0, 0, 0}; /* interval s, us; value s, us */

		sc2(SYS_getitimer, which, it);
		emit("itimer.%s=%s interval=%ld.%06ld", names[which],
		     it[2] || it[3] ? "armed" : "off", it[0], it[1]);
	}
}

/* "pipe:[123]" -> "pipe", a regular file -> "file" (its name is the
 * caller's business), devices such as /dev/null by name. */
static void fd_report(const char *num)
{
	char path[64], target[256];
	long fd = p_strtoul(num, NULL, 10);
	long n, fdflags = sc2(SYS_fcntl, fd, F_GETFD);
	long flflags = sc2(SYS_fcntl, fd, F_GETFL);
	char extra[64] = "";
	struct stat st;

	p_snprintf(path, sizeof(path), "/proc/self/fd/%s", num);
	n = sc3(SYS_readlink, path, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	for (char *c = target; target[0] != '/' && *c; c++)
		if (*c == ':')
			*c = '\0';
	if (target[0] == '/' && p_strncmp(target, "/dev/", 5) != 0)
		p_snprintf(target, sizeof(target), "file");
	/* Regular files: the offset is shared with whoever opened it. Pipes:
	 * the bytes still unread in a read end (no one may have read them). */
	st.st_mode = 0;
	sc2(SYS_fstat, fd, &st);
	if (S_ISREG(st.st_mode)) {
		p_snprintf(extra, sizeof(extra), " off=%ld",
			   sc3(SYS_lseek, fd, 0, 1 /* SEEK_CUR */));
	} else if (S_ISFIFO(st.st_mode) && (flflags & O_ACCMODE) == O_RDONLY) {
		int avail = -1;

		sc3(SYS_ioctl, fd, FIONREAD, &avail);
		p_snprintf(extra, sizeof(extra), " unread=%d", avail);
	}
	emit("fd.%s=%s cloexec=%d flags=0x%lx%s", num, target, (int)(fdflags & FD_CLOEXEC), flflags,
	     extra);
}

/* Calls fn for each numeric entry of a /proc directory; returns the count. */
static int dir_each(const char *dir, void (*fn)(const char *))
{
	long dfd = sc3(SYS_open, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	char self[16];
	int count = 0;
	long n;

	if (dfd < 0)
		return -1;
	p_snprintf(self, sizeof(self), "%ld", dfd);
	while ((n = sc3(SYS_getdents64, dfd, text, sizeof(text))) > 0) {
		for (long off = 0; off < n;) {
			struct k_dirent64 *d = (void *)(text + off);

			off += d->reclen;
			if (d->name[0] < '0' || d->name[0] > '9')
				continue;
			/* The directory's own fd is not the program's. */
			if (fn && p_strcmp(d->name, self) == 0)
				continue;
			if (fn)
				fn(d->name);
			count++;
		}
	}
	sc1(SYS_close, dfd);
	return count;
}

static void limits_report(void)
{
	for (int r = 0; r < 16; r++) {
		unsigned long lim[2];

		if (sc4(SYS_prlimit64, 0, r, NULL, lim) < 0)
			continue;
		emit("rlimit.%02d=%ld/%ld", r, (long)lim[0], (long)lim[1]);
	}
}

/* Locked memory (VmLck of /proc/self/status): none after an exec, even
 * from a caller that called mlockall(MCL_FUTURE). */
static void vmlck_report(void)
{
	static char text[4096];
	long n = read_file("/proc/self/status", text, sizeof(text) - 1);

	if (n <= 0)
		return;
	text[n] = 0;
	for (long i = 0; i < n; i++)
		if ((i == 0 || text[i - 1] == '\n') && p_strncmp(text + i, "VmLck:", 6) == 0) {
			const char *v = text + i + 6;

			while (*v == ' ' || *v == '\t')
				v++;
			emit("task.vmlck_kb=%lu", p_strtoul(v, NULL, 10));
			return;
		}
}

static void prctl_report(void)
{
	int pdeath = -1, subreaper = -1;
	unsigned long tid_addr = 1;
	long r;

	sc2(SYS_prctl, PR_GET_PDEATHSIG, &pdeath);
	sc2(SYS_prctl, PR_GET_CHILD_SUBREAPER, &subreaper);
	emit("task.pdeathsig=%d", pdeath);
	emit("task.subreaper=%d", subreaper);
	emit("task.dumpable=%ld", sc1(SYS_prctl, PR_GET_DUMPABLE));
	vmlck_report();
	emit("task.keepcaps=%ld", sc1(SYS_prctl, PR_GET_KEEPCAPS));
	emit("task.no_new_privs=%ld", sc1(SYS_prctl, PR_GET_NO_NEW_PRIVS));
	emit("task.seccomp=%ld", sc1(SYS_prctl, PR_GET_SECCOMP));
	emit("task.thp_disable=%ld", sc1(SYS_prctl, PR_GET_THP_DISABLE));
	emit("task.timerslack=%ld", sc1(SYS_prctl, PR_GET_TIMERSLACK));
	r = sc2(SYS_prctl, PR_GET_TID_ADDRESS, &tid_addr);
	emit("task.clear_child_tid=%s", r < 0 ? "unknown" : tid_addr ? "set" : "null");
}

void task_report(struct probe *p)
{
	unsigned long head = 0, len = 0;
	char cwd[1024];
	long old;

	(void)p;
	signals_report();
	dir_each("/proc/self/fd", fd_report);
	limits_report();
	prctl_report();
	old = sc1(SYS_umask, 022);
	sc1(SYS_umask, old);
	emit("task.umask=%04lo", old);
	if (sc2(SYS_getcwd, cwd, sizeof(cwd)) < 0)
		cwd[0] = '\0';
	emit("task.cwd=%s", cwd);
	emit("task.personality=0x%lx", sc1(SYS_personality, 0xffffffff));
	sc3(SYS_get_robust_list, 0, &head, &len);
	emit("task.robust_list=%s", head ? "set" : "none");
	emit("task.threads=%d", dir_each("/proc/self/task", NULL));
	/* getpriority returns 20 - nice. */
	emit("task.nice=%ld", 20 - sc2(SYS_getpriority, 0 /* PRIO_PROCESS */, 0));
	timers_report();
	queued_report(sig_waitable);
}

/* Without a libc that registers rseq, exec leaves none: registering must
 * succeed (a stale registration of the loader would give EINVAL). */
void rseq_report_unregistered(void)
{
	static char area[32] __attribute__((aligned(32)));
	long r = sc4(SYS_rseq, area, sizeof(area), 0, RSEQ_SIG_X86);

	if (r == 0)
		sc4(SYS_rseq, area, sizeof(area), RSEQ_FLAG_UNREGISTER, RSEQ_SIG_X86);
	check(r == 0, "rseq.unregistered_at_start");
}

/* ---- procfs and brk: yes/no facts --------------------------------------- */
static const char *yes(int cond)
{
	return cond ? "yes" : "no";
}

/* /proc/self/{cmdline,environ} must be the NUL-joined strings. */
static int matches_strings(const char *path, char **v, int n)
{
	long len = read_file(path, text, sizeof(text));
	long pos = 0;

	for (int i = 0; i < n; i++) {
		long l = p_strlen(v[i]) + 1;

		if (pos + l > len || p_memcmp(text + pos, v[i], l) != 0)
			return 0;
		pos += l;
	}
	return pos == len;
}

/* Field n (1-based) of /proc/self/stat, counted after "(comm)". */
static unsigned long stat_field(const char *stat, int n)
{
	const char *c = stat, *close = stat;

	for (; *c; c++)
		if (*c == ')')
			close = c;
	c = close + 1;
	for (int f = 3; f <= n && *c; f++) {
		while (*c == ' ')
			c++;
		if (f == n)
			return p_strtoul(c, NULL, 10);
		while (*c && *c != ' ')
			c++;
	}
	return 0;
}

/* mm->start_code, end_code, start_data, end_data and elf_brk, as
 * load_elf_binary() computes them from the PT_LOADs. */
static void mm_fields(const struct probe *p, unsigned long mm[5])
{
	const struct elf_file *f = &p->prog;

	mm[0] = ~0UL;
	mm[1] = mm[2] = mm[3] = mm[4] = 0;
	for (int i = 0; i < f->ehdr.e_phnum; i++) {
		const Elf64_Phdr *ph = &f->phdr[i];
		unsigned long end = ph->p_vaddr + ph->p_filesz;

		if (ph->p_type != PT_LOAD)
			continue;
		if ((ph->p_flags & PF_X) && ph->p_vaddr < mm[0])
			mm[0] = ph->p_vaddr;
		if ((ph->p_flags & PF_X) && end > mm[1])
			mm[1] = end;
		if (ph->p_vaddr > mm[2])
			mm[2] = ph->p_vaddr;
		if (end > mm[3])
			mm[3] = end;
		if (ph->p_vaddr + ph->p_memsz > mm[4])
			mm[4] = ph->p_vaddr + ph->p_memsz;
	}
	for (int i = 0; i < 5; i++)
		mm[i] += p->bias;
}

static void stat_report(const struct probe *p, const char *stat)
{
	const char *last_arg = p->argv[p->argc - 1];
	const char *last_env = p->envc ? p->envp[p->envc - 1] : NULL;
	unsigned long arg_end = (unsigned long)last_arg + p_strlen(last_arg) + 1;
	unsigned long env_end =
	    last_env ? (unsigned long)last_env + p_strlen(last_env) + 1 : arg_end;
	unsigned long mm[5];

	mm_fields(p, mm);
	emit("proc.stat.code=%s",
	     yes(stat_field(stat, 26) == mm[0] && stat_field(stat, 27) == mm[1]));
	emit("proc.stat.data=%s",
	     yes(stat_field(stat, 45) == mm[2] && stat_field(stat, 46) == mm[3]));
	emit("proc.stat.start_stack=%s", yes(stat_field(stat, 28) == (unsigned long)p->sp));
	emit("proc.stat.args=%s", yes(stat_field(stat, 48) == (unsigned long)p->argv[0] &&
				      stat_field(stat, 49) == arg_end));
	emit("proc.stat.env=%s",
	     yes(stat_field(stat, 50) == arg_end && stat_field(stat, 51) == env_end));
}

/*
 * brk (load_elf_binary): a static PIE's brk is moved to ELF_ET_DYN_BASE,
 * anything else starts at the page after the highest p_vaddr + p_memsz; with
 * randomisation one page plus up to 1 GiB further up.
 */
static void brk_report(const struct probe *p, const char *stat)
{
	unsigned long start_brk = stat_field(stat, 47), mm[5], base;
	unsigned long range = p->norandom ? 1 : PAGE_SIZE + (1UL << 30);
	int moved = p->prog.ehdr.e_type == ET_DYN && !p->prog.interp[0];

	mm_fields(p, mm);
	base = PAGE_ALIGN(moved ? 0x555555554aaaUL : mm[4]);
	emit("brk.start_placed=%s", yes(start_brk >= base && start_brk - base < range));
	emit("brk.used=0x%lx", sc1(SYS_brk, 0) - start_brk);
	emit_addr("brk.start", start_brk);
}

void procfs_report(struct probe *p)
{
	static char stat[4096], comm[64];
	struct stat st;
	unsigned long maj, min;

	if (read_file("/proc/self/comm", comm, sizeof(comm)) > 0)
		comm[p_strlen(comm) - 1] = '\0';
	emit("task.comm=%s", comm);
	if (sc2(SYS_stat, "/proc/self/exe", &st) < 0)
		st.st_ino = 0;
	dev_split(st.st_dev, &maj, &min);
	emit("proc.exe_is_prog=%s", yes(st.st_ino && st.st_ino == p->prog.ino &&
					maj == p->prog.dev_major && min == p->prog.dev_minor));
	emit("proc.cmdline=%s", yes(matches_strings("/proc/self/cmdline", p->argv, p->argc)));
	emit("proc.environ=%s", yes(matches_strings("/proc/self/environ", p->envp, p->envc)));
	emit("proc.auxv=%s",
	     yes(read_file("/proc/self/auxv", text, sizeof(text)) >=
		     (long)((p->nauxv + 1) * sizeof(Elf64_auxv_t)) &&
		 p_memcmp(text, p->auxv, (p->nauxv + 1) * sizeof(Elf64_auxv_t)) == 0));
	if (read_file("/proc/self/stat", stat, sizeof(stat)) <= 0 || !p->have_bias)
		return;
	stat_report(p, stat);
	brk_report(p, stat);
}
