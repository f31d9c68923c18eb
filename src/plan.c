/*
 * Stage 4 — plan: where each PT_LOAD goes and what it becomes, as data.
 * Follows load_elf_binary()/load_elf_interp()/elf_load(): the load bias
 * rules, total_mapping_size(), maximum_alignment(), and per segment a file
 * mapping of the pages holding p_filesz, the rest of the last file page
 * cleared when writable, and anonymous read-write pages for the bss.
 * Addresses here are unbiased; map.c adds the bias once the base is known.
 */
#include <errno.h>
#include "arch/x86_64/arch.h"
#include "bprm.h"
#include "sys.h"

static int make_prot(uint32_t flags)
{
	return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
	       (flags & PF_X ? PROT_EXEC : 0);
}

/* Largest power-of-two p_align of the PT_LOADs, at least a page. */
static uint64_t maximum_alignment(const struct elf_image *im)
{
	uint64_t align = 0;

	for (unsigned i = 0; i < im->phnum; i++) {
		uint64_t a = im->ph[i].p_align;

		if (im->ph[i].p_type == PT_LOAD && a && !(a & (a - 1)) && a > align)
			align = a;
	}
	return align > PAGE_SIZE ? PAGE_ALIGN(align) : PAGE_SIZE;
}

/* One PT_LOAD, as elf_load() maps it on a kernel of page size `page`: at
 * most two entries written to out (im->seg has room for two per program
 * header, binfmt_elf.c); returns how many. */
static unsigned plan_segment(struct seg_map *out, const Elf64_Phdr *p, uint64_t page)
{
	int prot = make_prot(p->p_flags);
	/* Anonymous bss is always read-write (do_brk_flags), exec only with PF_X. */
	int bss_prot = PROT_READ | PROT_WRITE | (prot & PROT_EXEC);
	uint64_t zero_start, zero_end, in_page = p->p_vaddr & (page - 1);
	unsigned n = 0;

#define P_ALIGN(v) (((v) + page - 1) & ~(page - 1))
	if (p->p_filesz) {
		struct seg_map s = {
		    .addr = p->p_vaddr - in_page,
		    .len = P_ALIGN(p->p_filesz + in_page),
		    .off = p->p_offset - in_page,
		    .prot = prot,
		};

		zero_start = p->p_vaddr + p->p_filesz;
		zero_end = p->p_vaddr + p->p_memsz;
		/* padzero(): the rest of the last file page, only if writable. */
		if (p->p_memsz > p->p_filesz && (prot & PROT_WRITE) && (zero_start & (page - 1))) {
			s.zero_lo = zero_start;
			s.zero_hi = P_ALIGN(zero_start);
		}
		out[n++] = s;
	} else {
		zero_start = p->p_vaddr - in_page;
		zero_end = zero_start + in_page + p->p_memsz;
	}
	if (p->p_memsz > p->p_filesz && P_ALIGN(zero_end) > P_ALIGN(zero_start)) {
		struct seg_map s = {
		    .addr = P_ALIGN(zero_start),
		    .len = P_ALIGN(zero_end) - P_ALIGN(zero_start),
		    .prot = bss_prot,
		    .anon = 1,
		};

		out[n++] = s;
	}
#undef P_ALIGN
	return n;
}

/* Every PT_LOAD of im as a kernel of page size `page` maps it (--plan
 * --page-size): unbiased, into out (two entries per PT_LOAD at most). */
unsigned plan_load_pages(const struct elf_image *im, uint64_t page, struct seg_map *out)
{
	unsigned n = 0;

	for (unsigned i = 0; i < im->phnum; i++)
		if (im->ph[i].p_type == PT_LOAD)
			n += plan_segment(out + n, &im->ph[i], page);
	return n;
}

void plan_image(struct bprm *b, struct elf_image *im)
{
	const Elf64_Phdr *first = NULL;
	uint64_t lo = UINT64_MAX, hi = 0;

	im->phdr_addr = 0;
	for (unsigned i = 0; i < im->phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];

		if (p->p_type != PT_LOAD)
			continue;
		if (!first)
			first = p;
		if (PAGE_START(p->p_vaddr) < lo)
			lo = PAGE_START(p->p_vaddr);
		if (p->p_vaddr + p->p_memsz > hi)
			hi = p->p_vaddr + p->p_memsz;
		/* AT_PHDR: the segment holding the table in the file, not PT_PHDR. */
		if (p->p_offset <= im->eh.e_phoff && im->eh.e_phoff < p->p_offset + p->p_filesz)
			im->phdr_addr = im->eh.e_phoff - p->p_offset + p->p_vaddr;
		im->nseg += plan_segment(im->seg + im->nseg, p, PAGE_SIZE);
	}
	if (!first) { /* ET_EXEC without PT_LOAD: nothing is mapped, as in the kernel */
		im->lo = im->hi = 0;
		im->fixed = 1;
		return;
	}
	im->lo = lo;
	im->hi = PAGE_ALIGN(hi);
	im->align = maximum_alignment(im);
	im->brk = hi;

	if (im->eh.e_type == ET_EXEC) {
		im->bias = 0;
		im->fixed = 1;
	} else if (!im->is_interp && b->has_interp) {
		/* A PIE: ELF_ET_DYN_BASE plus mmap randomisation, aligned down. */
		uint64_t bias = ARCH_ET_DYN_BASE;

		if (b->randomize) {
			unsigned bits = read_sysctl("/proc/sys/vm/mmap_rnd_bits", 28);

			bias += (urandom_u64() & ((1UL << bits) - 1)) << 12;
		}
		bias &= ~(im->align - 1);
		im->bias = PAGE_START(bias - first->p_vaddr);
		im->fixed = 1;
	} else {
		/* static-pie, ld.so run as a program, or the interpreter: placed by
		 * the kernel's top-down allocator; map.c learns the base. */
		im->fixed = 0;
		if (im->is_interp)
			im->align = PAGE_SIZE; /* load_elf_interp() ignores p_align */
	}
}

/*
 * The mm fields the kernel sets at exec (start_code..end_data, brk), for
 * PR_SET_MM_MAP.  brk: the page after the highest segment; a static-pie's
 * goes to ELF_ET_DYN_BASE; with full randomisation a one-page gap (unless
 * moved) and then up to 1 GiB of random pages (arch_randomize_brk).
 */
void plan_mm(struct bprm *b)
{
	const struct elf_image *ex = &b->exe;
	uint64_t start_code = UINT64_MAX, end_code = 0, start_data = 0, end_data = 0, brk;
	int moved = ex->eh.e_type == ET_DYN && !b->has_interp;

	for (unsigned i = 0; i < ex->phnum; i++) {
		const Elf64_Phdr *p = &ex->ph[i];

		if (p->p_type != PT_LOAD)
			continue;
		if ((p->p_flags & PF_X) && p->p_vaddr < start_code)
			start_code = p->p_vaddr;
		if (p->p_vaddr > start_data)
			start_data = p->p_vaddr;
		if ((p->p_flags & PF_X) && p->p_vaddr + p->p_filesz > end_code)
			end_code = p->p_vaddr + p->p_filesz;
		if (p->p_vaddr + p->p_filesz > end_data)
			end_data = p->p_vaddr + p->p_filesz;
	}
	if (start_code == UINT64_MAX)
		start_code = end_code = 0;
	b->mm.start_code = start_code + ex->bias;
	b->mm.end_code = end_code + ex->bias;
	b->mm.start_data = start_data + ex->bias;
	b->mm.end_data = end_data + ex->bias;

	brk = PAGE_ALIGN(moved ? ARCH_ET_DYN_BASE : ex->brk);
	if (b->randomize && b->va_space > 1) {
		/* randomize_page(): an unaligned start (ELF_ET_DYN_BASE) is
		 * rounded up and its range shortened by as much */
		uint64_t start = moved ? ARCH_ET_DYN_BASE : brk + PAGE_SIZE;
		uint64_t pages = (ARCH_BRK_RND - (PAGE_ALIGN(start) - start)) / PAGE_SIZE;

		brk = PAGE_ALIGN(start) + (urandom_u64() % pages) * PAGE_SIZE;
	}
	b->mm.start_brk = b->mm.brk = brk;
}

/*
 * The image the kernel maps at the top of the mmap area, with the vDSO below
 * it: the interpreter, or a static-pie (or ld.so run as a program); none
 * for an ET_EXEC without interpreter.
 */
struct elf_image *top_image(struct bprm *b)
{
	if (b->has_interp)
		return &b->interp;
	return b->exe.eh.e_type == ET_DYN ? &b->exe : NULL;
}

/*
 * mmap_base() of arch/x86/mm/mmap.c with no random offset: the highest
 * mmap_base the kernel gives a process, below the stack's limit, its
 * largest random offset and the guard gap (stack_guard_gap: 256 pages
 * unless changed at boot), within [128 MiB, 5/6 of the address space].
 */
uint64_t mmap_base_max(uint64_t rlim_stack, int randomize)
{
	uint64_t gap = rlim_stack, pad = ARCH_STACK_GUARD_GAP;

	if (randomize)
		pad += ARCH_STACK_RND_MASK << 12;
	if (gap + pad > gap)
		gap += pad;
	if (gap < (128UL << 20))
		gap = 128UL << 20;
	else if (gap > ARCH_TASK_SIZE / 6 * 5)
		gap = ARCH_TASK_SIZE / 6 * 5;
	return PAGE_ALIGN(ARCH_TASK_SIZE - gap);
}

/*
 * Where get_unmapped_area() puts len bytes (the vDSO) when the only thing in
 * the mmap area is image im at its top: the highest free stretch below
 * mmap_base that is long enough - above the image, in a hole between its
 * segments (p_align can leave them), or else right below it.
 */
uint64_t top_down_slot(const struct elf_image *im, uint64_t mmap_base, uint64_t len)
{
	uint64_t best = 0, lo = im->bias + im->lo, hi = im->bias + im->hi;

	if (mmap_base >= hi && mmap_base - hi >= len)
		return mmap_base - len;
	/* holes: for each segment end, the free stretch up to the next start */
	for (unsigned i = 0; i < im->nseg; i++) {
		uint64_t end = im->bias + im->seg[i].addr + im->seg[i].len, next = hi;
		int covered = 0;

		for (unsigned j = 0; j < im->nseg; j++) {
			uint64_t a = im->bias + im->seg[j].addr, b = a + im->seg[j].len;

			if (a <= end && end < b)
				covered = 1;
			if (a >= end && a < next)
				next = a;
		}
		if (!covered && next - end >= len && next - len > best)
			best = next - len;
	}
	return best ? best : lo - len;
}

static int overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * Appends the moves that take image im from where it is mapped now to
 * span start `to`, one per segment, in the order that never lands one on
 * another still to go (from the top when moving up, from the bottom when
 * moving down); a segment whose new place overlaps its own old one goes
 * first to a free stretch below both.  The image's addresses then describe
 * its new place, old_bias its present one (what the teardown keeps).
 */
static int plan_move(struct bprm *b, struct elf_image *im, uint64_t to)
{
	uint64_t span = im->hi - im->lo, old = im->bias + im->lo;
	uint64_t via = (old < to ? old : to) - span - PAGE_SIZE, delta = to - old;
	unsigned *order = arena_alloc(&b->arena, im->nseg * sizeof(*order)), need = 0;

	if (to == old)
		return 0;
	if (!order)
		return uexec_fail(ENOMEM, "out of scratch memory");
	for (unsigned i = 0; i < im->nseg; i++) { /* by address: insertion, few */
		unsigned j = i;

		for (; j > 0 && im->seg[order[j - 1]].addr > im->seg[i].addr; j--)
			order[j] = order[j - 1];
		order[j] = i;
		need += overlap(im->seg[i].addr, im->seg[i].len, im->seg[i].addr + delta,
				im->seg[i].len)
			    ? 2
			    : 1;
	}
	if (b->nmove + need > HANDOFF_MOVES)
		return uexec_fail(EEXIST,
				  "%s cannot be placed at %#lx: its place is taken and "
				  "its %u segments are too many to move there later",
				  im->path, (unsigned long)to, im->nseg);
	for (unsigned k = 0; k < im->nseg; k++) {
		const struct seg_map *sg = &im->seg[order[to > old ? im->nseg - 1 - k : k]];
		uint64_t at = im->bias + sg->addr, from = at;

		if (overlap(at, sg->len, at + delta, sg->len)) {
			b->move[b->nmove].len = sg->len;
			b->move[b->nmove].from = at;
			b->move[b->nmove].to = from = at - old + via;
			b->nmove++;
		}
		b->move[b->nmove].len = sg->len;
		b->move[b->nmove].from = from;
		b->move[b->nmove].to = at + delta;
		b->nmove++;
	}
	im->moved = 1;
	im->old_bias = im->bias;
	im->bias += delta;
	im->entry += delta;
	im->phdr_addr += delta;
	im->brk += delta;
	return 0;
}

/*
 * Library mode only.  While the program is loaded the caller's own mappings
 * are still there: an interpreter (or a static-pie) lands lower than the
 * kernel would have put it, since the caller's libraries hold the top of the
 * mmap area; an image with a fixed address that the caller occupies was
 * mapped elsewhere (map.c); the vDSO is where the caller had it.  Once the
 * hand-off has unmapped the caller it moves them where the kernel would
 * have: the top image right below mmap_base (a static-pie aligned down to
 * its p_align), a fixed image to its address, the vDSO in the highest gap
 * below the top image.  Here the new addresses are planned, so that the auxv
 * and entry point carry them; avoid[] lists what the hand-off page must
 * stay out of (lo, hi pairs, 0-terminated).
 */
int plan_late_placement(struct bprm *b, struct host *h, uint64_t *avoid, int library)
{
	struct elf_image *top_im = top_image(b);
	uint64_t top = h->mmap_top, vlen = h->vdso_hi - h->vdso_lo, lo = top;
	unsigned na = 0;
	int r;

	b->move = arena_alloc(&b->arena, 4 * (b->exe.nseg + b->interp.nseg + 1) * sizeof(*b->move));
	if (!b->move)
		return uexec_fail(ENOMEM, "out of scratch memory");
	for (int i = 0; i < 2; i++) {
		struct elf_image *im = i ? &b->interp : &b->exe;

		if (im->displaced) {
			uint64_t to = im->want_bias + im->lo, len = im->hi - im->lo;

			/* what the hand-off keeps cannot make room: the stack (the
			 * kernel keeps the mmap area 128 MiB below it) and the vDSO */
			if (to + len > h->stack_top - ARCH_MMAP_GAP_MIN ||
			    (h->vdso_hi && overlap(h->vdso_lo, h->vdso_hi - h->vdso_lo, to, len)))
				return uexec_fail(EEXIST,
						  "%s needs [%#lx, %#lx), where the stack or "
						  "the vDSO is",
						  im->path, (unsigned long)to,
						  (unsigned long)(to + len));
			r = plan_move(b, im, to);
			if (r)
				return r;
			avoid[na++] = im->bias + im->lo;
			avoid[na++] = im->bias + im->hi;
		}
	}
	if (!library)
		top = 0; /* the command placed the top image and the vDSO itself */
	if (top && top_im && top_im->reserved && !top_im->displaced) {
		uint64_t span = top_im->hi - top_im->lo, to = top - span;
		const struct seg_map *s0 = &top_im->seg[0];

		/* elf_map()'s file mapping of the span, which the file system
		 * may align (placement.c) */
		if (s0->addr == top_im->lo && !s0->anon &&
		    file_map_thp_aligned(top_im->fd, s0->off, span))
			to = thp_slot(top, span, s0->off);
		if (!top_im->is_interp && top_im->align > PAGE_SIZE)
			to &= ~(top_im->align - 1); /* the kernel's probe, then aligned down */
		if (!(top_im == &b->interp &&
		      overlap(b->exe.bias + b->exe.lo, b->exe.hi - b->exe.lo, to, span))) {
			/* too many pieces to move: it stays where it is */
			if (plan_move(b, top_im, to))
				uexec_clear_error();
		}
		lo = top_im->bias + top_im->lo;
	}
	if (top && vlen && h->can_move_vdso && !h->vdso_above_stack) {
		/* get_unmapped_area(): the highest stretch that fits */
		b->vdso_new = top_im ? top_down_slot(top_im, top, vlen) : top - vlen;
		b->vdso_move = b->vdso_new != h->vdso_lo;
		if (b->vdso_new < lo)
			lo = b->vdso_new;
	}
	if (top) {
		avoid[na++] = lo;
		avoid[na++] = top;
	}
	avoid[na] = avoid[na + 1] = 0;
	b->entry = b->has_interp ? b->interp.entry : b->exe.entry;
	return 0;
}
