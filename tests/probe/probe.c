// SPDX-License-Identifier: MIT
/*
 * probe.c - the differential probe: argv, env, auxv and the initial stack.
 *
 * Everything is derived from the initial stack pointer (&argc) the way the
 * kernel's create_elf_tables() laid it out, then checked against facts the
 * probe can get independently: the program file itself (opened by the
 * AT_EXECFN path, which is the path given to execve), /proc/self/maps and
 * system calls.  A fact that must hold for any correct exec is a check()
 * ("key=ok", or "FAIL key" and exit status 1); a fact that only has to be the
 * same run directly and through uexec is a plain "key=value".  Addresses
 * differ from run to run, so they are printed only under ADDR_NO_RANDOMIZE.
 */
#include "probe.h"

#include <sys/personality.h>

enum aux_kind { AUX_VALUE, AUX_ADDR, AUX_STRING };

static const struct {
	unsigned long type;
	const char *name;
	enum aux_kind kind;
} aux_names[] = {
    {AT_SYSINFO_EHDR, "AT_SYSINFO_EHDR", AUX_ADDR},
    {AT_MINSIGSTKSZ, "AT_MINSIGSTKSZ", AUX_VALUE},
    {AT_HWCAP, "AT_HWCAP", AUX_VALUE},
    {AT_PAGESZ, "AT_PAGESZ", AUX_VALUE},
    {AT_CLKTCK, "AT_CLKTCK", AUX_VALUE},
    {AT_PHDR, "AT_PHDR", AUX_ADDR},
    {AT_PHENT, "AT_PHENT", AUX_VALUE},
    {AT_PHNUM, "AT_PHNUM", AUX_VALUE},
    {AT_BASE, "AT_BASE", AUX_ADDR},
    {AT_FLAGS, "AT_FLAGS", AUX_VALUE},
    {AT_ENTRY, "AT_ENTRY", AUX_ADDR},
    {AT_UID, "AT_UID", AUX_VALUE},
    {AT_EUID, "AT_EUID", AUX_VALUE},
    {AT_GID, "AT_GID", AUX_VALUE},
    {AT_EGID, "AT_EGID", AUX_VALUE},
    {AT_SECURE, "AT_SECURE", AUX_VALUE},
    {AT_RANDOM, "AT_RANDOM", AUX_ADDR},
    {AT_HWCAP2, "AT_HWCAP2", AUX_VALUE},
    {AT_HWCAP3, "AT_HWCAP3", AUX_VALUE},
    {AT_HWCAP4, "AT_HWCAP4", AUX_VALUE},
    {AT_EXECFN, "AT_EXECFN", AUX_STRING},
    {AT_PLATFORM, "AT_PLATFORM", AUX_STRING},
    {AT_EXECFD, "AT_EXECFD", AUX_VALUE},
    {AT_RSEQ_FEATURE_SIZE, "AT_RSEQ_FEATURE_SIZE", AUX_VALUE},
    {AT_RSEQ_ALIGN, "AT_RSEQ_ALIGN", AUX_VALUE},
};

unsigned long auxv_get(const struct probe *p, unsigned long type)
{
	for (int i = 0; i < p->nauxv; i++)
		if (p->auxv[i].a_type == type)
			return p->auxv[i].a_un.a_val;
	return 0;
}

static int in_stack(const struct probe *p, unsigned long addr)
{
	return p->stack && addr >= p->stack->start && addr < p->stack->end;
}

static void args_report(struct probe *p)
{
	emit("argc=%d", p->argc);
	for (int i = 0; i < p->argc; i++)
		emit("argv.%d=%s", i, p->argv[i]);
	emit("env.count=%d", p->envc);
	for (int i = 0; i < p->envc; i++)
		emit("env.%d=%s", i, p->envp[i]);
}

/* The list of types in order, then each value that is not an address. */
static void auxv_values_report(struct probe *p)
{
	char order[512];
	size_t len = 0;

	order[0] = '\0';
	for (int i = 0; i < p->nauxv; i++)
		len += p_snprintf(order + len, sizeof(order) - len, i ? ",%lu" : "%lu",
				  p->auxv[i].a_type);
	check(len < sizeof(order), "auxv.order_fits");
	emit("auxv.order=%s", order);
	emit("auxv.count=%d", p->nauxv);

	for (int i = 0; i < p->nauxv; i++) {
		unsigned long type = p->auxv[i].a_type;
		unsigned long val = p->auxv[i].a_un.a_val;
		size_t k;

		for (k = 0; k < ARRAY_SIZE(aux_names); k++)
			if (aux_names[k].type == type)
				break;
		if (k == ARRAY_SIZE(aux_names)) {
			/* Unknown: its value may be an address. */
			emit("auxv.unknown.%lu=present", type);
			continue;
		}
		if (aux_names[k].kind == AUX_VALUE)
			emit("auxv.%s=0x%lx", aux_names[k].name, val);
		else if (aux_names[k].kind == AUX_STRING)
			emit("auxv.%s=%s", aux_names[k].name, val ? (const char *)val : "(null)");
		if (aux_names[k].kind != AUX_VALUE)
			emit_addr(aux_names[k].name, val);
	}
}

/* Kernel rule (load_elf_binary): AT_PHDR comes from the PT_LOAD that holds
 * e_phoff, not from PT_PHDR; 0 + bias if no segment holds it. */
static unsigned long phdr_vaddr(const struct elf_file *f)
{
	for (int i = 0; i < f->ehdr.e_phnum; i++) {
		const Elf64_Phdr *ph = &f->phdr[i];

		if (ph->p_type == PT_LOAD && ph->p_offset <= f->ehdr.e_phoff &&
		    f->ehdr.e_phoff < ph->p_offset + ph->p_filesz)
			return f->ehdr.e_phoff - ph->p_offset + ph->p_vaddr;
	}
	return 0;
}

static void auxv_checks(struct probe *p)
{
	unsigned long phdr = auxv_get(p, AT_PHDR);
	unsigned long random = auxv_get(p, AT_RANDOM);
	unsigned long ehdr = auxv_get(p, AT_SYSINFO_EHDR);
	const struct elf_file *f = &p->prog;
	size_t tbl = (size_t)f->ehdr.e_phnum * sizeof(Elf64_Phdr);
	unsigned char zero[16] = {0};
	int vdso_ok = 0;

	check(f->present, "prog.readable_by_execfn");
	if (!f->present)
		return;
	check(auxv_get(p, AT_PHNUM) == f->ehdr.e_phnum &&
		  auxv_get(p, AT_PHENT) == f->ehdr.e_phentsize,
	      "auxv.AT_PHNUM.matches_file");
	check(phdr && p_memcmp((void *)phdr, f->phdr, tbl) == 0, "auxv.AT_PHDR.matches_file");
	check(p->have_bias && phdr == p->bias + phdr_vaddr(f), "auxv.AT_PHDR.at_bias");
	check(p->have_bias && auxv_get(p, AT_ENTRY) == p->bias + f->ehdr.e_entry,
	      "auxv.AT_ENTRY.at_bias");
	if (f->interp[0])
		check(p->have_interp_bias && auxv_get(p, AT_BASE) == p->interp_bias,
		      "auxv.AT_BASE.is_interp");
	else
		check(auxv_get(p, AT_BASE) == 0, "auxv.AT_BASE.zero_static");

	check(in_stack(p, random) && in_stack(p, random + 15), "auxv.AT_RANDOM.in_stack");
	check(in_stack(p, random) && p_memcmp((void *)random, zero, 16) != 0,
	      "auxv.AT_RANDOM.nonzero");
	for (int i = 0; i < p->nmaps; i++)
		if (p_strcmp(p->maps[i].cls, "[vdso]") == 0)
			vdso_ok = p->maps[i].start == ehdr;
	check(vdso_ok, "auxv.AT_SYSINFO_EHDR.is_vdso");
	check(auxv_get(p, AT_UID) == (unsigned long)sc0(SYS_getuid) &&
		  auxv_get(p, AT_EUID) == (unsigned long)sc0(SYS_geteuid) &&
		  auxv_get(p, AT_GID) == (unsigned long)sc0(SYS_getgid) &&
		  auxv_get(p, AT_EGID) == (unsigned long)sc0(SYS_getegid),
	      "auxv.ids_match_syscalls");
}

/* Strings from argv[0] up: argv, env, execfn, each right after the NUL of
 * the one before, then a zero word ending exactly at the top of [stack]. */
static void stack_strings_report(struct probe *p, unsigned long top)
{
	const char *execfn = (const char *)auxv_get(p, AT_EXECFN);
	const char *next = p->argv[0];
	int contiguous = 1;

	for (int i = 0; i < p->argc; i++) {
		contiguous &= p->argv[i] == next;
		next = p->argv[i] + p_strlen(p->argv[i]) + 1;
	}
	for (int i = 0; i < p->envc; i++) {
		contiguous &= p->envp[i] == next;
		next = p->envp[i] + p_strlen(p->envp[i]) + 1;
	}
	check(contiguous, "stack.strings_contiguous");
	check(execfn == next, "stack.execfn_after_strings");
	check(in_stack(p, (unsigned long)execfn), "auxv.AT_EXECFN.in_stack");
	if (!in_stack(p, (unsigned long)execfn))
		return;
	next = execfn + p_strlen(execfn) + 1;
	check((unsigned long)next + 8 == top && *(const long *)next == 0, "stack.zero_word_at_top");
	emit("stack.strings_size=0x%lx", top - (unsigned long)p->argv[0]);
}

/*
 * Below the strings: a random gap (0..8191, none under -R), then the
 * platform string rounded down to 16, the 16 AT_RANDOM bytes right under it,
 * 0..15 bytes of padding, auxv, envp, argv, argc at a 16-aligned sp.
 */
static void stack_layout_report(struct probe *p)
{
	unsigned long sp = (unsigned long)p->sp;
	unsigned long random = auxv_get(p, AT_RANDOM);
	unsigned long platform = auxv_get(p, AT_PLATFORM);
	unsigned long auxv_end = (unsigned long)(p->auxv + p->nauxv + 1);
	unsigned long top = p->stack ? p->stack->end : 0;
	unsigned long plat_end, gap;

	check(p->stack != NULL, "maps.stack_found");
	check(sp % 16 == 0, "stack.sp_aligned16");
	check(in_stack(p, sp), "stack.sp_in_stack");
	check((char **)(p->sp + 1) == p->argv && p->argv[p->argc] == NULL &&
		  p->envp[p->envc] == NULL,
	      "stack.vectors_null_terminated");
	check(random >= auxv_end && random - auxv_end < 16, "stack.random_above_auxv");
	emit("stack.auxv_to_random_gap=%ld", (long)(random - auxv_end));
	if (!p->stack)
		return;
	stack_strings_report(p, top);
	check(in_stack(p, platform) && platform == random + 16, "stack.platform_above_random");
	if (!in_stack(p, platform))
		return;
	plat_end = platform + p_strlen((const char *)platform) + 1;
	check(plat_end % 16 == 0, "stack.platform_end_aligned16");
	gap = (unsigned long)p->argv[0] - plat_end;
	check((unsigned long)p->argv[0] >= plat_end && gap < 8192 + 16,
	      "stack.platform_gap_bounded");
	if (p->norandom)
		emit("stack.platform_gap=%lu", gap);
	emit_addr("sp", sp);
	emit_addr("stack_top", top);
}

/*
 * The [stack] VMA grows down on demand: recurse, touching every frame, until
 * 1 MiB below the initial sp (a loader's fixed-size stack or a mapping in the
 * way would fault), then the [stack] line of /proc/self/maps must cover it.
 */
static unsigned long grow_to(unsigned long target)
{
	volatile char frame[2048];
	unsigned long depth = 0;

	frame[0] = 1;
	frame[sizeof(frame) - 1] = 1;
	if ((unsigned long)frame > target)
		depth = grow_to(target);
	return depth + frame[0] + frame[sizeof(frame) - 1] - 1;
}

static void stack_grow_report(struct probe *p)
{
	static char maps[64 * 1024];
	unsigned long target = (unsigned long)p->sp - (1UL << 20);
	int covered = 0;
	long n;

	check(grow_to(target) > 256, "stack.grows");
	n = read_file("/proc/self/maps", maps, sizeof(maps) - 1);
	for (long i = 0; n > 0 && i < n; i++) {
		const char *c = maps + i;
		unsigned long lo = p_strtoul(c, &c, 16), hi;

		hi = p_strtoul(c + 1, &c, 16);
		while (i < n && maps[i] != '\n')
			i++;
		covered |= lo <= target && (unsigned long)p->sp < hi && i >= 8 &&
			   p_strncmp(maps + i - 7, "[stack]", 7) == 0;
	}
	check(covered, "stack.grown_vma_is_stack");
}

/* Walk the initial stack as create_elf_tables() built it. */
static void parse_stack(struct probe *p, long *sp)
{
	p->sp = sp;
	p->argc = (int)sp[0];
	p->argv = (char **)(sp + 1);
	p->envp = p->argv + p->argc + 1;
	while (p->envp[p->envc])
		p->envc++;
	p->auxv = (Elf64_auxv_t *)(p->envp + p->envc + 1);
	while (p->nauxv < 128 && p->auxv[p->nauxv].a_type != AT_NULL)
		p->nauxv++;
	check(p->nauxv < 128, "auxv.terminated");
}

void probe_run(struct probe *p, long *sp)
{
	const char *execfn;

	p->norandom = !!(sc1(SYS_personality, 0xffffffff) & ADDR_NO_RANDOMIZE);
	set_norandom(p->norandom);
	parse_stack(p, sp);
	args_report(p);
	auxv_values_report(p);

	execfn = (const char *)auxv_get(p, AT_EXECFN);
	if (execfn && prog_read(&p->prog, execfn) == 0 && p->prog.interp[0])
		check(elf_read(&p->interp, p->prog.interp) == 0, "interp.readable");
	maps_read(p);
	maps_report(p);
	auxv_checks(p);
	stack_layout_report(p);
	task_report(p);
	procfs_report(p);
	stack_grow_report(p);
}
