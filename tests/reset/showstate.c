/*
 * showstate - prints, one "key=value" line each, the process state that exec
 * resets or recomputes: credentials (/proc/self/status), securebits,
 * KEEPCAPS, AT_SECURE and the id auxv entries, dumpable, keyrings, CPUID
 * faulting, the LDT, TLS entries, speculation control, the parent-death
 * signal, RLIMIT_STACK, and whether root can be regained.  Run directly by
 * the kernel's execve and through libuexec by tests/80-exec-resets.t, whose
 * outputs must be equal.  Reaching main() at all shows that syscall user
 * dispatch is off.
 */
#include <asm/ldt.h>
#include <asm/prctl.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static void status_lines(void)
{
	static const char *keys[] = {
	    "Uid:",    "Gid:",	  "Groups:",	 "CapInh:",  "CapPrm:", "CapEff:",
	    "CapBnd:", "CapAmb:", "NoNewPrivs:", "Seccomp:", NULL};
	char line[512];
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		for (int i = 0; keys[i]; i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0) {
				char *v = line + strlen(keys[i]);

				v[strcspn(v, "\n")] = 0;
				for (char *t = v; *t; t++)
					if (*t == '\t')
						*t = ' ';
				while (*v == ' ')
					v++;
				printf("status.%.*s=%s\n", (int)strlen(keys[i]) - 1, keys[i], v);
			}
	fclose(f);
}

int main(void)
{
	uint64_t ldt[64];
	struct user_desc d;
	struct rlimit rl;
	long n, nonzero = 0;
	int sig = -1;

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	status_lines();
	printf("keepcaps=%d\n", prctl(PR_GET_KEEPCAPS));
	printf("securebits=%#x\n", prctl(PR_GET_SECUREBITS));
	printf("dumpable=%d\n", prctl(PR_GET_DUMPABLE));
	printf("auxv.secure=%lu uid=%lu euid=%lu gid=%lu egid=%lu\n", getauxval(AT_SECURE),
	       getauxval(AT_UID), getauxval(AT_EUID), getauxval(AT_GID), getauxval(AT_EGID));
	printf("keyring.thread=%s\n",
	       syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_THREAD_KEYRING, 0) < 0 ? "none"
											  : "yes");
	printf("keyring.process=%s\n",
	       syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, 0) < 0 ? "none"
											   : "yes");
	printf("cpuid=%ld\n", syscall(SYS_arch_prctl, ARCH_GET_CPUID, 0));
	/* modify_ldt(0) reads zeros where the kernel reads nothing: the
	 * descriptors in use are what counts (uexec(3)) */
	memset(ldt, 0, sizeof(ldt));
	n = syscall(SYS_modify_ldt, 0, ldt, sizeof(ldt));
	for (long i = 0; i < n / 8; i++)
		nonzero += ldt[i] != 0;
	printf("ldt.in_use=%ld\n", nonzero);
	for (unsigned e = 12; e < 15; e++) {
		d.entry_number = e;
		if (syscall(SYS_get_thread_area, &d) == 0)
			printf("tls.%u=%s\n", e,
			       d.seg_not_present && d.read_exec_only ? "empty" : "set");
	}
	printf("ssb=%d\n", prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0, 0, 0));
	prctl(PR_GET_PDEATHSIG, &sig);
	printf("pdeathsig=%d\n", sig);
	getrlimit(RLIMIT_STACK, &rl);
	printf("rlimit.stack=%llu\n", (unsigned long long)rl.rlim_cur);
	fflush(stdout);
	/* last: it changes the ids */
	printf("regain_root=%s\n", geteuid() != 0 && setresuid(0, 0, 0) == 0 ? "yes" : "no");
	return 0;
}
