/*
 * --plan's printer, inside: the buffered output, the names, and what
 * src/show_plan.c computes for the two writers, src/show_plan_human.c (the
 * aligned table) and src/show_plan_json.c (doc/plan.schema.json).
 */
#ifndef UEXEC_PLAN_PRINT_H
#define UEXEC_PLAN_PRINT_H

#include <stddef.h>
#include <stdint.h>
#include "bprm.h"
#include "sections.h"
#include "util.h"
#include "waste.h"

/* ---- output: buffered, with columns (src/plan_print.c) ----------------- */

struct out {
	int fd;
	size_t len, col;
	char buf[8192];
};

HIDDEN void o_flush(struct out *o);
HIDDEN void o_putn(struct out *o, const char *s, size_t n);
HIDDEN void o_put(struct out *o, const char *s);
HIDDEN void o_fmt(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Spaces up to column col (one at least, unless at the line's start). */
HIDDEN void o_to(struct out *o, size_t col);
/* A number in hex, zero-padded to width digits. */
HIDDEN void o_hex(struct out *o, uint64_t v, int width, int prefix);
/* A JSON string. */
HIDDEN void o_jstr(struct out *o, const char *s);

/* ---- names -------------------------------------------------------------- */

HIDDEN const char *ptype_name(uint32_t t, char *buf, size_t n);
HIDDEN const char *machine_name(unsigned m);
HIDDEN const char *at_name(uint64_t key, char *buf, size_t n);
HIDDEN void perms(int prot, int shared, char *s);
HIDDEN void pflags(uint32_t f, char *s);

/* ---- the address space: VMAs as /proc/PID/maps shows them -------------- */

struct vma {
	uint64_t lo, hi, off;
	int prot;
	const char *name; /* the file's, or a [name]; NULL: anonymous */
};

struct space {
	struct vma *v, *tmp;
	unsigned n, cap;
};

/* ---- one object: the program, its interpreter, or a file --------------- */

struct view {
	const char *role; /* "program", "interpreter", "file" */
	const struct elf_image *im;
	const char *path;      /* as given */
	const char *maps_name; /* as /proc/PID/maps names it */
	uint64_t bias;
	int placed; /* the bias is the running kernel's */
	struct sections sec;
	struct seg_map *seg; /* the plan's segment mappings (at page) */
	unsigned nseg;
	uint64_t page;
	struct waste w;
	struct verdicts v[3]; /* 4K, 16K, 64K */
};

/* Pages that merging the segments one per permission set would save. */
static inline uint64_t merge_saving(const struct waste *w)
{
	return w->mapped_pages > w->packed_pages ? w->mapped_pages - w->packed_pages : 0;
}

/* The segment mappings of PT_LOAD phdr i: where seg[] has them. */
HIDDEN unsigned segs_of(const struct view *vw, unsigned i, unsigned *first);
/* Whether every verdict holds. */
HIDDEN int all_hold(const struct verdicts *v);

/* ---- the initial stack ------------------------------------------------- */

/* One part of the initial stack: [at, at + size); key names it in JSON. */
struct stack_part {
	uint64_t at, size;
	const char *key, *what;
};
enum { AUXV_PART = 8, NSTACK_PARTS = 12 }; /* row[AUXV_PART] is auxv */
/* The parts build_stack() laid out, top down: the end marker, the execfn,
 * environment and argument strings, the gap, the platform string, the
 * random bytes, the padding to an aligned %rsp, auxv, envp, argv, argc. */
HIDDEN void stack_layout(const struct bprm *b, struct stack_part *row);

/* ---- randomised addresses: where the kernel draws them from ------------ */

struct plan_ranges {
	uint64_t stack_lo, stack_hi; /* the stack top: its VMA's end */
	uint64_t mmap_lo, mmap_hi;   /* mmap_base */
	int pie;		     /* a PIE with an interpreter: */
	uint64_t pie_lo, pie_hi;     /* ... its first page */
	int brk;		     /* brk randomised (randomize_va_space 2): */
	int brk_moved;		     /* ... 1: a static-pie's, absolute; 0: above */
	uint64_t brk_lo, brk_hi;     /* the page-aligned end of the program's bss */
};
HIDDEN void plan_ranges(const struct bprm *b, struct plan_ranges *r);

/* ---- one exec's plan, as the writers get it ----------------------------- */

struct plan_doc {
	const struct bprm *b;
	const struct view *vw; /* the program, then the interpreter */
	unsigned nview;
	const struct space *s;		      /* the address space */
	uint64_t vdso_lo, vdso_text, vdso_hi; /* [vvar] at lo, [vdso] at text */
	int has_vdso;
};

/* The plan of one exec (src/show_plan_human.c, src/show_plan_json.c). */
HIDDEN void human_plan(struct out *o, const struct plan_doc *d);
HIDDEN void json_plan(struct out *o, const struct plan_doc *d);

/* A file not run: the table of one object, or its --summary line. */
HIDDEN void human_object(struct out *o, const struct bprm *b, const struct view *vw);
HIDDEN void human_summary_head(struct out *o);
HIDDEN void human_summary_line(struct out *o, const char *path, const struct view *vw);
HIDDEN void json_object(struct out *o, const struct view *vw);

#endif
