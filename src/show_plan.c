/*
 * --plan: the printer.  It shows the plan stages 1-4 computed and stage 5
 * carried out in uexec's own process (exec.c calls show_plan() where it
 * would commit), or, for a file that is not run (--summary, another
 * architecture's ELF, --page-size), the dry run's plan at a generic place
 * (show_plan_file()).  It computes no placement of its own: the VMAs are
 * the plan's segment mappings as the kernel's VMAs end up (a later mapping
 * over an earlier one, neighbours of the same kind merged), the stack and
 * auxv are the image build_stack() made.  Human table or JSON
 * (doc/plan.schema.json).
 */
#include <errno.h>
#include <stdarg.h>
#include "arch/x86_64/arch.h"
#include "bprm.h"
#include "exec.h"
#include "sections.h"
#include "show_plan.h"
#include "sys.h"
#include "waste.h"

struct plan_opts uexec_plan_opts;

/* ---- output: buffered, with columns ---------------------------------- */

struct out {
	int fd;
	size_t len, col;
	char buf[8192];
};

static void o_flush(struct out *o)
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

static void o_putn(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (o->len == sizeof(o->buf))
			o_flush(o);
		o->buf[o->len++] = s[i];
		o->col = s[i] == '\n' ? 0 : o->col + 1;
	}
}

static void o_put(struct out *o, const char *s)
{
	o_putn(o, s, strlen(s));
}

static void o_fmt(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void o_fmt(struct out *o, const char *fmt, ...)
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

/* Spaces up to column col (one at least, unless at the line's start). */
static void o_to(struct out *o, size_t col)
{
	if (o->col && o->col >= col)
		o_put(o, " ");
	while (o->col < col)
		o_put(o, " ");
}

/* A number in hex, zero-padded to width digits. */
static void o_hex(struct out *o, uint64_t v, int width, int prefix)
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

/* A JSON string. */
static void o_jstr(struct out *o, const char *s)
{
	o_put(o, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			o_putn(o, "\\", 1);
			o_putn(o, s, 1);
		} else if (c < 0x20 || c == 0x7f) {
			o_fmt(o, "\\u00%c%c", "0123456789abcdef"[c >> 4], "0123456789abcdef"[c & 15]);
		} else {
			o_putn(o, s, 1);
		}
	}
	o_put(o, "\"");
}

/* ---- names ------------------------------------------------------------ */

static const char *ptype_name(uint32_t t, char *buf, size_t n)
{
	switch (t) {
	case PT_NULL: return "NULL";
	case PT_LOAD: return "LOAD";
	case PT_DYNAMIC: return "DYNAMIC";
	case PT_INTERP: return "INTERP";
	case PT_NOTE: return "NOTE";
	case PT_SHLIB: return "SHLIB";
	case PT_PHDR: return "PHDR";
	case PT_TLS: return "TLS";
	case PT_GNU_EH_FRAME: return "GNU_EH_FRAME";
	case PT_GNU_STACK: return "GNU_STACK";
	case PT_GNU_RELRO: return "GNU_RELRO";
	case PT_GNU_PROPERTY: return "GNU_PROPERTY";
	case 0x6474e554: return "GNU_SFRAME";
	case 0x70000003: return "RISCV_ATTRIBUTES"; /* or ARM_ATTRIBUTES, same number */
	}
	ufmtf(buf, n, "%#x", t);
	return buf;
}

static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_X86_64: return "x86-64";
	case EM_AARCH64: return "aarch64";
	case EM_RISCV: return "riscv";
	case EM_386: return "i386";
	case EM_ARM: return "arm";
	case EM_PPC64: return "ppc64";
	case EM_S390: return "s390";
	case EM_LOONGARCH: return "loongarch";
	case EM_MIPS: return "mips";
	}
	return "other";
}

static const char *const at_names[] = {
	[AT_NULL] = "AT_NULL", [AT_IGNORE] = "AT_IGNORE", [AT_EXECFD] = "AT_EXECFD",
	[AT_PHDR] = "AT_PHDR", [AT_PHENT] = "AT_PHENT", [AT_PHNUM] = "AT_PHNUM",
	[AT_PAGESZ] = "AT_PAGESZ", [AT_BASE] = "AT_BASE", [AT_FLAGS] = "AT_FLAGS",
	[AT_ENTRY] = "AT_ENTRY", [AT_NOTELF] = "AT_NOTELF", [AT_UID] = "AT_UID",
	[AT_EUID] = "AT_EUID", [AT_GID] = "AT_GID", [AT_EGID] = "AT_EGID",
	[AT_PLATFORM] = "AT_PLATFORM", [AT_HWCAP] = "AT_HWCAP", [AT_CLKTCK] = "AT_CLKTCK",
	[AT_SECURE] = "AT_SECURE", [AT_BASE_PLATFORM] = "AT_BASE_PLATFORM",
	[AT_RANDOM] = "AT_RANDOM", [AT_HWCAP2] = "AT_HWCAP2", [27] = "AT_RSEQ_FEATURE_SIZE",
	[28] = "AT_RSEQ_ALIGN", [29] = "AT_HWCAP3", [30] = "AT_HWCAP4",
	[AT_EXECFN] = "AT_EXECFN", [AT_SYSINFO_EHDR] = "AT_SYSINFO_EHDR",
	[51] = "AT_MINSIGSTKSZ",
};

static const char *at_name(uint64_t key, char *buf, size_t n)
{
	if (key < sizeof(at_names) / sizeof(at_names[0]) && at_names[key])
		return at_names[key];
	ufmtf(buf, n, "AT_%lu", (unsigned long)key);
	return buf;
}

static void perms(int prot, int shared, char *s)
{
	s[0] = prot & PROT_READ ? 'r' : '-';
	s[1] = prot & PROT_WRITE ? 'w' : '-';
	s[2] = prot & PROT_EXEC ? 'x' : '-';
	s[3] = shared ? 's' : 'p';
	s[4] = 0;
}

static void pflags(uint32_t f, char *s)
{
	s[0] = f & PF_R ? 'R' : ' ';
	s[1] = f & PF_W ? 'W' : ' ';
	s[2] = f & PF_X ? 'E' : ' ';
	s[3] = 0;
}

/* ---- the address space: VMAs as /proc/PID/maps shows them -------------- */

struct vma {
	uint64_t lo, hi, off;
	int prot;
	const char *name;       /* the file's, or a [name]; NULL: anonymous */
};

struct space {
	struct vma *v, *tmp;
	unsigned n, cap;
};

/* Maps [lo, hi) over whatever is there, as MAP_FIXED does. */
static void space_map(struct space *s, struct vma m)
{
	unsigned n = 0;

	if (m.hi <= m.lo || s->n + 2 > s->cap)
		return;
	/* what it covers is cut out of the others */
	for (unsigned i = 0; i < s->n; i++) {
		struct vma a = s->v[i], part = a;

		if (a.hi <= m.lo || a.lo >= m.hi) {
			s->tmp[n++] = a;
			continue;
		}
		if (a.lo < m.lo) {
			part.hi = m.lo;
			s->tmp[n++] = part;
		}
		if (a.hi > m.hi) {
			part = a;
			if (part.name && part.name[0] != '[')
				part.off += m.hi - a.lo;
			part.lo = m.hi;
			s->tmp[n++] = part;
		}
	}
	s->tmp[n++] = m;
	memcpy(s->v, s->tmp, n * sizeof(*s->v));
	s->n = n;
}

/* Sorted, and neighbours the kernel would have merged merged: same kind,
 * same permissions, the same file at consecutive offsets. */
static void space_settle(struct space *s)
{
	struct vma *v = s->v;
	unsigned n = 0;

	for (unsigned i = 1; i < s->n; i++)
		for (unsigned j = i; j > 0 && v[j - 1].lo > v[j].lo; j--) {
			struct vma t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	for (unsigned i = 0; i < s->n; i++) {
		struct vma *p = n ? &v[n - 1] : NULL;
		int same_name = p && (p->name == v[i].name ||
				      (p->name && v[i].name && strcmp(p->name, v[i].name) == 0));

		if (p && p->hi == v[i].lo && p->prot == v[i].prot && same_name &&
		    (!p->name ? 1 : p->name[0] == '[' ? 0 : p->off + (p->hi - p->lo) == v[i].off)) {
			p->hi = v[i].hi;
			continue;
		}
		v[n++] = v[i];
	}
	s->n = n;
}

/* ---- one object: the program, its interpreter, or a file ------------- */

struct view {
	const char *role;       /* "program", "interpreter", "file" */
	const struct elf_image *im;
	const char *path;       /* as given */
	const char *maps_name;  /* as /proc/PID/maps names it */
	uint64_t bias;
	int placed;             /* the bias is the running kernel's */
	struct sections sec;
	struct seg_map *seg;    /* the plan's segment mappings (at page) */
	unsigned nseg;
	uint64_t page;
	struct waste w;
	struct verdicts v[3];   /* 4K, 16K, 64K */
};

static const uint64_t verdict_pages[3] = { 4096, 16384, 65536 };

/* Pages that merging the segments one per permission set would save. */
static uint64_t merge_saving(const struct waste *w)
{
	return w->mapped_pages > w->packed_pages ? w->mapped_pages - w->packed_pages : 0;
}

/* The segment mappings of PT_LOAD phdr i: where seg[] has them. */
static unsigned segs_of(const struct view *vw, unsigned i, unsigned *first)
{
	unsigned k = 0, n = 0;
	const struct elf_image *im = vw->im;

	for (unsigned j = 0; j < im->phnum && j <= i; j++) {
		const Elf64_Phdr *p = &im->ph[j];
		uint64_t pg = vw->page, in = p->p_vaddr & (pg - 1);
		uint64_t zs = p->p_filesz ? p->p_vaddr + p->p_filesz : p->p_vaddr - in;
		uint64_t ze = p->p_filesz ? p->p_vaddr + p->p_memsz : p->p_vaddr - in + in + p->p_memsz;
		unsigned c = 0;

		if (p->p_type != PT_LOAD)
			continue;
		c += p->p_filesz != 0;
		c += p->p_memsz > p->p_filesz && ((ze + pg - 1) & ~(pg - 1)) > ((zs + pg - 1) & ~(pg - 1));
		if (j == i) {
			*first = k;
			n = c;
		}
		k += c;
	}
	return n;
}

static int view_init(struct view *vw, struct arena *a, const char *role,
		     const struct elf_image *im, int fd, const char *path, uint64_t bias,
		     int placed, uint64_t page, char *maps_name)
{
	int r;

	memset(vw, 0, sizeof(*vw));
	vw->role = role;
	vw->im = im;
	vw->path = path;
	vw->bias = bias;
	vw->placed = placed;
	vw->page = page;
	vw->maps_name = path;
	if (maps_name) {
		char link[40];
		long n;

		ufmtf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = sys_call4(SYS_readlinkat, AT_FDCWD, link, maps_name, 4095);
		if (n > 0) {
			maps_name[n] = 0;
			vw->maps_name = maps_name;
		}
	}
	vw->sec.arena = a;
	r = sections_read(&vw->sec, fd, &im->eh, im->file_size);
	if (r)
		return r;
	if (page == PAGE_SIZE && im->seg) {
		vw->seg = im->seg;
		vw->nseg = im->nseg;
	} else {
		vw->seg = arena_alloc(a, 2 * im->phnum * sizeof(*vw->seg) + 1);
		if (!vw->seg)
			return uexec_fail(ENOMEM, "out of scratch memory");
		vw->nseg = plan_load_pages(im, page, vw->seg);
	}
	if (waste_compute(a, im, &vw->sec, page, &vw->w))
		return uexec_fail(ENOMEM, "out of scratch memory");
	for (int i = 0; i < 3; i++)
		verdicts(im, verdict_pages[i], &vw->v[i]);
	return 0;
}

static void add_image(struct space *s, const struct view *vw)
{
	for (unsigned i = 0; i < vw->nseg; i++) {
		const struct seg_map *m = &vw->seg[i];

		space_map(s, (struct vma){ vw->bias + m->addr, vw->bias + m->addr + m->len,
					   m->anon ? 0 : m->off, m->prot,
					   m->anon ? NULL : vw->maps_name });
	}
}

static const char *type_text(const struct bprm *b, const struct elf_image *im)
{
	if (im->eh.e_type == ET_EXEC)
		return "ET_EXEC";
	if (im->is_interp)
		return "ET_DYN (interpreter)";
	for (unsigned i = 0; i < im->phnum; i++)
		if (im->ph[i].p_type == PT_INTERP)
			return "ET_DYN (PIE)";
	(void)b;
	return "ET_DYN (no PT_INTERP: static-pie, or a shared object)";
}

static void show_vma_line(struct out *o, const char *lead, uint64_t lo, uint64_t hi, int prot,
			  uint64_t off, const char *name)
{
	char pr[5];

	perms(prot, 0, pr);
	o_put(o, lead);
	o_hex(o, lo, 12, 0);
	o_put(o, "-");
	o_hex(o, hi, 12, 0);
	o_fmt(o, " %s ", pr);
	o_hex(o, off, 8, 0);
	if (name) {
		o_put(o, " ");
		o_put(o, name);
	}
}

/* ---- human ------------------------------------------------------------ */

static void human_object(struct out *o, const struct bprm *b, const struct view *vw)
{
	const struct elf_image *im = vw->im;
	uint64_t pg = vw->page;
	char tb[16], fl[4];

	o_fmt(o, "\n%s %s", vw->role, vw->path);
	if (vw->maps_name != vw->path && strcmp(vw->maps_name, vw->path))
		o_fmt(o, " (maps name %s)", vw->maps_name);
	o_fmt(o, "\n  ELF64 %s %s, entry %#lx, load bias %#lx%s, p_align %#lx\n",
	      machine_name(im->eh.e_machine), type_text(b, im),
	      (unsigned long)(im->eh.e_entry + vw->bias), (unsigned long)vw->bias,
	      vw->placed ? "" : " (generic)", (unsigned long)im->align);
	if (!vw->sec.n)
		o_fmt(o, "  no sections: %s\n", vw->sec.why ? vw->sec.why : "the table is empty");
	o_put(o, "  phdr  type");
	o_to(o, 26);
	o_put(o, "offset    vaddr           filesz    memsz     flg align     sections\n");
	for (unsigned i = 0; i < im->phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];

		o_fmt(o, "  [%s%u]  %s", i < 10 ? " " : "", i, ptype_name(p->p_type, tb, sizeof(tb)));
		o_to(o, 26);
		o_hex(o, p->p_offset, 6, 1);
		o_to(o, 36);
		o_hex(o, p->p_vaddr, 12, 1);
		o_to(o, 52);
		o_hex(o, p->p_filesz, 6, 1);
		o_to(o, 62);
		o_hex(o, p->p_memsz, 6, 1);
		pflags(p->p_flags, fl);
		o_to(o, 72);
		o_put(o, fl);
		o_to(o, 76);
		o_hex(o, p->p_align, 0, 1);
		o_to(o, 86);
		for (unsigned k = 1; k < vw->sec.n; k++)
			if (section_in_segment(&vw->sec.sh[k], p))
				o_fmt(o, "%s ", section_name(&vw->sec, k));
		o_put(o, "\n");
	}
	o_fmt(o, "  PT_LOAD -> VMAs (page size %#lx):\n", (unsigned long)pg);
	for (unsigned i = 0, nl = 0; i < im->phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];
		const struct load_waste *lw;
		unsigned first = 0, n;

		if (p->p_type != PT_LOAD)
			continue;
		lw = &vw->w.load[nl++];
		n = segs_of(vw, i, &first);
		o_fmt(o, "  [%s%u]  LOAD %s", i < 10 ? " " : "", i, (pflags(p->p_flags, fl), fl));
		if (!n)
			o_put(o, "  maps nothing (p_memsz 0)");
		if (p->p_filesz && ((p->p_vaddr - p->p_offset) & (pg - 1))) {
			o_fmt(o, "  cannot be mapped at this page size: p_vaddr %#lx and p_offset "
			      "%#lx differ modulo %#lx (mmap fails with EINVAL)\n",
			      (unsigned long)p->p_vaddr, (unsigned long)p->p_offset,
			      (unsigned long)pg);
			n = 0;
		} else {
			o_put(o, "\n");
		}
		for (unsigned k = first; k < first + n; k++) {
			const struct seg_map *m = &vw->seg[k];

			show_vma_line(o, "        ", vw->bias + m->addr, vw->bias + m->addr + m->len,
				      m->prot, m->anon ? 0 : m->off, NULL);
			if (m->anon) {
				o_fmt(o, "  anonymous bss, %lu page%s\n", (unsigned long)(m->len / pg),
				      m->len / pg == 1 ? "" : "s");
			} else {
				uint64_t in = p->p_vaddr - m->addr, end = in + p->p_filesz;

				o_fmt(o, "  file %#lx", (unsigned long)p->p_filesz);
				if (in)
					o_fmt(o, ", head %#lx of file", (unsigned long)in);
				if (m->len > end)
					o_fmt(o, ", tail %#lx %s", (unsigned long)(m->len - end),
					      m->zero_hi > m->zero_lo ? "zero-filled" : "of file");
				o_put(o, "\n");
			}
		}
		o_fmt(o, "        waste: padding %#lx, rounding %#lx (head %#lx, tail %#lx), "
		      "file pages mapped twice %lu\n",
		      (unsigned long)lw->padding, (unsigned long)(lw->head + lw->tail),
		      (unsigned long)lw->head, (unsigned long)lw->tail, (unsigned long)lw->shared);
	}
	o_fmt(o, "  waste: padding %#lx bytes, rounding %#lx bytes, file pages mapped twice %lu; "
	      "%lu pages mapped, %lu packed one segment per permission set (merge saves %lu)\n",
	      (unsigned long)vw->w.padding, (unsigned long)vw->w.rounding,
	      (unsigned long)vw->w.twice_pages, (unsigned long)vw->w.mapped_pages,
	      (unsigned long)vw->w.packed_pages, (unsigned long)merge_saving(&vw->w));
	for (int i = 0; i < 3; i++) {
		const struct verdicts *v = &vw->v[i];

		o_fmt(o, "  at %luK pages:", (unsigned long)(v->page >> 10));
		for (int k = 0; k < NVERDICTS; k++)
			o_fmt(o, " %s %s", verdict_names[k], v->rule[k].failures ? "no" : "yes");
		o_put(o, "\n");
		for (int k = 0; k < NVERDICTS; k++)
			if (v->rule[k].failures)
				o_fmt(o, "    %s: %s%s\n", verdict_names[k], v->rule[k].why,
				      v->rule[k].failures > 1 ? " (and more)" : "");
	}
}

static void human_space(struct out *o, const struct space *s)
{
	o_put(o, "\naddress space (as /proc/PID/maps at the first instruction; [vvar] stands for "
		 "every vvar mapping):\n");
	for (unsigned i = 0; i < s->n; i++) {
		show_vma_line(o, "  ", s->v[i].lo, s->v[i].hi, s->v[i].prot, s->v[i].off,
			      s->v[i].name);
		o_put(o, "\n");
	}
}

/* The stack, top down: what build_stack() put where. */
static void human_stack(struct out *o, const struct bprm *b)
{
	uint64_t top = b->stack_top, u_plat = b->gap_lo - sizeof(ARCH_PLATFORM),
		 u_rand = u_plat - 16, execfn = top - 8 - (strlen(b->filename) + 1),
		 argv_at = b->sp + 8, envp_at = argv_at + (b->argc + 1) * 8,
		 auxv_at = envp_at + (b->envc + 1) * 8,
		 auxv_end = auxv_at + b->nauxv * 16;
	struct {
		uint64_t at, size;
		const char *what;
	} row[] = {
		{ top - 8, 8, "zero word" },
		{ execfn, top - 8 - execfn, "execfn string (AT_EXECFN)" },
		{ b->mm.env_start, b->mm.env_end - b->mm.env_start, "environment strings" },
		{ b->mm.arg_start, b->mm.arg_end - b->mm.arg_start, "argument strings" },
		{ b->gap_lo, b->gap_hi - b->gap_lo, "gap (random, then 16-byte alignment)" },
		{ u_plat, sizeof(ARCH_PLATFORM), "platform string (AT_PLATFORM)" },
		{ u_rand, 16, "random bytes (AT_RANDOM)" },
		{ auxv_end, u_rand - auxv_end, "padding (16-byte aligned %rsp)" },
		{ auxv_at, b->nauxv * 16, "auxv" },
		{ envp_at, (b->envc + 1) * 8, "envp" },
		{ argv_at, (b->argc + 1) * 8, "argv" },
		{ b->sp, 8, "argc" },
	};

	o_fmt(o, "\nstack: [%#lx, %#lx) %s, top %#lx, %#lx bytes used, %%rsp %#lx\n",
	      (unsigned long)b->stack_lo, (unsigned long)top, b->exec_stack ? "rwx" : "rw-",
	      (unsigned long)top, (unsigned long)(top - b->sp), (unsigned long)b->sp);
	for (unsigned i = 0; i < sizeof(row) / sizeof(row[0]); i++) {
		o_put(o, "  ");
		o_hex(o, row[i].at, 12, 1);
		o_to(o, 18);
		o_fmt(o, "%lu", (unsigned long)row[i].size);
		o_to(o, 26);
		o_put(o, row[i].what);
		o_put(o, "\n");
	}
	o_fmt(o, "\nauxv (%u entries):\n", b->nauxv);
	for (unsigned i = 0; i < b->nauxv; i++) {
		char nb[24];

		o_fmt(o, "  %s", at_name(b->auxv[2 * i], nb, sizeof(nb)));
		o_to(o, 24);
		o_fmt(o, "%#lx\n", (unsigned long)b->auxv[2 * i + 1]);
	}
}

/* Where the kernel draws each randomised address from. */
static void human_ranges(struct out *o, const struct bprm *b)
{
	unsigned bits = read_sysctl("/proc/sys/vm/mmap_rnd_bits", 28);
	uint64_t mmax = mmap_base_max(b->rlim_stack, 1), rnd = (1UL << bits) << 12;

	o_fmt(o, "\nrandomised (kernel.randomize_va_space=%u): the addresses above are one sample; "
	      "the kernel draws:\n", b->va_space);
	o_fmt(o, "  stack top   [%#lx, %#lx]\n",
	      (unsigned long)(ARCH_TASK_SIZE - (ARCH_STACK_RND_MASK << 12)),
	      (unsigned long)ARCH_TASK_SIZE);
	o_fmt(o, "  mmap_base   [%#lx, %#lx] (interpreter, static-pie, vDSO below it)\n",
	      (unsigned long)(mmax - rnd), (unsigned long)mmax);
	if (b->has_interp && b->exe.eh.e_type == ET_DYN)
		o_fmt(o, "  PIE base    [%#lx, %#lx)\n", (unsigned long)PAGE_START(ARCH_ET_DYN_BASE),
		      (unsigned long)(PAGE_START(ARCH_ET_DYN_BASE) + rnd));
	if (b->va_space > 1)
		o_fmt(o, "  brk start   up to %#lx above the end of the program's bss\n",
		      (unsigned long)ARCH_BRK_RND);
}

/* ---- JSON ------------------------------------------------------------- */

static void json_object(struct out *o, const struct view *vw)
{
	const struct elf_image *im = vw->im;
	char tb[16], fl[4];

	o_put(o, "{\"role\":");
	o_jstr(o, vw->role);
	o_put(o, ",\"path\":");
	o_jstr(o, vw->path);
	o_fmt(o, ",\"machine\":\"%s\",\"e_machine\":%u,\"type\":\"%s\",\"entry\":%lu,"
	      "\"bias\":%lu,\"bias_is\":\"%s\",\"page_size\":%lu,",
	      machine_name(im->eh.e_machine), im->eh.e_machine,
	      im->eh.e_type == ET_EXEC ? "ET_EXEC" : "ET_DYN",
	      (unsigned long)(im->eh.e_entry + vw->bias), (unsigned long)vw->bias,
	      vw->placed ? "kernel" : "generic", (unsigned long)vw->page);
	if (vw->sec.n)
		o_put(o, "\"sections\":true,");
	else
		o_put(o, "\"sections\":false,");
	o_put(o, "\"phdrs\":[");
	for (unsigned i = 0, nl = 0; i < im->phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];
		int first = 1;

		pflags(p->p_flags, fl);
		o_fmt(o, "%s{\"index\":%u,\"type\":\"%s\",\"offset\":%lu,\"vaddr\":%lu,"
		      "\"filesz\":%lu,\"memsz\":%lu,\"flags\":\"%s\",\"align\":%lu,\"sections\":[",
		      i ? "," : "", i, ptype_name(p->p_type, tb, sizeof(tb)),
		      (unsigned long)p->p_offset, (unsigned long)p->p_vaddr,
		      (unsigned long)p->p_filesz, (unsigned long)p->p_memsz, fl,
		      (unsigned long)p->p_align);
		for (unsigned k = 1; k < vw->sec.n; k++)
			if (section_in_segment(&vw->sec.sh[k], p)) {
				if (!first)
					o_put(o, ",");
				first = 0;
				o_jstr(o, section_name(&vw->sec, k));
			}
		o_put(o, "]");
		if (p->p_type == PT_LOAD) {
			const struct load_waste *lw = &vw->w.load[nl++];
			unsigned fs = 0, n = segs_of(vw, i, &fs);
			int bad = p->p_filesz && ((p->p_vaddr - p->p_offset) & (vw->page - 1));

			if (bad) /* the kernel's mmap would fail with EINVAL */
				n = 0;
			o_fmt(o, ",\"mappable\":%s,\"vmas\":[", bad ? "false" : "true");
			for (unsigned k = fs; k < fs + n; k++) {
				const struct seg_map *m = &vw->seg[k];
				char pr[5];

				perms(m->prot, 0, pr);
				o_fmt(o, "%s{\"start\":%lu,\"end\":%lu,\"perms\":\"%s\",\"kind\":\"%s\","
				      "\"offset\":%lu,\"zero_fill\":%lu}",
				      k > fs ? "," : "", (unsigned long)(vw->bias + m->addr),
				      (unsigned long)(vw->bias + m->addr + m->len), pr,
				      m->anon ? "bss" : "file", (unsigned long)(m->anon ? 0 : m->off),
				      (unsigned long)(m->zero_hi - m->zero_lo));
			}
			o_fmt(o, "],\"waste\":{\"padding\":%lu,\"head\":%lu,\"tail\":%lu,"
			      "\"pages_mapped_twice\":%lu}",
			      (unsigned long)lw->padding, (unsigned long)lw->head,
			      (unsigned long)lw->tail, (unsigned long)lw->shared);
		}
		o_put(o, "}");
	}
	o_fmt(o, "],\"waste\":{\"padding\":%lu,\"rounding\":%lu,\"pages_mapped_twice\":%lu,"
	      "\"pages_mapped\":%lu,\"pages_packed\":%lu},\"verdicts\":[",
	      (unsigned long)vw->w.padding, (unsigned long)vw->w.rounding,
	      (unsigned long)vw->w.twice_pages, (unsigned long)vw->w.mapped_pages,
	      (unsigned long)vw->w.packed_pages);
	for (int i = 0; i < 3; i++) {
		const struct verdicts *v = &vw->v[i];

		o_fmt(o, "%s{\"page_size\":%lu", i ? "," : "", (unsigned long)v->page);
		for (int k = 0; k < NVERDICTS; k++)
			o_fmt(o, ",\"%s\":%s", verdict_names[k], v->rule[k].failures ? "false" : "true");
		o_put(o, ",\"failures\":{");
		for (int k = 0, c = 0; k < NVERDICTS; k++)
			if (v->rule[k].failures) {
				o_fmt(o, "%s\"%s\":", c++ ? "," : "", verdict_names[k]);
				o_jstr(o, v->rule[k].why);
			}
		o_put(o, "}}");
	}
	o_put(o, "]}");
}

static void json_space(struct out *o, const struct space *s)
{
	o_put(o, "\"maps\":[");
	for (unsigned i = 0; i < s->n; i++) {
		char pr[5];

		perms(s->v[i].prot, 0, pr);
		o_fmt(o, "%s{\"start\":%lu,\"end\":%lu,\"perms\":\"%s\",\"offset\":%lu,\"name\":",
		      i ? "," : "", (unsigned long)s->v[i].lo, (unsigned long)s->v[i].hi, pr,
		      (unsigned long)s->v[i].off);
		o_jstr(o, s->v[i].name ? s->v[i].name : "");
		o_put(o, "}");
	}
	o_put(o, "]");
}

static void json_stack(struct out *o, const struct bprm *b)
{
	char nb[24];

	o_fmt(o, "\"stack\":{\"start\":%lu,\"top\":%lu,\"sp\":%lu,\"exec\":%s,"
	      "\"argc\":%d,\"envc\":%d,\"strings\":%lu,\"execfn\":",
	      (unsigned long)b->stack_lo, (unsigned long)b->stack_top, (unsigned long)b->sp,
	      b->exec_stack ? "true" : "false", b->argc, b->envc,
	      (unsigned long)(b->stack_top - b->mm.arg_start));
	o_jstr(o, b->filename);
	o_put(o, "},\"auxv\":[");
	for (unsigned i = 0; i < b->nauxv; i++) {
		o_put(o, i ? ",{\"key\":" : "{\"key\":");
		o_jstr(o, at_name(b->auxv[2 * i], nb, sizeof(nb)));
		o_fmt(o, ",\"type\":%lu,\"value\":%lu}", (unsigned long)b->auxv[2 * i],
		      (unsigned long)b->auxv[2 * i + 1]);
	}
	o_put(o, "]");
}

/* ---- the entry points ------------------------------------------------- */

int show_plan(struct bprm *b, struct host *h)
{
	struct arena a;
	struct out *o;
	struct view *vw;
	struct space s;
	char *names;
	unsigned nview = 1 + b->has_interp;
	int r;

	uint64_t vlo, vhi;

	r = host_vdso_exact(h);
	if (r)
		return r;
	/* where the vDSO ends up: moved by the hand-off (library mode, a
	 * displaced image), or where it is */
	vlo = b->vdso_move ? b->vdso_new : h->vdso_lo;
	vhi = vlo + (h->vdso_hi - h->vdso_lo);
	r = arena_init(&a, sizeof(*o) + 2 * sizeof(*vw) + 2 * 4096 +
			       (64 + 4 * (b->exe.phnum + b->interp.phnum)) * sizeof(struct vma) +
			       (1UL << 22));
	if (r)
		return r;
	o = arena_alloc(&a, sizeof(*o));
	vw = arena_alloc(&a, 2 * sizeof(*vw));
	names = arena_alloc(&a, 2 * 4096);
	s.cap = 64 + 4 * (b->exe.phnum + b->interp.phnum);
	s.v = arena_alloc(&a, s.cap * sizeof(*s.v));
	s.tmp = arena_alloc(&a, s.cap * sizeof(*s.v));
	s.n = 0;
	o->fd = 1;
	r = view_init(&vw[0], &a, "program", &b->exe, b->fd, b->filename, b->exe.bias, 1,
		      PAGE_SIZE, names);
	if (r == 0 && b->has_interp)
		r = view_init(&vw[1], &a, "interpreter", &b->interp, b->interp.fd, b->interp_path,
			      b->interp.bias, 1, PAGE_SIZE, names + 4096);
	if (r)
		goto out;
	for (unsigned i = 0; i < nview; i++)
		add_image(&s, &vw[i]);
	if (h->vdso_hi) {
		space_map(&s, (struct vma){ vlo, vlo + h->vdso_text, 0, PROT_READ, "[vvar]" });
		space_map(&s, (struct vma){ vlo + h->vdso_text, vhi, 0, PROT_READ | PROT_EXEC,
					    "[vdso]" });
	}
	space_map(&s, (struct vma){ b->stack_lo, b->stack_top, 0,
				    PROT_READ | PROT_WRITE | (b->exec_stack ? PROT_EXEC : 0),
				    "[stack]" });
	space_settle(&s);

	if (uexec_plan_opts.json) {
		o_put(o, "{\"schema\":\"uexec-plan\",\"version\":1,\"addresses\":");
		o_put(o, b->randomize ? "\"sample\"" : "\"exact\"");
		o_put(o, ",\"chain\":[");
		for (unsigned i = 0; i < b->nchain; i++) {
			o_put(o, i ? ",{\"handler\":" : "{\"handler\":");
			o_jstr(o, b->chain[i].handler ? b->chain[i].handler : "");
			o_put(o, ",\"path\":");
			o_jstr(o, b->chain[i].path ? b->chain[i].path : "");
			o_put(o, "}");
		}
		o_put(o, "],\"argv\":[");
		for (int i = 0; i < b->argc; i++) {
			if (i)
				o_put(o, ",");
			o_jstr(o, b->argv[i]);
		}
		o_put(o, "],\"objects\":[");
		for (unsigned i = 0; i < nview; i++) {
			if (i)
				o_put(o, ",");
			json_object(o, &vw[i]);
		}
		o_fmt(o, "],\"brk_start\":%lu,\"vdso\":{\"vvar\":%lu,\"text\":%lu,\"end\":%lu},",
		      (unsigned long)b->mm.start_brk, (unsigned long)vlo,
		      (unsigned long)(vlo + h->vdso_text), (unsigned long)vhi);
		json_stack(o, b);
		o_put(o, ",");
		json_space(o, &s);
		o_put(o, "}\n");
		goto out;
	}
	o_fmt(o, "uexec --plan: what execve of %s builds (nothing was run)\n", b->filename);
	o_put(o, b->randomize ? "addresses: ONE SAMPLE of randomised ones (ranges at the end)\n"
			      : "addresses: exact (no randomisation)\n");
	o_put(o, "handler chain:\n");
	for (unsigned i = 0; i < b->nchain; i++)
		o_fmt(o, "  %u. %s %s\n", i + 1, b->chain[i].handler ? b->chain[i].handler : "?",
		      b->chain[i].path ? b->chain[i].path : "");
	o_fmt(o, "argv (%d):", b->argc);
	for (int i = 0; i < b->argc; i++)
		o_fmt(o, " \"%s\"", b->argv[i]);
	o_put(o, "\n");
	for (unsigned i = 0; i < nview; i++)
		human_object(o, b, &vw[i]);
	o_fmt(o, "\nbrk start %#lx\n", (unsigned long)b->mm.start_brk);
	if (h->vdso_hi)
		o_fmt(o, "vDSO: [vvar] %#lx, [vdso] %#lx-%#lx (AT_SYSINFO_EHDR %#lx)\n",
		      (unsigned long)vlo, (unsigned long)(vlo + h->vdso_text), (unsigned long)vhi,
		      (unsigned long)b->vdso);
	human_space(o, &s);
	human_stack(o, b);
	if (b->randomize)
		human_ranges(o, b);
out:
	o_flush(o);
	arena_release(&a);
	return r;
}

/* ---- files not run: --summary, other architectures, --page-size ------- */

struct files {
	struct out o;
	struct arena a;         /* sections and waste of one file at a time */
	int nfiles, nskipped, nfailed, first;
	uint64_t pages, padding, rounding, twice, saving;
	int loads[2];           /* files every verdict holds for at 16K, 64K */
};

/* Where a generic load puts an ET_DYN: ELF_ET_DYN_BASE, aligned for it. */
static uint64_t generic_bias(const struct elf_image *im, uint64_t page)
{
	uint64_t align = im->align > page ? im->align : page;

	if (im->eh.e_type == ET_EXEC)
		return 0;
	return (ARCH_ET_DYN_BASE & ~(align - 1)) - im->lo;
}

static int all_hold(const struct verdicts *v)
{
	for (int k = 0; k < NVERDICTS; k++)
		if (v->rule[k].failures)
			return 0;
	return 1;
}

static void summary_verdict(struct out *o, const struct verdicts *v)
{
	int c = 0;

	if (all_hold(v)) {
		o_put(o, "yes");
		return;
	}
	o_put(o, "no(");
	for (int k = 0; k < NVERDICTS; k++)
		if (v->rule[k].failures)
			o_fmt(o, "%s%c", c++ ? "," : "", "kpb"[k]);
	o_put(o, ")");
}

int show_plan_file(struct bprm *b, void *ctx)
{
	struct files *f = ctx;
	struct out *o = &f->o;
	struct view vw;
	uint64_t page = uexec_plan_opts.page ? uexec_plan_opts.page : PAGE_SIZE;
	struct elf_image *im = &b->exe;
	int r;

	f->a.used = 0;
	r = view_init(&vw, &f->a, "file", im, b->fd, b->filename, generic_bias(im, page), 0, page,
		      NULL);
	if (r)
		return r;
	f->nfiles++;
	f->pages += vw.w.mapped_pages;
	f->padding += vw.w.padding;
	f->rounding += vw.w.rounding;
	f->twice += vw.w.twice_pages;
	f->saving += merge_saving(&vw.w);
	f->loads[0] += all_hold(&vw.v[1]);
	f->loads[1] += all_hold(&vw.v[2]);
	if (uexec_plan_opts.json) {
		o_put(o, f->first ? "" : ",");
		f->first = 0;
		json_object(o, &vw);
		o_put(o, "\n");
		return 0;
	}
	if (!uexec_plan_opts.summary) {
		o_fmt(o, "uexec --plan: %s is not run: a generic load (no running kernel to "
		      "predict: %s)\n", b->filename,
		      im->eh.e_machine != ARCH_ELF_MACHINE ? "another architecture"
							   : "another page size");
		for (unsigned i = 0; i < im->phnum; i++)
			if (im->ph[i].p_type == PT_INTERP && b->interp_path)
				o_fmt(o, "interpreter %s: not read\n", b->interp_path);
		vw.role = im->eh.e_type == ET_EXEC ? "program" : "object";
		human_object(o, b, &vw);
		return 0;
	}
	o_put(o, b->filename);
	o_to(o, 48);
	o_fmt(o, "%s", machine_name(im->eh.e_machine));
	o_to(o, 56);
	o_fmt(o, "%u", vw.w.nload);
	o_to(o, 61);
	o_fmt(o, "%lu", (unsigned long)vw.w.mapped_pages);
	o_to(o, 69);
	o_fmt(o, "%lu", (unsigned long)vw.w.padding);
	o_to(o, 79);
	o_fmt(o, "%lu", (unsigned long)vw.w.rounding);
	o_to(o, 89);
	o_fmt(o, "%lu", (unsigned long)vw.w.twice_pages);
	o_to(o, 95);
	o_fmt(o, "%lu", (unsigned long)merge_saving(&vw.w));
	o_to(o, 101);
	summary_verdict(o, &vw.v[1]);
	o_to(o, 112);
	summary_verdict(o, &vw.v[2]);
	o_put(o, "\n");
	return 0;
}

/* One file's first bytes: whether it is a script, or an ELF of another size. */
static const char *not_planned(int fd)
{
	unsigned char h[5];

	if (sys_pread(fd, h, sizeof(h), 0) != (long)sizeof(h))
		return NULL;
	if (h[0] == '#' && h[1] == '!')
		return "a script";
	if (memcmp(h, ELFMAG, SELFMAG) == 0 && h[EI_CLASS] == ELFCLASS32)
		return "ELF32 (not read)";
	return NULL;
}

int plan_files(char **paths, int n, const char *(*why)(int err))
{
	struct files *f;
	struct arena top;
	int r;

	r = arena_init(&top, sizeof(*f));
	if (r)
		return r;
	f = arena_alloc(&top, sizeof(*f));
	memset(f, 0, sizeof(*f));
	f->o.fd = 1;
	f->first = 1;
	r = arena_init(&f->a, 256UL << 20);
	if (r)
		goto out;
	if (uexec_plan_opts.json) /* one file or many: the same document */
		o_put(&f->o, "{\"schema\":\"uexec-plan-summary\",\"version\":1,\"files\":[\n");
	else if (uexec_plan_opts.summary)
	{
		static const struct {
			unsigned col;
			const char *name;
		} head[] = { { 0, "file" }, { 48, "arch" }, { 56, "LOAD" }, { 61, "pages" },
			     { 69, "padding" }, { 79, "rounding" }, { 89, "twice" }, { 95, "merge" },
			     { 101, "16K" }, { 112, "64K" } };

		for (unsigned k = 0; k < sizeof(head) / sizeof(head[0]); k++) {
			o_to(&f->o, head[k].col);
			o_put(&f->o, head[k].name);
		}
		o_put(&f->o, "\n");
	}
	for (int i = 0; i < n; i++) {
		int fd = sys_openat(AT_FDCWD, paths[i], O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
		const char *skip = fd >= 0 ? not_planned(fd) : NULL;

		if (fd < 0) {
			r = uexec_fail(-fd, "cannot open it");
		} else if (skip && uexec_plan_opts.summary) {
			r = 0;
		} else if (skip) {
			r = uexec_fail(ENOEXEC, "%s: --page-size plans ELF64 files", skip);
		} else {
			r = uexec_dry_run_fd(fd, paths[i], show_plan_file, f);
		}
		if (fd >= 0)
			sys_close(fd);
		if (r == 0 && !skip)
			continue;
		if (!uexec_plan_opts.summary) {
			o_flush(&f->o);
			r = -uexec_last_errno();
			goto out;
		}
		f->nskipped++;
		if (uexec_plan_opts.json) {
			o_put(&f->o, f->first ? "{\"path\":" : ",{\"path\":");
			f->first = 0;
			o_jstr(&f->o, paths[i]);
			o_put(&f->o, ",\"skipped\":");
			o_jstr(&f->o, skip ? skip : uexec_reason());
			o_put(&f->o, "}\n");
		} else {
			o_put(&f->o, paths[i]);
			o_to(&f->o, 48);
			o_fmt(&f->o, "skipped: %s%s%s\n", skip ? skip : why(uexec_last_errno()),
			      skip ? "" : " - ", skip ? "" : uexec_reason());
		}
		r = 0;
	}
	if (uexec_plan_opts.json || uexec_plan_opts.summary)
		o_fmt(&f->o,
		      uexec_plan_opts.json
			      ? "],\"totals\":{\"files\":%d,\"skipped\":%d,\"pages_mapped\":%lu,"
				"\"padding\":%lu,\"rounding\":%lu,\"pages_mapped_twice\":%lu,"
				"\"merge_saving_pages\":%lu,\"load_at_16k\":%d,\"load_at_64k\":%d}}\n"
			      : "total: %d files planned, %d skipped; %lu pages mapped, padding %lu "
				"bytes, rounding %lu bytes, %lu file pages mapped twice, merging saves "
				"%lu pages; %d load at 16K, %d at 64K\n",
		      f->nfiles, f->nskipped, (unsigned long)f->pages, (unsigned long)f->padding,
		      (unsigned long)f->rounding, (unsigned long)f->twice, (unsigned long)f->saving,
		      f->loads[0], f->loads[1]);
	o_flush(&f->o);
	arena_release(&f->a);
out:
	arena_release(&top);
	return r;
}
