/*
 * Stage 5 — map: carry one image's plan out, never replacing anything (a
 * collision is an error, not an overwrite).  Where the image's place is
 * known beforehand (the command: see map_image()) each segment goes
 * straight there with MAP_FIXED_NOREPLACE.  Otherwise the whole span is
 * reserved first: by mapping the lowest segment's file over all of it, as
 * elf_map() maps total_size, or PROT_NONE (a segment not from the file, a
 * span of 2 MiB or more); then the segments are mapped in order - the rest
 * of the reservation given back in one piece and the others mapped into
 * that free space.  Writable partial pages are cleared, and the holes
 * between segments stay free, so the result is what elf_load() leaves.
 * Nothing outside the span is touched; on failure what was mapped is
 * unmapped and the caller is as before.
 */
#include <errno.h>
#include "arch/x86_64/arch.h"
#include "bprm.h"
#include "sys.h"

#define RESERVE_FLAGS (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)

/* Reserves [at, at + len): anonymous PROT_NONE, or when FIRST is given,
 * that segment's file over the whole span as elf_map() does. */
static int reserve_fixed(struct elf_image *im, const struct seg_map *first, uint64_t at,
			 uint64_t len)
{
	long p = first ? sys_mmap(at, len, first->prot, MAP_PRIVATE | MAP_FIXED_NOREPLACE, im->fd,
				  first->off)
		       : sys_mmap(at, len, PROT_NONE, RESERVE_FLAGS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == -EEXIST)
		return uexec_fail(EEXIST,
				  "%s needs [%#lx, %#lx), which is already mapped in this process",
				  im->is_interp ? "the interpreter" : "the program",
				  (unsigned long)at, (unsigned long)(at + len));
	if (sys_is_err(p))
		return uexec_fail((int)-p, "cannot reserve [%#lx, %#lx) for %s", (unsigned long)at,
				  (unsigned long)(at + len), im->path);
	if ((uint64_t)p != at) { /* a kernel that took NOREPLACE as a hint */
		sys_munmap((uint64_t)p, len);
		return uexec_fail(EEXIST, "the kernel would not place %s at %#lx", im->path,
				  (unsigned long)at);
	}
	return 0;
}

/*
 * Picks the base like the kernel: the top-down allocator, then p_align (or
 * the planned bias).
 * With FIRST (the lowest segment, from the file) the span is reserved by
 * mapping that segment's file over all of it, as elf_map() maps
 * total_size: one mmap less, and the allocator sees the same request as
 * the kernel's (a file mapping, which a filesystem may align).
 */
static int reserve_span(struct bprm *b, struct elf_image *im, const struct seg_map *first,
			int *first_mapped)
{
	uint64_t len = im->hi - im->lo;
	long p;

	*first_mapped = first != NULL;
	if (im->fixed) {
		int r = reserve_fixed(im, first, im->bias + im->lo, len);

		if (r != -EEXIST || !b->may_displace)
			return r;
		*first_mapped = 0;
		/* The place is held by what the hand-off unmaps (the library's
		 * caller, or uexec's own image: "uexec uexec ..."): map the image
		 * elsewhere, the hand-off moves it there (plan_late_placement()). */
		p = scratch_mmap(len, PROT_NONE, RESERVE_FLAGS, -1);
		if (sys_is_err(p))
			return uexec_fail((int)-p, "cannot reserve %lu bytes for %s",
					  (unsigned long)len, im->path);
		uexec_clear_error();
		im->displaced = 1;
		im->want_bias = im->bias;
		im->bias = (uint64_t)p - im->lo;
		return 0;
	}
	p = first ? sys_mmap(0, len, first->prot, MAP_PRIVATE, im->fd, first->off)
		  : sys_mmap(0, len, PROT_NONE, RESERVE_FLAGS, -1, 0);
	if (sys_is_err(p))
		return uexec_fail((int)-p, "cannot reserve %lu bytes for %s", (unsigned long)len,
				  im->path);
	/* first fit, top-down: mmap_base if the area was empty, unless the file
	 * system aligned the mapping (the vDSO's place is then the allocator's) */
	im->area_top = first && len >= ARCH_PMD_SIZE ? 0 : (uint64_t)p + len;
	if (im->align > PAGE_SIZE && ((uint64_t)p & (im->align - 1))) {
		/* The kernel probes, unmaps, aligns the address down and maps there. */
		sys_munmap((uint64_t)p, len);
		p &= ~(long)(im->align - 1);
		im->bias = (uint64_t)p - im->lo;
		return reserve_fixed(im, first, (uint64_t)p, len);
	}
	im->bias = (uint64_t)p - im->lo;
	return 0;
}

/*
 * Unmaps the parts of the span that no segment covers (the kernel never maps
 * them).  The segments are sorted by address first: the span can be huge and
 * nearly empty, so it is walked from segment to segment, never page by page.
 */
static void drop_holes(struct bprm *b, const struct elf_image *im)
{
	unsigned *order = arena_alloc(&b->arena, im->nseg * sizeof(*order));
	uint64_t at = im->lo;

	if (!order)
		return; /* the holes stay reserved, inaccessible: harmless */
	for (unsigned i = 0; i < im->nseg; i++) { /* insertion sort: few, mostly sorted */
		unsigned j = i;

		for (; j > 0 && im->seg[order[j - 1]].addr > im->seg[i].addr; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (unsigned k = 0; k < im->nseg; k++) {
		const struct seg_map *s = &im->seg[order[k]];

		if (s->addr > at)
			sys_munmap(im->bias + at, s->addr - at);
		if (s->addr + s->len > at)
			at = s->addr + s->len;
	}
	if (im->hi > at)
		sys_munmap(im->bias + at, im->hi - at);
}

/* Undoes map_image(): only what this image reserved, never a neighbour's
 * range (a collision leaves nothing of ours there). */
void unmap_image(struct elf_image *im)
{
	if (im->reserved)
		sys_munmap(im->bias + im->lo, im->hi - im->lo);
	for (unsigned i = 0; i < im->nmapped; i++) /* mapped one by one, no reservation */
		sys_munmap(im->bias + im->seg[i].addr, im->seg[i].len);
	im->reserved = 0;
	im->nmapped = 0;
}

/* Whether the segments of the plan overlap one another (sorted check). */
static int segments_overlap(const struct elf_image *im)
{
	for (unsigned i = 0; i < im->nseg; i++)
		for (unsigned j = i + 1; j < im->nseg; j++)
			if (im->seg[i].addr < im->seg[j].addr + im->seg[j].len &&
			    im->seg[j].addr < im->seg[i].addr + im->seg[i].len)
				return 1;
	return 0;
}

int map_image(struct bprm *b, struct elf_image *im)
{
	int r;

	/*
	 * In the command's fresh process an image whose segments do not overlap
	 * needs no reservation: each segment is mapped where it must be, never
	 * over anything (a reservation and the munmap of its tail less on the
	 * hot path).  That is where it must be for a fixed image (an ET_EXEC,
	 * a PIE at its planned bias), and for one placed top-down (the
	 * interpreter, a static-pie) in the mmap area emptied for it
	 * (b->mmap_top): the kernel's first fit there is known, the span right
	 * below mmap_base, aligned down (under 2 MiB only: a longer file
	 * mapping may be placed THP-aligned).  Otherwise the whole span is
	 * reserved first and the segments go over it.
	 */
	int apart = !segments_overlap(im);
	int placed = !im->fixed && b->map_each && b->mmap_top && apart && im->hi > im->lo &&
		     im->hi - im->lo < ARCH_PMD_SIZE && b->mmap_top - im->lo >= im->hi - im->lo;
	int each = (im->fixed || placed) && b->map_each && apart;
	int fixed = each ? MAP_FIXED_NOREPLACE : MAP_FIXED;
	/*
	 * Reserved, with the first segment at the bottom and the others above
	 * it: once that one is mapped, the rest of the reservation is given
	 * back in one piece and the others go into the free space - cheaper
	 * than cutting each out of the reservation (bench/micro.c), and the
	 * order elf_map() uses.  Nothing can take the space meanwhile: uexec
	 * runs single-threaded here.
	 */
	int tail = !each && apart && im->nseg > 1 && im->seg[0].addr == im->lo;
	/* ... and when that segment is from the file, it is the reservation
	 * itself (not when the image is displaced to scratch memory): the
	 * allocator sees the kernel's request, a file mapping of the whole
	 * span, which a file system may place 2 MiB-aligned (placement.c). */
	const struct seg_map *first = tail && !im->seg[0].anon ? &im->seg[0] : NULL;
	int first_mapped = 0;

	if (placed) {
		im->area_top = b->mmap_top;
		im->bias = ((b->mmap_top - (im->hi - im->lo)) & ~(im->align - 1)) - im->lo;
	}
	if (im->hi > im->lo && !each) {
		r = reserve_span(b, im, first, &first_mapped);
		if (r)
			return r;
		im->reserved = 1;
	}
	for (unsigned i = 0; i < im->nseg; i++) {
		const struct seg_map *s = &im->seg[i];
		long p;

		if (first_mapped && i == 0) {
			p = (long)(im->bias + s->addr); /* mapped as the reservation */
			goto mapped;
		}
		if (tail && i == 1) {
			sys_munmap(im->bias + s[-1].addr + s[-1].len,
				   im->hi - (s[-1].addr + s[-1].len));
			fixed = MAP_FIXED_NOREPLACE;
		}

		if (s->anon)
			p = sys_mmap(im->bias + s->addr, s->len, s->prot,
				     MAP_PRIVATE | MAP_ANONYMOUS | fixed, -1, 0);
		else
			p = sys_mmap(im->bias + s->addr, s->len, s->prot, MAP_PRIVATE | fixed,
				     im->fd, s->off);
		if (fixed == MAP_FIXED_NOREPLACE && !sys_is_err(p) &&
		    (uint64_t)p != im->bias + s->addr) {
			sys_munmap((uint64_t)p, s->len); /* NOREPLACE taken as a hint */
			p = -EEXIST;
		}
		if (each && !sys_is_err(p))
			im->nmapped = i + 1;
		if (p == -EEXIST && placed && b->vdso_stays) {
			/* above the vDSO, and taken: the caller moves the vDSO after all */
			unmap_image(im);
			return -EEXIST;
		}
		if (p == -EEXIST && each) {
			/* taken: once more the careful way (reserve, or displace) */
			unmap_image(im);
			b->map_each = 0;
			return map_image(b, im);
		}
		if (sys_is_err(p)) {
			unmap_image(im);
			return uexec_fail((int)-p, "cannot map %s at %#lx (%lu bytes, offset %#lx)",
					  im->path, (unsigned long)(im->bias + s->addr),
					  (unsigned long)s->len, (unsigned long)s->off);
		}
	mapped:
		if (s->zero_hi > s->zero_lo)
			memset((void *)(im->bias + s->zero_lo), 0, s->zero_hi - s->zero_lo);
	}
	if (!each && !tail)
		drop_holes(b, im);
	im->entry = im->eh.e_entry + im->bias;
	im->phdr_addr += im->bias;
	im->brk += im->bias;
	return 0;
}
