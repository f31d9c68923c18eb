/*
 * caller [-u] SETUP... -- PROG [ARG]... - puts this process in the state
 * SETUP describes, then runs PROG by the kernel's execve, or with -u by
 * uexec_execve().  Run as root (the setups need it).  tests/80-exec-resets.t
 * compares the two runs of tests/reset/showstate.
 *
 * SETUP words, applied in this order whatever order they are given in:
 *   sb=none|noroot|nofixup   securebits: SECBIT_NOROOT, SECBIT_NO_SETUID_FIXUP
 *   ids=root|user|ruid0|euid0  (r,e,s) uid and gid = (0,0,0), (1000,1000,1000),
 *                            (0,1000,0), (1000,0,1000); capabilities kept
 *   fsuid=N                  setfsuid(N)
 *   amb=1                    CAP_NET_ADMIN inheritable and ambient
 *   dropprm                  CAP_NET_RAW out of the permitted set
 *   emptyeff                 an empty effective set (else E = P)
 *   keep=1                   PR_SET_KEEPCAPS
 *   nnp=1                    PR_SET_NO_NEW_PRIVS
 *   keyring=thread|process|thread-empty  a key in that keyring (or none)
 *   cpuid                    CPUID faulting on (ARCH_SET_CPUID 0)
 *   sud                      syscall user dispatch on, its selector allowing
 *   ldt, tls                 an LDT entry; a GDT TLS entry (set_thread_area)
 *   ssb                      PR_SPEC_DISABLE_NOEXEC for store bypass
 *   pdeath                   PR_SET_PDEATHSIG SIGUSR1
 *   stack=BYTES              RLIMIT_STACK's soft limit
 *   mseal                    a sealed page
 *   noexec                   a seccomp filter: execve and execveat fail (EPERM)
 *
 * Output: PROG's.  When uexec_execve() returns: "REFUSED errno=N prm=HEX
 * reason=..." (prm: this process's permitted set) and status 3.  A setup that
 * the kernel or the machine does not allow: "SKIP reason" and status 4.
 */
#include <asm/ldt.h>
#include <asm/prctl.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <linux/keyctl.h>
#include <linux/securebits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/fsuid.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "uexec.h"
#include "../lib/deny_execve.h"

extern char **environ;

static const char *opt(int argc, char **argv, const char *key)
{
	size_t n = strlen(key);

	for (int i = 0; i < argc && strcmp(argv[i], "--"); i++)
		if (strncmp(argv[i], key, n) == 0 && (argv[i][n] == '=' || argv[i][n] == 0))
			return argv[i][n] == '=' ? argv[i] + n + 1 : "";
	return NULL;
}

static void die(const char *what)
{
	printf("SETUP-FAILED %s: %s\n", what, strerror(errno));
	exit(5);
}

static void skip(const char *what)
{
	printf("SKIP %s: %s\n", what, strerror(errno));
	exit(4);
}

static struct __user_cap_data_struct caps[2];
static struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};

static void cap_read(void)
{
	if (syscall(SYS_capget, &hdr, caps))
		die("capget");
}

static void cap_write(void)
{
	if (syscall(SYS_capset, &hdr, caps))
		die("capset");
}

static void set_ids(const char *ids)
{
	uid_t r = 0, e = 0, s = 0;

	if (strcmp(ids, "user") == 0)
		r = e = s = 1000;
	else if (strcmp(ids, "ruid0") == 0)
		e = 1000;
	else if (strcmp(ids, "euid0") == 0)
		r = s = 1000;
	else if (strcmp(ids, "root"))
		die("ids=?");
	prctl(PR_SET_KEEPCAPS, 1);
	if (setgroups(0, NULL) || setresgid(r, e, s) || setresuid(r, e, s))
		die("set ids");
	prctl(PR_SET_KEEPCAPS, 0);
}

static unsigned char selector = 0; /* SYSCALL_DISPATCH_FILTER_ALLOW */

int main(int argc, char **argv)
{
	int use_uexec = argc > 1 && strcmp(argv[1], "-u") == 0, first = 1 + use_uexec, prog = -1;
	const char *v;

	for (int i = first; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			prog = i + 1;
			break;
		}
	if (prog < 0 || prog >= argc) {
		fprintf(stderr, "usage: caller [-u] SETUP... -- PROG [ARG]...\n");
		return 125;
	}
	argc = prog; /* opt() looks at the SETUP words only */
	if ((v = opt(argc, argv, "sb")) && strcmp(v, "none")) {
		int bits = strcmp(v, "noroot") == 0 ? SECBIT_NOROOT : SECBIT_NO_SETUID_FIXUP;

		if (prctl(PR_SET_SECUREBITS, bits))
			die("PR_SET_SECUREBITS");
	}
	if ((v = opt(argc, argv, "ids")))
		set_ids(v);
	if ((v = opt(argc, argv, "fsuid")))
		setfsuid((uid_t)atoi(v));
	cap_read();
	if (opt(argc, argv, "amb") && strcmp(opt(argc, argv, "amb"), "1") == 0) {
		caps[0].inheritable |= 1u << CAP_NET_ADMIN;
		cap_write();
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0, 0))
			die("PR_CAP_AMBIENT_RAISE");
	}
	if (opt(argc, argv, "dropprm"))
		caps[0].permitted &= ~(1u << CAP_NET_RAW);
	caps[0].effective = caps[0].permitted;
	caps[1].effective = caps[1].permitted;
	if (opt(argc, argv, "emptyeff"))
		caps[0].effective = caps[1].effective = 0;
	cap_write();
	if ((v = opt(argc, argv, "keep")) && strcmp(v, "1") == 0 && prctl(PR_SET_KEEPCAPS, 1))
		die("PR_SET_KEEPCAPS");
	if ((v = opt(argc, argv, "keyring"))) {
		int ring = strncmp(v, "thread", 6) == 0 ? KEY_SPEC_THREAD_KEYRING
							: KEY_SPEC_PROCESS_KEYRING;

		if (strstr(v, "empty")) {
			if (syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, ring, 1) < 0)
				skip("keyctl");
		} else if (syscall(SYS_add_key, "user", "uexec-test", "secret", 6, ring) < 0) {
			skip("add_key");
		}
	}
	if (opt(argc, argv, "cpuid") && syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0))
		skip("ARCH_SET_CPUID");
	if (opt(argc, argv, "ldt")) {
		struct user_desc d = {.entry_number = 0,
				      .base_addr = 0,
				      .limit = 0xfffff,
				      .seg_32bit = 1,
				      .contents = 0,
				      .limit_in_pages = 1,
				      .useable = 1};

		if (syscall(SYS_modify_ldt, 0x11, &d, sizeof(d)))
			skip("modify_ldt");
	}
	if (opt(argc, argv, "tls")) {
		struct user_desc d = {.entry_number = (unsigned)-1,
				      .base_addr = 0x1000,
				      .limit = 0xfffff,
				      .seg_32bit = 1,
				      .limit_in_pages = 1,
				      .useable = 1};

		if (syscall(SYS_set_thread_area, &d))
			skip("set_thread_area");
	}
	if (opt(argc, argv, "ssb") &&
	    prctl(PR_SET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, PR_SPEC_DISABLE_NOEXEC, 0, 0))
		skip("PR_SPEC_DISABLE_NOEXEC");
	if (opt(argc, argv, "pdeath"))
		prctl(PR_SET_PDEATHSIG, SIGUSR1);
	if ((v = opt(argc, argv, "stack"))) {
		struct rlimit rl = {strtoull(v, NULL, 0), RLIM_INFINITY};

		if (setrlimit(RLIMIT_STACK, &rl))
			die("setrlimit");
	}
	if (opt(argc, argv, "mseal")) {
		void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED || syscall(462 /* mseal */, p, 4096, 0))
			skip("mseal");
	}
	if ((v = opt(argc, argv, "nnp")) && strcmp(v, "1") == 0 &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("PR_SET_NO_NEW_PRIVS");
	if (opt(argc, argv, "noexec") && deny_execve())
		skip("seccomp");
	/* last: from here on every system call of glibc's goes through it */
	if (opt(argc, argv, "sud") &&
	    prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, 0, 0, &selector))
		skip("PR_SET_SYSCALL_USER_DISPATCH");
	fflush(stdout);
	if (!use_uexec) {
		execve(argv[prog], argv + prog, environ);
		printf("EXECVE-FAILED %s\n", strerror(errno));
		return 6;
	}
	uexec_execve(argv[prog], argv + prog, environ);
	{
		int err = errno;

		selector = 0;
		cap_read();
		printf("REFUSED errno=%s prm=%08x%08x reason=%s\n", strerrorname_np(err),
		       caps[1].permitted, caps[0].permitted, uexec_reason());
	}
	return 3;
}
