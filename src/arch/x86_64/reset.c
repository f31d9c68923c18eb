/*
 * x86-64 state that exec resets (library mode): flush_thread() and
 * arch_setup_new_exec() of the kernel, and what they cannot be made to do.
 *
 *   CPUID faulting (ARCH_SET_CPUID 0)   re-enabled, as arch_setup_new_exec()
 *   TLS entries of the GDT              cleared (set_thread_area), as flush_thread()
 *   the LDT (modify_ldt)                every entry cleared; the table itself stays
 *                                       (a new mm has none: modify_ldt(0) then
 *                                       reads zeros instead of nothing)
 *   linear address masking (LAM)        refused: it cannot be turned off
 *   user shadow stack                   refused: glibc locks it on
 * PKRU and the FPU state are reset by the hand-off (XRSTOR of the init state).
 */
#include <errno.h>
#include <asm/ldt.h>
#include <asm/prctl.h>
#include <sys/syscall.h>
#include "../../bprm.h"
#include "../../sys.h"

#define GDT_TLS_FIRST	     12 /* GDT_ENTRY_TLS_MIN */
#define GDT_TLS_COUNT	     3
#define LDT_ENTRIES_MAX	     8192
#define ARCH_GET_UNTAG_MASK_ 0x4001 /* <asm/prctl.h> of Linux 6.4 */
#define ARCH_SHSTK_STATUS_   0x5005 /* ... of Linux 6.6 */

/* modify_ldt()'s and set_thread_area()'s way of saying "empty" (LDT_empty()) */
static void empty_desc(struct user_desc *d, unsigned entry)
{
	memset(d, 0, sizeof(*d));
	d->entry_number = entry;
	d->read_exec_only = 1;
	d->seg_not_present = 1;
}

static void clear_ldt(void)
{
	uint64_t probe;
	struct user_desc d;
	long n = sys_call3(SYS_modify_ldt, 0, &probe, sizeof(probe));
	uint64_t *e;

	if (n <= 0)
		return; /* no LDT */
	e = (uint64_t *)sys_mmap(0, LDT_ENTRIES_MAX * 8, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sys_is_err(e))
		return;
	n = sys_call3(SYS_modify_ldt, 0, e, LDT_ENTRIES_MAX * 8);
	for (long i = 0; i < n / 8; i++)
		if (e[i]) {
			empty_desc(&d, (unsigned)i);
			sys_call3(SYS_modify_ldt, 0x11, &d, sizeof(d));
		}
	sys_munmap((uint64_t)e, LDT_ENTRIES_MAX * 8);
}

int arch_check_caller(void)
{
	uint64_t v = 0;

	if (sys_call2(SYS_arch_prctl, ARCH_GET_UNTAG_MASK_, &v) == 0 && v != ~0UL)
		return uexec_fail(EPERM,
				  "linear address masking is enabled (untag mask %#lx): "
				  "execve drops it, user space cannot",
				  (unsigned long)v);
	v = 0;
	if (sys_call2(SYS_arch_prctl, ARCH_SHSTK_STATUS_, &v) == 0 && (v & 1))
		return uexec_fail(EPERM, "the shadow stack is enabled: execve drops it, user "
					 "space cannot once it is locked");
	return 0;
}

void arch_reset_process(void)
{
	struct user_desc d;

	if (sys_call2(SYS_arch_prctl, ARCH_GET_CPUID, 0) == 0)
		sys_call2(SYS_arch_prctl, ARCH_SET_CPUID, 1);
	for (unsigned i = GDT_TLS_FIRST; i < GDT_TLS_FIRST + GDT_TLS_COUNT; i++) {
		d.entry_number = i;
		if (sys_call1(SYS_get_thread_area, &d) == 0 &&
		    !(d.seg_not_present && d.read_exec_only)) {
			empty_desc(&d, i);
			sys_call1(SYS_set_thread_area, &d);
		}
	}
	clear_ldt();
}
