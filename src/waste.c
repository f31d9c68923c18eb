/*
 * --plan: what an image's layout costs at a page size P, and whether a
 * kernel or loader of that page size takes it.  Pure: program headers and
 * sections in, numbers and verdicts out (README, "What --plan shows").
 *
 *   padding       file bytes inside a PT_LOAD that belong to no section, nor
 *                 to the ELF header or the program header table
 *   rounding      memory of the segment's VMAs beyond its content: the head
 *                 before p_vaddr in its first page, the tail after
 *                 p_vaddr + p_memsz in its last
 *   twice         file pages that two PT_LOADs both map
 *   packed        the pages the same contents would take in one segment per
 *                 permission set: in each set, the ELF and program headers
 *                 first (in the set of the PT_LOAD that maps them), then the
 *                 sections in address order, each at the next offset its
 *                 sh_addralign allows; each set's size rounded up to pages.
 *                 The merge saving is mapped - packed (0 if below).
 */
#include <stdarg.h>
#include "bprm.h"
#include "sections.h"
#include "waste.h"

#define PS(v, p) ((v) & ~((p)-1))
#define PA(v, p) (((v) + (p)-1) & ~((p)-1))

struct span {
	uint64_t lo, hi;
};

static int span_after(const struct span *a, const struct span *b)
{
	return a->lo > b->lo || (a->lo == b->lo && a->hi > b->hi);
}

/* Sorts by lo, then hi (shell sort: a few dozen, sometimes thousands). */
static void sort_spans(struct span *s, unsigned n)
{
	for (unsigned gap = n / 2; gap; gap /= 2)
		for (unsigned i = gap; i < n; i++)
			for (unsigned j = i; j >= gap && span_after(&s[j - gap], &s[j]); j -= gap) {
				struct span t = s[j];

				s[j] = s[j - gap];
				s[j - gap] = t;
			}
}

/* Bytes of [lo, hi) covered by none of s[0..n), s sorted. */
static uint64_t uncovered(const struct span *s, unsigned n, uint64_t lo, uint64_t hi)
{
	uint64_t at = lo, free = 0;

	for (unsigned i = 0; i < n && at < hi; i++) {
		uint64_t a = s[i].lo < lo ? lo : s[i].lo, b = s[i].hi > hi ? hi : s[i].hi;

		if (b <= a)
			continue;
		if (a > at)
			free += a - at;
		if (b > at)
			at = b;
	}
	return at < hi ? free + hi - at : free;
}

static uint64_t overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	uint64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;

	return hi > lo ? hi - lo : 0;
}

/* The next offset from at that is a multiple of align (0 or a power of
 * two; anything else counts as 1), saturating. */
static uint64_t align_up(uint64_t at, uint64_t align)
{
	if (align < 2 || (align & (align - 1)))
		return at;
	return at > UINT64_MAX - (align - 1) ? UINT64_MAX : PA(at, align);
}

/* Adds to bytes[flags] each allocated section of a PT_LOAD of those
 * flags, in address order, at the next offset its alignment allows (in
 * the first PT_LOAD that holds it).  by: scratch for sec->n spans. */
static void pack_sections(const struct elf_image *im, const struct sections *sec, struct span *by,
			  uint64_t bytes[8])
{
	unsigned n = 0;

	for (unsigned k = 1; k < sec->n; k++) /* by address, then index */
		if (sec->sh[k].sh_flags & SHF_ALLOC)
			by[n++] = (struct span){sec->sh[k].sh_addr, k};
	sort_spans(by, n);
	for (unsigned i = 0; i < n; i++) {
		const Elf64_Shdr *sh = &sec->sh[by[i].hi];

		for (unsigned j = 0; j < im->phnum; j++) {
			const Elf64_Phdr *p = &im->ph[j];
			uint64_t *b = &bytes[p->p_flags & 7];

			if (p->p_type != PT_LOAD || !section_in_segment(sh, p))
				continue;
			*b = align_up(*b, sh->sh_addralign);
			*b = *b > UINT64_MAX - sh->sh_size ? UINT64_MAX : *b + sh->sh_size;
			break;
		}
	}
}

int waste_compute(struct arena *a, const struct elf_image *im, const struct sections *sec,
		  uint64_t page, struct waste *w)
{
	unsigned nsp = 0, nl = 0;
	struct span *sp = arena_alloc(a, (sec->n + 2) * sizeof(*sp));
	struct span *vm = arena_alloc(a, 2 * im->phnum * sizeof(*vm) + 1);
	struct seg_map *seg = arena_alloc(a, 2 * im->phnum * sizeof(*seg) + 1);
	uint64_t perm_bytes[8] = {0}, hdr_hi = im->eh.e_phoff + im->phnum * sizeof(Elf64_Phdr);
	unsigned nseg, nvm = 0;

	memset(w, 0, sizeof(*w));
	w->page = page;
	w->load = arena_alloc(a, im->phnum * sizeof(*w->load) + 1);
	if (!sp || !vm || !seg || !w->load)
		return -1;
	/* what the file holds on purpose: sections with bytes, the headers */
	for (unsigned i = 1; i < sec->n; i++)
		if (sec->sh[i].sh_type != SHT_NOBITS && sec->sh[i].sh_size)
			sp[nsp++] = (struct span){sec->sh[i].sh_offset,
						  sec->sh[i].sh_offset + sec->sh[i].sh_size};
	sp[nsp++] = (struct span){0, sizeof(Elf64_Ehdr)};
	sp[nsp++] = (struct span){im->eh.e_phoff, hdr_hi};
	sort_spans(sp, nsp);

	for (unsigned i = 0; i < im->phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];
		struct load_waste *l;

		if (p->p_type != PT_LOAD)
			continue;
		l = &w->load[nl++];
		memset(l, 0, sizeof(*l));
		l->phdr = i;
		if (sec->n)
			l->padding = uncovered(sp, nsp, p->p_offset, p->p_offset + p->p_filesz);
		if (p->p_memsz) {
			l->head = p->p_vaddr - PS(p->p_vaddr, page);
			l->tail = PA(p->p_vaddr + p->p_memsz, page) - (p->p_vaddr + p->p_memsz);
		}
		for (unsigned j = 0; j < im->phnum; j++) {
			const Elf64_Phdr *q = &im->ph[j];

			if (j == i || q->p_type != PT_LOAD || !q->p_filesz || !p->p_filesz)
				continue;
			l->shared +=
			    overlap(PS(p->p_offset, page), PA(p->p_offset + p->p_filesz, page),
				    PS(q->p_offset, page), PA(q->p_offset + q->p_filesz, page)) /
			    page;
			if (j > i)
				w->twice_pages += overlap(PS(p->p_offset, page),
							  PA(p->p_offset + p->p_filesz, page),
							  PS(q->p_offset, page),
							  PA(q->p_offset + q->p_filesz, page)) /
						  page;
		}
		w->padding += l->padding;
		w->rounding += l->head + l->tail;
		/* the headers, when it maps them; without sections, its memory */
		if (!sec->n)
			perm_bytes[p->p_flags & 7] += p->p_memsz;
		else if (p->p_offset == 0 && p->p_filesz >= hdr_hi)
			perm_bytes[p->p_flags & 7] += hdr_hi;
	}
	w->nload = nl;
	pack_sections(im, sec, sp, perm_bytes);
	for (unsigned k = 0; k < 8; k++)
		w->packed_pages += perm_bytes[k] / page + (perm_bytes[k] % page != 0);
	/* the pages mapped: the union of every VMA at this page size */
	nseg = plan_load_pages(im, page, seg);
	for (unsigned i = 0; i < nseg; i++)
		vm[nvm++] = (struct span){seg[i].addr, seg[i].addr + seg[i].len};
	sort_spans(vm, nvm);
	{
		uint64_t total = 0, lo = 0, hi = 0;

		for (unsigned i = 0; i < nvm; i++) {
			if (i == 0 || vm[i].lo > hi) {
				total += hi - lo;
				lo = vm[i].lo;
				hi = vm[i].hi;
			} else if (vm[i].hi > hi) {
				hi = vm[i].hi;
			}
		}
		w->mapped_pages = (total + hi - lo) / page;
	}
	return 0;
}

static void flags_str(uint32_t f, char *s)
{
	s[0] = f & PF_R ? 'R' : ' ';
	s[1] = f & PF_W ? 'W' : ' ';
	s[2] = f & PF_X ? 'E' : ' ';
	s[3] = 0;
}

/* Records a failure: the first one's text, and how many. */
static void fail(struct rule *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct rule *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failures++)
		return;
	va_start(ap, fmt);
	ufmt(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

void verdicts(const struct elf_image *im, uint64_t page, struct verdicts *v)
{
	memset(v, 0, sizeof(*v));
	v->page = page;
	for (unsigned i = 0; i < im->phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];

		if (p->p_type == PT_GNU_RELRO && p->p_memsz) {
			/* bionic makes every page RELRO touches read-only */
			uint64_t lo = PS(p->p_vaddr, page), hi = PA(p->p_vaddr + p->p_memsz, page);

			for (unsigned j = 0; j < im->phnum; j++) {
				const Elf64_Phdr *q = &im->ph[j];
				uint64_t below =
				    overlap(lo, p->p_vaddr, q->p_vaddr, q->p_vaddr + q->p_memsz);
				uint64_t above = overlap(p->p_vaddr + p->p_memsz, hi, q->p_vaddr,
							 q->p_vaddr + q->p_memsz);
				char f[4];

				if (q->p_type != PT_LOAD || !(q->p_flags & (PF_W | PF_X)) ||
				    !(below || above))
					continue;
				flags_str(q->p_flags, f);
				fail(&v->rule[BIONIC_LOADS],
				     "phdr %u (LOAD %s): %#lx bytes at %#lx share a page with "
				     "PT_GNU_RELRO [%#lx, %#lx), which becomes read-only",
				     j, f, (unsigned long)(above ? above : below),
				     (unsigned long)(above ? p->p_vaddr + p->p_memsz
							   : p->p_vaddr - below),
				     (unsigned long)p->p_vaddr,
				     (unsigned long)(p->p_vaddr + p->p_memsz));
			}
		}
		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_filesz && ((p->p_vaddr - p->p_offset) & (page - 1)))
			fail(&v->rule[KERNEL_MAPS],
			     "phdr %u (LOAD): p_vaddr %#lx and p_offset %#lx differ modulo %#lx", i,
			     (unsigned long)p->p_vaddr, (unsigned long)p->p_offset,
			     (unsigned long)page);
		if (p->p_align < page)
			fail(&v->rule[BIONIC_LOADS], "phdr %u (LOAD): p_align %#lx is below %#lx",
			     i, (unsigned long)p->p_align, (unsigned long)page);
		for (unsigned j = i + 1; j < im->phnum; j++) {
			const Elf64_Phdr *q = &im->ph[j];
			uint64_t both;
			char f[4], g[4];

			if (q->p_type != PT_LOAD || (q->p_flags & 7) == (p->p_flags & 7) ||
			    !p->p_memsz || !q->p_memsz)
				continue;
			both = overlap(PS(p->p_vaddr, page), PA(p->p_vaddr + p->p_memsz, page),
				       PS(q->p_vaddr, page), PA(q->p_vaddr + q->p_memsz, page));
			if (!both)
				continue;
			flags_str(p->p_flags, f);
			flags_str(q->p_flags, g);
			fail(&v->rule[PERMISSIONS_EXACT],
			     "phdr %u (LOAD %s) and phdr %u (LOAD %s) share the page at %#lx", i, f,
			     j, g,
			     (unsigned long)(PS(p->p_vaddr, page) > PS(q->p_vaddr, page)
						 ? PS(p->p_vaddr, page)
						 : PS(q->p_vaddr, page)));
		}
	}
}

const char *const verdict_names[NVERDICTS] = {"kernel_maps", "permissions_exact", "bionic_loads"};
