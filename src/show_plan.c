/*
 * --plan: the printer.  It shows the plan stages 1-4 computed and stage 5
 * carried out in uexec's own process (exec.c calls show_plan() where it
 * would commit), or, for a file that is not run (--summary, another
 * architecture's ELF, --page-size), the dry run's plan at a generic place
 * (show_plan_file()).  It computes no placement of its own: the VMAs are
 * the plan's segment mappings as the kernel's VMAs end up (a later mapping
 * over an earlier one, neighbours of the same kind merged), the stack and
 * auxv are the image build_stack() made.  The writers:
 * src/show_plan_human.c (the table), src/show_plan_json.c
 * (doc/plan.schema.json).
 */
#include <errno.h>
#include "arch/x86_64/arch.h"
#include "bprm.h"
#include "exec.h"
#include "plan_print.h"
#include "show_plan.h"
#include "sys.h"

struct plan_opts uexec_plan_opts;

/* ---- the address space: VMAs as /proc/PID/maps shows them -------------- */

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
		    (!p->name		 ? 1
		     : p->name[0] == '[' ? 0
					 : p->off + (p->hi - p->lo) == v[i].off)) {
			p->hi = v[i].hi;
			continue;
		}
		v[n++] = v[i];
	}
	s->n = n;
}

/* ---- one object: the program, its interpreter, or a file ------------- */

static const uint64_t verdict_pages[3] = {4096, 16384, 65536};

static int view_init(struct view *vw, struct arena *a, const char *role, const struct elf_image *im,
		     int fd, const char *path, uint64_t bias, int placed, uint64_t page,
		     char *maps_name)
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

		space_map(s, (struct vma){vw->bias + m->addr, vw->bias + m->addr + m->len,
					  m->anon ? 0 : m->off, m->prot,
					  m->anon ? NULL : vw->maps_name});
	}
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
	struct plan_doc d;
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
	r = view_init(&vw[0], &a, "program", &b->exe, b->fd, b->filename, b->exe.bias, 1, PAGE_SIZE,
		      names);
	if (r == 0 && b->has_interp)
		r = view_init(&vw[1], &a, "interpreter", &b->interp, b->interp.fd, b->interp_path,
			      b->interp.bias, 1, PAGE_SIZE, names + 4096);
	if (r)
		goto out;
	for (unsigned i = 0; i < nview; i++)
		add_image(&s, &vw[i]);
	if (h->vdso_hi) {
		space_map(&s, (struct vma){vlo, vlo + h->vdso_text, 0, PROT_READ, "[vvar]"});
		space_map(
		    &s, (struct vma){vlo + h->vdso_text, vhi, 0, PROT_READ | PROT_EXEC, "[vdso]"});
	}
	space_map(&s, (struct vma){b->stack_lo, b->stack_top, 0,
				   PROT_READ | PROT_WRITE | (b->exec_stack ? PROT_EXEC : 0),
				   "[stack]"});
	space_settle(&s);
	d = (struct plan_doc){.b = b,
			      .vw = vw,
			      .nview = nview,
			      .s = &s,
			      .vdso_lo = vlo,
			      .vdso_text = vlo + h->vdso_text,
			      .vdso_hi = vhi,
			      .has_vdso = h->vdso_hi != 0};
	if (uexec_plan_opts.json)
		json_plan(o, &d);
	else
		human_plan(o, &d);
out:
	o_flush(o);
	arena_release(&a);
	return r;
}

/* ---- files not run: --summary, other architectures, --page-size ------- */

struct files {
	struct out o;
	struct arena a; /* sections and waste of one file at a time */
	int nfiles, nskipped, nfailed, first;
	uint64_t pages, padding, rounding, twice, saving;
	int loads[2]; /* files every verdict holds for at 16K, 64K */
};

/* Where a generic load puts an ET_DYN: ELF_ET_DYN_BASE, aligned for it. */
static uint64_t generic_bias(const struct elf_image *im, uint64_t page)
{
	uint64_t align = im->align > page ? im->align : page;

	if (im->eh.e_type == ET_EXEC)
		return 0;
	return (ARCH_ET_DYN_BASE & ~(align - 1)) - im->lo;
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
		o_fmt(o,
		      "uexec --plan: %s is not run: a generic load (no running kernel to "
		      "predict: %s)\n",
		      b->filename,
		      im->eh.e_machine != ARCH_ELF_MACHINE ? "another architecture"
							   : "another page size");
		for (unsigned i = 0; i < im->phnum; i++)
			if (im->ph[i].p_type == PT_INTERP && b->interp_path)
				o_fmt(o, "interpreter %s: not read\n", b->interp_path);
		vw.role = im->eh.e_type == ET_EXEC ? "program" : "object";
		human_object(o, b, &vw);
		return 0;
	}
	human_summary_line(o, b->filename, &vw);
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
		human_summary_head(&f->o);
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
