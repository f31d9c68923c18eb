/*
 * --plan's printer: buffered output with columns, the names of ELF and auxv
 * values, and what both writers need of a planned object (src/plan_print.h).
 */
#include <stdarg.h>
#include "arch/x86_64/arch.h"
#include "plan_print.h"
#include "sys.h"

void o_flush(struct out *o)
{
	size_t done = 0;

	while (done < o->len) {
		long n = sys_write(o->fd, o->buf + done, o->len - done);

		if (n <= 0)
			break;
		done += (size_t)n;
	}
	o->len = 0;
}

void o_putn(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (o->len == sizeof(o->buf))
			o_flush(o);
		o->buf[o->len++] = s[i];
		o->col = s[i] == '\n' ? 0 : o->col + 1;
	}
}

void o_put(struct out *o, const char *s)
{
	o_putn(o, s, strlen(s));
}

void o_fmt(struct out *o, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ufmt(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		o_putn(o, line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void o_to(struct out *o, size_t col)
{
	if (o->col && o->col >= col)
		o_put(o, " ");
	while (o->col < col)
		o_put(o, " ");
}

void o_hex(struct out *o, uint64_t v, int width, int prefix)
{
	char d[20];
	int n = 0;

	do {
		d[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	if (prefix)
		o_put(o, "0x");
	for (; width > n; width--)
		o_put(o, "0");
	while (n)
		o_putn(o, &d[--n], 1);
}

void o_jstr(struct out *o, const char *s)
{
	o_put(o, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			o_putn(o, "\\", 1);
			o_putn(o, s, 1);
		} else if (c < 0x20 || c == 0x7f) {
			o_fmt(o, "\\u00%c%c", "0123456789abcdef"[c >> 4],
			      "0123456789abcdef"[c & 15]);
		} else {
			o_putn(o, s, 1);
		}
	}
	o_put(o, "\"");
}

/* ---- names ------------------------------------------------------------ */

const char *ptype_name(uint32_t t, char *buf, size_t n)
{
	switch (t) {
	case PT_NULL:
		return "NULL";
	case PT_LOAD:
		return "LOAD";
	case PT_DYNAMIC:
		return "DYNAMIC";
	case PT_INTERP:
		return "INTERP";
	case PT_NOTE:
		return "NOTE";
	case PT_SHLIB:
		return "SHLIB";
	case PT_PHDR:
		return "PHDR";
	case PT_TLS:
		return "TLS";
	case PT_GNU_EH_FRAME:
		return "GNU_EH_FRAME";
	case PT_GNU_STACK:
		return "GNU_STACK";
	case PT_GNU_RELRO:
		return "GNU_RELRO";
	case PT_GNU_PROPERTY:
		return "GNU_PROPERTY";
	case 0x6474e554:
		return "GNU_SFRAME";
	case 0x70000003:
		return "RISCV_ATTRIBUTES"; /* or ARM_ATTRIBUTES, same number */
	}
	ufmtf(buf, n, "%#x", t);
	return buf;
}

const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_X86_64:
		return "x86-64";
	case EM_AARCH64:
		return "aarch64";
	case EM_RISCV:
		return "riscv";
	case EM_386:
		return "i386";
	case EM_ARM:
		return "arm";
	case EM_PPC64:
		return "ppc64";
	case EM_S390:
		return "s390";
	case EM_LOONGARCH:
		return "loongarch";
	case EM_MIPS:
		return "mips";
	}
	return "other";
}

static const char *const at_names[] = {
    [AT_NULL] = "AT_NULL",
    [AT_IGNORE] = "AT_IGNORE",
    [AT_EXECFD] = "AT_EXECFD",
    [AT_PHDR] = "AT_PHDR",
    [AT_PHENT] = "AT_PHENT",
    [AT_PHNUM] = "AT_PHNUM",
    [AT_PAGESZ] = "AT_PAGESZ",
    [AT_BASE] = "AT_BASE",
    [AT_FLAGS] = "AT_FLAGS",
    [AT_ENTRY] = "AT_ENTRY",
    [AT_NOTELF] = "AT_NOTELF",
    [AT_UID] = "AT_UID",
    [AT_EUID] = "AT_EUID",
    [AT_GID] = "AT_GID",
    [AT_EGID] = "AT_EGID",
    [AT_PLATFORM] = "AT_PLATFORM",
    [AT_HWCAP] = "AT_HWCAP",
    [AT_CLKTCK] = "AT_CLKTCK",
    [AT_SECURE] = "AT_SECURE",
    [AT_BASE_PLATFORM] = "AT_BASE_PLATFORM",
    [AT_RANDOM] = "AT_RANDOM",
    [AT_HWCAP2] = "AT_HWCAP2",
    [27] = "AT_RSEQ_FEATURE_SIZE",
    [28] = "AT_RSEQ_ALIGN",
    [29] = "AT_HWCAP3",
    [30] = "AT_HWCAP4",
    [AT_EXECFN] = "AT_EXECFN",
    [AT_SYSINFO_EHDR] = "AT_SYSINFO_EHDR",
    [51] = "AT_MINSIGSTKSZ",
};

const char *at_name(uint64_t key, char *buf, size_t n)
{
	if (key < sizeof(at_names) / sizeof(at_names[0]) && at_names[key])
		return at_names[key];
	ufmtf(buf, n, "AT_%lu", (unsigned long)key);
	return buf;
}

void perms(int prot, int shared, char *s)
{
	s[0] = prot & PROT_READ ? 'r' : '-';
	s[1] = prot & PROT_WRITE ? 'w' : '-';
	s[2] = prot & PROT_EXEC ? 'x' : '-';
	s[3] = shared ? 's' : 'p';
	s[4] = 0;
}

void pflags(uint32_t f, char *s)
{
	s[0] = f & PF_R ? 'R' : ' ';
	s[1] = f & PF_W ? 'W' : ' ';
	s[2] = f & PF_X ? 'E' : ' ';
	s[3] = 0;
}

/* The segment mappings of PT_LOAD phdr i: where seg[] has them. */
unsigned segs_of(const struct view *vw, unsigned i, unsigned *first)
{
	unsigned k = 0, n = 0;
	const struct elf_image *im = vw->im;

	for (unsigned j = 0; j < im->phnum && j <= i; j++) {
		const Elf64_Phdr *p = &im->ph[j];
		uint64_t pg = vw->page, in = p->p_vaddr & (pg - 1);
		uint64_t zs = p->p_filesz ? p->p_vaddr + p->p_filesz : p->p_vaddr - in;
		uint64_t ze =
		    p->p_filesz ? p->p_vaddr + p->p_memsz : p->p_vaddr - in + in + p->p_memsz;
		unsigned c = 0;

		if (p->p_type != PT_LOAD)
			continue;
		c += p->p_filesz != 0;
		c += p->p_memsz > p->p_filesz &&
		     ((ze + pg - 1) & ~(pg - 1)) > ((zs + pg - 1) & ~(pg - 1));
		if (j == i) {
			*first = k;
			n = c;
		}
		k += c;
	}
	return n;
}

int all_hold(const struct verdicts *v)
{
	for (int k = 0; k < NVERDICTS; k++)
		if (v->rule[k].failures)
			return 0;
	return 1;
}

void stack_layout(const struct bprm *b, struct stack_part *row)
{
	uint64_t top = b->stack_top, u_plat = b->gap_lo - sizeof(ARCH_PLATFORM),
		 u_rand = u_plat - 16, execfn = top - 8 - (strlen(b->filename) + 1),
		 argv_at = b->sp + 8, envp_at = argv_at + (b->argc + 1) * 8,
		 auxv_at = envp_at + (b->envc + 1) * 8, auxv_end = auxv_at + b->nauxv * 16;
	const struct stack_part r[NSTACK_PARTS] = {
	    {top - 8, 8, "end", "zero word"},
	    {execfn, top - 8 - execfn, "execfn", "execfn string (AT_EXECFN)"},
	    {b->mm.env_start, b->mm.env_end - b->mm.env_start, "env_strings",
	     "environment strings"},
	    {b->mm.arg_start, b->mm.arg_end - b->mm.arg_start, "arg_strings", "argument strings"},
	    {b->gap_lo, b->gap_hi - b->gap_lo, "gap", "gap (random, then 16-byte alignment)"},
	    {u_plat, sizeof(ARCH_PLATFORM), "platform", "platform string (AT_PLATFORM)"},
	    {u_rand, 16, "random", "random bytes (AT_RANDOM)"},
	    {auxv_end, u_rand - auxv_end, "padding", "padding (16-byte aligned %rsp)"},
	    {auxv_at, b->nauxv * 16, "auxv", "auxv"},
	    {envp_at, (b->envc + 1) * 8, "envp", "envp"},
	    {argv_at, (b->argc + 1) * 8, "argv", "argv"},
	    {b->sp, 8, "argc", "argc"},
	};

	memcpy(row, r, sizeof(r));
}

/*
 * The kernel's draws, each an inclusive range of page-aligned addresses:
 * randomize_stack_top() takes up to STACK_RND_MASK pages off the stack
 * top, and setup_arg_pages()'s arch_align_stack() then up to one more;
 * mmap_base() takes up to 2^mmap_rnd_bits - 1 pages off its highest
 * place (bottom-up layout: adds them to TASK_UNMAPPED_BASE); a PIE's
 * first page is ELF_ET_DYN_BASE plus as many, aligned down to its
 * p_align; arch_randomize_brk() adds up to ARCH_BRK_RND less a page to
 * brk, which is a page above the program's bss, or ELF_ET_DYN_BASE for a
 * static-pie (src/plan.c, plan_mm()).
 */
void plan_ranges(const struct bprm *b, struct plan_ranges *r)
{
	unsigned bits = read_sysctl("/proc/sys/vm/mmap_rnd_bits", 28);
	uint64_t rnd = ((1UL << bits) - 1) << 12,
		 align = b->exe.align > PAGE_SIZE ? b->exe.align : PAGE_SIZE;

	memset(r, 0, sizeof(*r));
	r->stack_hi = ARCH_TASK_SIZE;
	r->stack_lo = ARCH_TASK_SIZE - (ARCH_STACK_RND_MASK << 12) - PAGE_SIZE;
	if (b->legacy) {
		r->mmap_lo = ARCH_LEGACY_BASE;
		r->mmap_hi = ARCH_LEGACY_BASE + rnd;
	} else {
		r->mmap_hi = mmap_base_max(b->rlim_stack, 1);
		r->mmap_lo = r->mmap_hi - rnd;
	}
	r->pie = b->has_interp && b->exe.eh.e_type == ET_DYN;
	if (r->pie) {
		r->pie_lo = PAGE_START(ARCH_ET_DYN_BASE) & ~(align - 1);
		r->pie_hi = (PAGE_START(ARCH_ET_DYN_BASE) + rnd) & ~(align - 1);
	}
	r->brk = b->va_space > 1;
	r->brk_moved = b->exe.eh.e_type == ET_DYN && !b->has_interp;
	if (r->brk_moved) { /* randomize_page() rounds an unaligned start up, out of its range */
		r->brk_lo = PAGE_ALIGN(ARCH_ET_DYN_BASE);
		r->brk_hi =
		    r->brk_lo +
		    ((ARCH_BRK_RND - (r->brk_lo - ARCH_ET_DYN_BASE)) / PAGE_SIZE - 1) * PAGE_SIZE;
	} else {
		r->brk_lo = PAGE_SIZE;
		r->brk_hi = ARCH_BRK_RND;
	}
}
