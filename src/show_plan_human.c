/*
 * --plan's aligned table (the default format): one exec's plan, the table
 * of one object, or a --summary line.  Read next to readelf -lW; README,
 * "What --plan shows", says what each column means.
 */
#include "arch/x86_64/arch.h"
#include "exec.h"
#include "plan_print.h"
#include "sys.h"

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

void human_object(struct out *o, const struct bprm *b, const struct view *vw)
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

		o_fmt(o, "  [%s%u]  %s", i < 10 ? " " : "", i,
		      ptype_name(p->p_type, tb, sizeof(tb)));
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
			o_fmt(o,
			      "  cannot be mapped at this page size: p_vaddr %#lx and p_offset "
			      "%#lx differ modulo %#lx (mmap fails with EINVAL)\n",
			      (unsigned long)p->p_vaddr, (unsigned long)p->p_offset,
			      (unsigned long)pg);
			n = 0;
		} else {
			o_put(o, "\n");
		}
		for (unsigned k = first; k < first + n; k++) {
			const struct seg_map *m = &vw->seg[k];

			show_vma_line(o, "        ", vw->bias + m->addr,
				      vw->bias + m->addr + m->len, m->prot, m->anon ? 0 : m->off,
				      NULL);
			if (m->anon) {
				o_fmt(o, "  anonymous bss, %lu page%s\n",
				      (unsigned long)(m->len / pg), m->len / pg == 1 ? "" : "s");
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
		o_fmt(o,
		      "        waste: padding %#lx, rounding %#lx (head %#lx, tail %#lx), "
		      "file pages mapped twice %lu\n",
		      (unsigned long)lw->padding, (unsigned long)(lw->head + lw->tail),
		      (unsigned long)lw->head, (unsigned long)lw->tail, (unsigned long)lw->shared);
	}
	o_fmt(o,
	      "  waste: padding %#lx bytes, rounding %#lx bytes, file pages mapped twice %lu; "
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
	struct stack_part row[NSTACK_PARTS];
	uint64_t top = b->stack_top;

	stack_layout(b, row);
	o_fmt(o, "\nstack: [%#lx, %#lx) %s, top %#lx, %#lx bytes used, %%rsp %#lx\n",
	      (unsigned long)b->stack_lo, (unsigned long)top, b->exec_stack ? "rwx" : "rw-",
	      (unsigned long)top, (unsigned long)(top - b->sp), (unsigned long)b->sp);
	for (unsigned i = 0; i < NSTACK_PARTS; i++) {
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
	struct plan_ranges r;

	plan_ranges(b, &r);
	o_fmt(o,
	      "\nrandomised (kernel.randomize_va_space=%u): the addresses above are one sample; "
	      "the kernel draws from (inclusive):\n",
	      b->va_space);
	o_fmt(o, "  stack top   [%#lx, %#lx]\n", (unsigned long)r.stack_lo,
	      (unsigned long)r.stack_hi);
	o_fmt(o, "  mmap_base   [%#lx, %#lx] (interpreter, static-pie, vDSO %s it)\n",
	      (unsigned long)r.mmap_lo, (unsigned long)r.mmap_hi, b->legacy ? "above" : "below");
	if (r.pie)
		o_fmt(o, "  PIE base    [%#lx, %#lx] (its first page)\n", (unsigned long)r.pie_lo,
		      (unsigned long)r.pie_hi);
	if (r.brk && r.brk_moved)
		o_fmt(o, "  brk start   [%#lx, %#lx] (a static-pie's: from ELF_ET_DYN_BASE)\n",
		      (unsigned long)r.brk_lo, (unsigned long)r.brk_hi);
	else if (r.brk)
		o_fmt(
		    o,
		    "  brk start   [%#lx, %#lx] above the page-aligned end of the program's bss\n",
		    (unsigned long)r.brk_lo, (unsigned long)r.brk_hi);
}

void human_plan(struct out *o, const struct plan_doc *d)
{
	const struct bprm *b = d->b;

	o_fmt(o, "uexec --plan: what execve of %s builds (nothing was run)\n", b->filename);
	o_put(o, b->randomize ? "addresses: ONE SAMPLE of randomised ones (ranges at the end)\n"
			      : "addresses: exact (no randomisation)\n");
	o_put(o, "handler chain:\n");
	for (unsigned i = 0; i < b->nchain; i++) {
		o_fmt(o, "  %u. %s %s", i + 1, b->chain[i].handler ? b->chain[i].handler : "?",
		      b->chain[i].path ? b->chain[i].path : "");
		if (b->chain[i].interp && strcmp(b->chain[i].handler, "script") == 0)
			o_fmt(o, ": #!%s%s%s", b->chain[i].interp, b->chain[i].arg ? " " : "",
			      b->chain[i].arg ? b->chain[i].arg : "");
		else if (b->chain[i].interp)
			o_fmt(o, ": interpreter %s", b->chain[i].interp);
		o_put(o, "\n");
	}
	o_fmt(o, "argv (%d):", b->argc);
	for (int i = 0; i < b->argc; i++)
		o_fmt(o, " \"%s\"", b->argv[i]);
	o_put(o, "\n");
	for (unsigned i = 0; i < d->nview; i++)
		human_object(o, b, &d->vw[i]);
	o_fmt(o, "\nbrk start %#lx\n", (unsigned long)b->mm.start_brk);
	if (d->has_vdso)
		o_fmt(o, "vDSO: [vvar] %#lx, [vdso] %#lx-%#lx (AT_SYSINFO_EHDR %#lx)\n",
		      (unsigned long)d->vdso_lo, (unsigned long)d->vdso_text,
		      (unsigned long)d->vdso_hi, (unsigned long)b->vdso);
	human_space(o, d->s);
	human_stack(o, b);
	if (b->randomize)
		human_ranges(o, b);
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

void human_summary_head(struct out *o)
{
	static const struct {
		unsigned col;
		const char *name;
	} head[] = {{0, "file"},      {48, "arch"},  {56, "LOAD"},  {61, "pages"}, {69, "padding"},
		    {79, "rounding"}, {89, "twice"}, {95, "merge"}, {101, "16K"},  {112, "64K"}};

	for (unsigned k = 0; k < sizeof(head) / sizeof(head[0]); k++) {
		o_to(o, head[k].col);
		o_put(o, head[k].name);
	}
	o_put(o, "\n");
}

void human_summary_line(struct out *o, const char *path, const struct view *vw)
{
	o_put(o, path);
	o_to(o, 48);
	o_fmt(o, "%s", machine_name(vw->im->eh.e_machine));
	o_to(o, 56);
	o_fmt(o, "%u", vw->w.nload);
	o_to(o, 61);
	o_fmt(o, "%lu", (unsigned long)vw->w.mapped_pages);
	o_to(o, 69);
	o_fmt(o, "%lu", (unsigned long)vw->w.padding);
	o_to(o, 79);
	o_fmt(o, "%lu", (unsigned long)vw->w.rounding);
	o_to(o, 89);
	o_fmt(o, "%lu", (unsigned long)vw->w.twice_pages);
	o_to(o, 95);
	o_fmt(o, "%lu", (unsigned long)merge_saving(&vw->w));
	o_to(o, 101);
	summary_verdict(o, &vw->v[1]);
	o_to(o, 112);
	summary_verdict(o, &vw->v[2]);
	o_put(o, "\n");
}
