/*
 * --plan=json: one exec's plan ("uexec-plan") or one object of a summary
 * ("uexec-plan-summary"), as doc/plan.schema.json describes them.  Numbers
 * are bytes, as JSON integers.
 */
#include "exec.h"
#include "plan_print.h"
#include "sys.h"

void json_object(struct out *o, const struct view *vw)
{
	const struct elf_image *im = vw->im;
	char tb[16], fl[4];

	o_put(o, "{\"role\":");
	o_jstr(o, vw->role);
	o_put(o, ",\"path\":");
	o_jstr(o, vw->path);
	o_fmt(o,
	      ",\"machine\":\"%s\",\"e_machine\":%u,\"type\":\"%s\",\"entry\":%lu,"
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
		o_fmt(o,
		      "%s{\"index\":%u,\"type\":\"%s\",\"offset\":%lu,\"vaddr\":%lu,"
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
				o_fmt(
				    o,
				    "%s{\"start\":%lu,\"end\":%lu,\"perms\":\"%s\",\"kind\":\"%s\","
				    "\"offset\":%lu,\"zero_fill\":%lu}",
				    k > fs ? "," : "", (unsigned long)(vw->bias + m->addr),
				    (unsigned long)(vw->bias + m->addr + m->len), pr,
				    m->anon ? "bss" : "file", (unsigned long)(m->anon ? 0 : m->off),
				    (unsigned long)(m->zero_hi - m->zero_lo));
			}
			o_fmt(o,
			      "],\"waste\":{\"padding\":%lu,\"head\":%lu,\"tail\":%lu,"
			      "\"pages_mapped_twice\":%lu}",
			      (unsigned long)lw->padding, (unsigned long)lw->head,
			      (unsigned long)lw->tail, (unsigned long)lw->shared);
		}
		o_put(o, "}");
	}
	o_fmt(o,
	      "],\"waste\":{\"padding\":%lu,\"rounding\":%lu,\"pages_mapped_twice\":%lu,"
	      "\"pages_mapped\":%lu,\"pages_packed\":%lu},\"verdicts\":[",
	      (unsigned long)vw->w.padding, (unsigned long)vw->w.rounding,
	      (unsigned long)vw->w.twice_pages, (unsigned long)vw->w.mapped_pages,
	      (unsigned long)vw->w.packed_pages);
	for (int i = 0; i < 3; i++) {
		const struct verdicts *v = &vw->v[i];

		o_fmt(o, "%s{\"page_size\":%lu", i ? "," : "", (unsigned long)v->page);
		for (int k = 0; k < NVERDICTS; k++)
			o_fmt(o, ",\"%s\":%s", verdict_names[k],
			      v->rule[k].failures ? "false" : "true");
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
	struct stack_part row[NSTACK_PARTS];
	char nb[24];

	o_fmt(o,
	      "\"stack\":{\"start\":%lu,\"top\":%lu,\"sp\":%lu,\"exec\":%s,"
	      "\"argc\":%d,\"envc\":%d,\"strings\":%lu,\"execfn\":",
	      (unsigned long)b->stack_lo, (unsigned long)b->stack_top, (unsigned long)b->sp,
	      b->exec_stack ? "true" : "false", b->argc, b->envc,
	      (unsigned long)(b->stack_top - b->mm.arg_start));
	o_jstr(o, b->filename);
	stack_layout(b, row);
	o_put(o, ",\"layout\":[");
	for (unsigned i = 0; i < NSTACK_PARTS; i++)
		o_fmt(o, "%s{\"part\":\"%s\",\"at\":%lu,\"size\":%lu}", i ? "," : "", row[i].key,
		      (unsigned long)row[i].at, (unsigned long)row[i].size);
	o_put(o, "]},\"auxv\":[");
	for (unsigned i = 0; i < b->nauxv; i++) {
		o_put(o, i ? ",{\"key\":" : "{\"key\":");
		o_jstr(o, at_name(b->auxv[2 * i], nb, sizeof(nb)));
		o_fmt(o, ",\"type\":%lu,\"value\":%lu,\"at\":%lu}", (unsigned long)b->auxv[2 * i],
		      (unsigned long)b->auxv[2 * i + 1],
		      (unsigned long)(row[AUXV_PART].at + 16 * i));
	}
	o_put(o, "]");
}

/* With randomisation: where the kernel draws each address from. */
static void json_ranges(struct out *o, const struct bprm *b)
{
	struct plan_ranges r;

	plan_ranges(b, &r);
	o_fmt(o,
	      ",\"ranges\":{\"stack_top\":{\"lo\":%lu,\"hi\":%lu},"
	      "\"mmap_base\":{\"lo\":%lu,\"hi\":%lu}",
	      (unsigned long)r.stack_lo, (unsigned long)r.stack_hi, (unsigned long)r.mmap_lo,
	      (unsigned long)r.mmap_hi);
	if (r.pie)
		o_fmt(o, ",\"pie_base\":{\"lo\":%lu,\"hi\":%lu}", (unsigned long)r.pie_lo,
		      (unsigned long)r.pie_hi);
	if (r.brk)
		o_fmt(o, ",\"brk_start\":{\"lo\":%lu,\"hi\":%lu,\"above_program_end\":%s}",
		      (unsigned long)r.brk_lo, (unsigned long)r.brk_hi,
		      r.brk_moved ? "false" : "true");
	o_put(o, "}");
}

void json_plan(struct out *o, const struct plan_doc *d)
{
	const struct bprm *b = d->b;

	o_put(o, "{\"schema\":\"uexec-plan\",\"version\":2,\"addresses\":");
	o_put(o, b->randomize ? "\"sample\"" : "\"exact\"");
	o_put(o, ",\"chain\":[");
	for (unsigned i = 0; i < b->nchain; i++) {
		o_put(o, i ? ",{\"handler\":" : "{\"handler\":");
		o_jstr(o, b->chain[i].handler ? b->chain[i].handler : "");
		o_put(o, ",\"path\":");
		o_jstr(o, b->chain[i].path ? b->chain[i].path : "");
		if (b->chain[i].interp) { /* "#!" or binfmt_misc: the interpreter, argument */
			o_put(o, ",\"interpreter\":");
			o_jstr(o, b->chain[i].interp);
			o_put(o, ",\"arg\":");
			if (b->chain[i].arg)
				o_jstr(o, b->chain[i].arg);
			else
				o_put(o, "null");
		}
		o_put(o, "}");
	}
	o_put(o, "],\"argv\":[");
	for (int i = 0; i < b->argc; i++) {
		if (i)
			o_put(o, ",");
		o_jstr(o, b->argv[i]);
	}
	o_put(o, "],\"objects\":[");
	for (unsigned i = 0; i < d->nview; i++) {
		if (i)
			o_put(o, ",");
		json_object(o, &d->vw[i]);
	}
	o_fmt(o, "],\"brk_start\":%lu,\"vdso\":{\"vvar\":%lu,\"text\":%lu,\"end\":%lu},",
	      (unsigned long)b->mm.start_brk, (unsigned long)d->vdso_lo,
	      (unsigned long)d->vdso_text, (unsigned long)d->vdso_hi);
	json_stack(o, b);
	o_put(o, ",");
	json_space(o, d->s);
	if (b->randomize)
		json_ranges(o, b);
	o_put(o, "}\n");
}
