/*
 * Credentials across exec, library mode: what cap_bprm_creds_from_file()
 * and prepare_exec_creds() of the kernel give a program whose file has no
 * set-id bits and no file capabilities (uexec never honours those).
 *
 * With P, I, E, A, B the caller's permitted, inheritable, effective, ambient
 * and bounding sets (primes: the program's):
 *   - root's rule, unless SECBIT_NOROOT: if the real or the effective uid
 *     is 0, P' = B | I; if the effective uid is 0, E' will be P'.
 *   - "id changed": before Linux 6.16 (and its backports), the effective ids
 *     differ from the real ones; since, the effective uid changes (never
 *     here) or the egid is not among the groups.  Then, or when P' holds
 *     more than P, the kernel downgrades under no_new_privs: the effective
 *     ids become the real ones, P' = P' & P.  Without no_new_privs it
 *     raises P: user space cannot, so that case is refused before anything
 *     changes.  Where the two rules differ, kernel_rule() tells which one
 *     the running kernel has.
 *   - an id change clears the ambient set; P' |= A'; E' = effective ? P' : A'.
 *   - saved and file-system ids become the effective ones; SECBIT_KEEP_CAPS
 *     is cleared; every other securebit, no_new_privs and I, B stay.
 *   - AT_SECURE: an id change, effective ids other than the real ones, or the
 *     real uid is not 0 and either the root rule's effective bit applied or
 *     P' holds more than A'.
 * The thread and process keyrings go too: user space cannot drop a keyring
 * from its credentials, so one that holds keys is refused and an empty one
 * stays (uexec(3)).
 *
 * prepare_exec_creds() computes and checks all of it before the point of
 * no return; commit_exec_creds() carries it out after it, with system calls
 * that can only lower what the caller holds.  The capabilities that set
 * /proc/self/exe (CAP_SYS_ADMIN, CAP_CHECKPOINT_RESTORE) are kept until the
 * hand-off has set it, as the kernel sets the exe before installing the new
 * credentials; the hand-off's last system call drops them (creds_final()).
 */
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <linux/prctl.h>
#include <linux/securebits.h>
#include "arch/x86_64/arch.h"
#include "bprm.h"
#include "sys.h"

#define CAP_BIT(c) (1ULL << (c))
/* what PR_SET_MM_MAP needs to replace /proc/self/exe */
#define EXE_CAPS (CAP_BIT(CAP_SYS_ADMIN) | CAP_BIT(40) /* CAP_CHECKPOINT_RESTORE */)

struct cap_data {
	uint32_t effective, permitted, inheritable;
};

static int cap_get(uint64_t *p, uint64_t *e, uint64_t *i)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct cap_data d[2];
	int r = (int)sys_call2(SYS_capget, &hdr, d);

	if (r < 0)
		return r;
	*p = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*e = d[0].effective | (uint64_t)d[1].effective << 32;
	*i = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

/* The capset() arguments for P, E, I, in the layout the system call takes
 * (the hand-off page holds one: creds_final()). */
void cap_fill(struct exec_capset *c, uint64_t p, uint64_t e, uint64_t i)
{
	c->version = _LINUX_CAPABILITY_VERSION_3;
	c->pid = 0;
	c->data[0] = (uint32_t)e;
	c->data[1] = (uint32_t)p;
	c->data[2] = (uint32_t)i;
	c->data[3] = (uint32_t)(e >> 32);
	c->data[4] = (uint32_t)(p >> 32);
	c->data[5] = (uint32_t)(i >> 32);
}

static int cap_set(uint64_t p, uint64_t e, uint64_t i)
{
	struct exec_capset c;

	cap_fill(&c, p, e, i);
	return (int)sys_call2(SYS_capset, &c, c.data);
}

/* A thread or process keyring holding keys cannot be dropped: refused.
 * KEYCTL_READ of a keyring gives 4 bytes per key it links. */
static int check_keyring(int spec, const char *what)
{
	long id = sys_call3(SYS_keyctl, KEYCTL_GET_KEYRING_ID, spec, 0), n;

	if (id < 0)
		return 0; /* none (ENOKEY), or no keys in this kernel */
	n = sys_call5(SYS_keyctl, KEYCTL_READ, id, 0, 0, 0);
	if (n == 0)
		return 0;
	if (n < 0)
		return uexec_fail(EPERM,
				  "the process has a %s keyring (%ld) that it cannot read; "
				  "execve drops it, user space cannot",
				  what, id);
	return uexec_fail(EPERM,
			  "the %s keyring (%ld) holds %ld key(s): execve drops it, user "
			  "space cannot (clear it first: keyctl(KEYCTL_CLEAR))",
			  what, id, n / 4);
}

/* Whether setresuid() to (r, e, s) would clear the ambient set (and P and
 * E, without KEEP_CAPS): cap_emulate_setxuid(), unless NO_SETUID_FIXUP. */
static int setuid_fixup(const struct exec_creds *c, uint32_t r, uint32_t e, uint32_t s)
{
	return !(c->securebits & SECBIT_NO_SETUID_FIXUP) &&
	       (c->ruid == 0 || c->euid == 0 || c->suid == 0) && r != 0 && e != 0 && s != 0;
}

/* The egid is one of the process's groups: in_group_p() (fsgid or supplementary). */
static int in_groups(const struct exec_creds *c, uint32_t gid)
{
	uint32_t groups[256];
	long n;

	if (gid == c->fsgid)
		return 1;
	n = sys_call2(SYS_getgroups, 256, groups);
	for (long k = 0; k < n; k++)
		if (groups[k] == gid)
			return 1;
	return n < 0; /* more than 256: taken as a member (rare; uexec(3)) */
}

struct from_file {
	uint64_t np, ne, amb;
	uint32_t euid, egid;
	int secure;
};

/*
 * cap_bprm_creds_from_file() for a file without set-id bits or capabilities.
 * old_rule: the kernels before 6.16 took "set-id" to mean euid != ruid or
 * egid != rgid; since then only an effective id that exec changes counts
 * (never here, but for an egid outside the groups).
 */
static int from_file(const struct exec_creds *c, struct from_file *f, uint64_t bset, uint64_t a,
		     int nnp, int old_rule)
{
	int effective = 0, id_changed;
	uint64_t gained;

	f->np = 0;
	if (!(c->securebits & SECBIT_NOROOT)) { /* handle_privileged_root() */
		if (c->euid == 0 || c->ruid == 0)
			f->np = bset | c->i;
		effective = c->euid == 0;
	}
	id_changed = old_rule ? c->euid != c->ruid || c->egid != c->rgid : !in_groups(c, c->egid);
	gained = f->np & ~c->p;
	f->euid = c->euid;
	f->egid = c->egid;
	if (id_changed || gained) {
		if (nnp) { /* the downgrade: LSM_UNSAFE_NO_NEW_PRIVS */
			f->euid = c->ruid;
			f->egid = c->rgid;
			f->np &= c->p;
		} else if (gained) {
			return uexec_fail(
			    EPERM,
			    "execve would raise the permitted capabilities to "
			    "%#lx (the bounding and inheritable sets, root's rule); "
			    "the caller holds %#lx and user space can only lower them",
			    (unsigned long)f->np, (unsigned long)c->p);
		}
	}
	f->amb = id_changed ? 0 : a;
	f->np |= f->amb;
	f->ne = effective ? f->np : f->amb;
	f->secure = id_changed || c->euid != c->ruid || c->egid != c->rgid ||
		    (c->ruid != 0 && (effective || (f->np & ~f->amb)));
	return 0;
}

/*
 * Which of the two rules (from_file()) the running kernel applies, told by
 * its behaviour, not its version (the change was backported): a child in
 * the caller's very state execs a tiny program (arch/.../rule_probe.S, in a
 * memfd) that reports whether its effective uid is its real one and whether
 * a capability of the caller's ambient set survived.  Once per process, and
 * only for a caller whose effective ids differ from its real ones and that
 * has an ambient set or no_new_privs.  0 when it cannot be run (execve
 * denied, say).
 */
#define RULE_BEFORE_6_16 1
#define RULE_SINCE_6_16	 2
extern HIDDEN const unsigned char uexec_rule_probe_start[], uexec_rule_probe_end[],
    uexec_rule_probe_cap[];
static int rule_seen; /* 0 until the probe has run */

static int run_rule_probe(unsigned cap)
{
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph;
		unsigned char code[128];
	} img;
	size_t code = (size_t)(uexec_rule_probe_end - uexec_rule_probe_start), size;
	char *argv[] = {(char *)"uexec-rule-probe", NULL}, *envp[] = {NULL};
	long pid, r;
	int fd, st = 0;

	if (code > sizeof(img.code))
		return -1;
	memset(&img, 0, sizeof(img));
	memcpy(img.eh.e_ident, ELFMAG, SELFMAG);
	img.eh.e_ident[EI_CLASS] = ELFCLASS64;
	img.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img.eh.e_ident[EI_VERSION] = EV_CURRENT;
	img.eh.e_type = ET_EXEC;
	img.eh.e_machine = ARCH_ELF_MACHINE;
	img.eh.e_version = EV_CURRENT;
	img.eh.e_entry = 0x400000 + offsetof(__typeof__(img), code);
	img.eh.e_phoff = sizeof(img.eh);
	img.eh.e_ehsize = sizeof(img.eh);
	img.eh.e_phentsize = sizeof(img.ph);
	img.eh.e_phnum = 1;
	size = offsetof(__typeof__(img), code) + code;
	img.ph.p_type = PT_LOAD;
	img.ph.p_flags = PF_R | PF_X;
	img.ph.p_vaddr = img.ph.p_paddr = 0x400000;
	img.ph.p_filesz = img.ph.p_memsz = size;
	img.ph.p_align = 0x1000;
	memcpy(img.code, uexec_rule_probe_start, code);
	memcpy(img.code + (uexec_rule_probe_cap - uexec_rule_probe_start), &cap, 4);
	fd = sys_memfd_create("uexec-rule-probe", MFD_CLOEXEC | 0x10 /* MFD_EXEC, 6.3 */);
	if (fd == -EINVAL)
		fd = sys_memfd_create("uexec-rule-probe", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (sys_write(fd, &img, size) != (long)size) {
		sys_close(fd);
		return -1;
	}
	pid = sys_call5(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) {
		sys_call5(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		sys_exit_group(127);
	}
	sys_close(fd);
	if (pid < 0)
		return -1;
	while ((r = sys_call4(SYS_wait4, pid, &st, 0, 0)) == -EINTR)
		;
	/* exited (low 7 bits 0) with a status of 0..3 */
	if (r != pid || (st & 0x7f) || ((st >> 8) & 0xff) > 3)
		return -1;
	return (st >> 8) & 0xff;
}

static int kernel_rule(const struct exec_creds *c, const struct from_file *now,
		       const struct from_file *before, uint64_t a)
{
	unsigned cap = a ? (unsigned)__builtin_ctzll(a) : 0;
	int seen, want_now, want_before;

	if (rule_seen)
		return rule_seen;
	want_now = (now->euid == c->ruid) | (!!(now->amb >> cap & 1) << 1);
	want_before = (before->euid == c->ruid) | (!!(before->amb >> cap & 1) << 1);
	if (want_now == want_before)
		return 0; /* cannot happen: they differ exactly then */
	seen = run_rule_probe(cap);
	if (seen == want_now)
		rule_seen = RULE_SINCE_6_16;
	else if (seen == want_before)
		rule_seen = RULE_BEFORE_6_16;
	return rule_seen;
}

int prepare_exec_creds(struct exec_creds *c)
{
	uint32_t ids[3];
	uint64_t p, e, i, a = 0, bset = 0, np;
	struct from_file now, before;
	int sb, nnp, r;

	memset(c, 0, sizeof(*c));
	sys_call3(SYS_getresuid, &ids[0], &ids[1], &ids[2]);
	c->ruid = ids[0], c->euid = ids[1], c->suid = ids[2];
	sys_call3(SYS_getresgid, &ids[0], &ids[1], &ids[2]);
	c->rgid = ids[0], c->egid = ids[1], c->sgid = ids[2];
	/* an invalid id changes nothing and returns the present one */
	c->fsuid = (uint32_t)sys_call1(SYS_setfsuid, -1);
	c->fsgid = (uint32_t)sys_call1(SYS_setfsgid, -1);
	r = cap_get(&p, &e, &i);
	if (r < 0)
		return uexec_fail(-r, "capget failed");
	sb = sys_prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	nnp = sys_prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
	c->securebits = sb < 0 ? 0 : (unsigned)sb;
	for (int cap = 0; cap < 64; cap++) {
		int in = sys_prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0);

		if (in < 0)
			break; /* past CAP_LAST_CAP */
		if (in)
			bset |= CAP_BIT(cap);
		/* the ambient set is always inside P & I */
		if ((p & i & CAP_BIT(cap)) &&
		    sys_prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, (unsigned long)cap, 0, 0) == 1)
			a |= CAP_BIT(cap);
	}
	r = check_keyring(KEY_SPEC_THREAD_KEYRING, "thread");
	if (r == 0)
		r = check_keyring(KEY_SPEC_PROCESS_KEYRING, "process");
	if (r)
		return r;

	c->p = p, c->e = e, c->i = i;
	r = from_file(c, &now, bset, a, nnp, 0);
	if (r == 0)
		r = from_file(c, &before, bset, a, nnp, 1);
	if (r)
		return r;
	if (now.np != before.np || now.ne != before.ne || now.amb != before.amb ||
	    now.euid != before.euid || now.egid != before.egid || now.secure != before.secure) {
		int rule = kernel_rule(c, &now, &before, a);

		if (!rule)
			return uexec_fail(
			    EPERM,
			    "the effective ids differ from the real ones and the "
			    "%s: what execve gives then changed in Linux 6.16 (and its "
			    "backports), and the program that tells which rule this "
			    "kernel has could not be run (is execve denied?)",
			    nnp ? "no_new_privs flag is set" : "ambient set is not empty");
		if (rule == RULE_BEFORE_6_16)
			now = before;
	}
	np = now.np;
	c->np = np, c->ne = now.ne, c->amb = now.amb;
	c->new_euid = now.euid, c->new_egid = now.egid;
	c->secureexec = now.secure;
	c->clear_ambient = a && !now.amb;

	if ((c->securebits & SECBIT_KEEP_CAPS) && (c->securebits & SECBIT_KEEP_CAPS_LOCKED))
		return uexec_fail(EPERM, "SECBIT_KEEP_CAPS is set and locked: execve clears it, "
					 "user space cannot");
	c->clear_keepcaps = (c->securebits & SECBIT_KEEP_CAPS) != 0;
	c->set_gids = c->sgid != c->new_egid || c->fsgid != c->new_egid || c->egid != c->new_egid;
	c->set_uids = c->suid != c->new_euid || c->fsuid != c->new_euid || c->euid != c->new_euid;
	/* setresuid() to ids without 0 takes P, E and A away (A even with
	 * KEEP_CAPS): P kept with KEEP_CAPS for the while, A raised again */
	c->mid_p = np | (p & EXE_CAPS); /* until the hand-off has set the exe */
	if (c->set_uids && setuid_fixup(c, c->ruid, c->new_euid, c->new_euid)) {
		if (!(c->securebits & SECBIT_KEEP_CAPS) &&
		    (c->securebits & SECBIT_KEEP_CAPS_LOCKED)) {
			if (np)
				return uexec_fail(
				    EPERM, "resetting the saved uid would clear the "
					   "capabilities, and SECBIT_KEEP_CAPS is locked off");
			c->mid_p = 0; /* cleared by the fixup; nothing to keep */
		} else if (!(c->securebits & SECBIT_KEEP_CAPS)) {
			c->keepcaps_dance = 1;
		}
		if (c->amb && (c->securebits & SECBIT_NO_CAP_AMBIENT_RAISE))
			return uexec_fail(
			    EPERM, "resetting the saved uid would clear the ambient "
				   "set, and SECBIT_NO_CAP_AMBIENT_RAISE forbids raising it again");
		c->raise_ambient = c->amb != 0;
	}
	c->mid_e = c->ne | (c->mid_p & EXE_CAPS);
	c->set_caps = c->mid_p != p || c->mid_e != e || c->set_uids;
	c->final_caps = c->mid_p != np || c->mid_e != c->ne;
	return 0;
}

/*
 * After the point of no return, before the hand-off: everything but the
 * final lowering of the capabilities.  Every call was checked to be allowed
 * by prepare_exec_creds(); a failure is the kernel's kind of failure past
 * that point (the caller kills the process).
 */
int commit_exec_creds(const struct exec_creds *c)
{
	long r = 0;

	if (c->keepcaps_dance)
		r |= sys_prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
	if (c->set_gids) {
		r |= sys_call3(SYS_setresgid, -1, c->new_egid, c->new_egid);
		sys_call1(SYS_setfsgid, c->new_egid);
	}
	if (c->set_uids) {
		r |= sys_call3(SYS_setresuid, -1, c->new_euid, c->new_euid);
		sys_call1(SYS_setfsuid, c->new_euid);
	}
	if (c->clear_ambient)
		r |= sys_prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (c->keepcaps_dance || c->clear_keepcaps)
		r |= sys_prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if (c->set_caps)
		r |= cap_set(c->mid_p, c->mid_e, c->i);
	for (int cap = 0; c->raise_ambient && cap < 64; cap++)
		if (c->amb & CAP_BIT(cap))
			r |= sys_prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)cap, 0,
				       0);
	if (c->set_uids && (uint32_t)sys_call1(SYS_setfsuid, -1) != c->new_euid)
		r |= -EPERM;
	if (c->set_gids && (uint32_t)sys_call1(SYS_setfsgid, -1) != c->new_egid)
		r |= -EPERM;
	return r ? -EPERM : 0;
}
