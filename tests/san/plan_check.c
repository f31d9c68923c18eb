/*
 * The plan's invariants: what map.c assumes of every image it is given.  A
 * segment outside the reserved span would be mapped MAP_FIXED over whatever
 * lies there; a cleared range outside its segment, or in a read-only one,
 * would make map.c's memset write somewhere else or fault; an unaligned
 * address or offset would make mmap fail after others were already made.
 */
#include "plan_check.h"
#include "arch/x86_64/arch.h"
#include "bprm.h"
#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>

static char why[256];

static const char *bad_image(const struct elf_image *im)
{
	if (im->nseg > 2 * im->phnum)
		return "more than two segments per program header";
	if (im->hi <= im->lo)
		return im->nseg ? "segments planned in an empty span" : NULL;
	if (PAGE_OFFSET(im->lo) || PAGE_OFFSET(im->hi))
		return "span not page aligned";
	if (im->hi > ARCH_TASK_SIZE)
		return "span beyond the user address space";
	if (im->align < PAGE_SIZE || (im->align & (im->align - 1)))
		return "alignment not a power of two of at least a page";
	if (im->brk < im->lo || im->brk > im->hi)
		return "brk outside the span";
	if (!im->fixed && im->eh.e_type == ET_EXEC)
		return "ET_EXEC not placed at its own addresses";
	for (unsigned i = 0; i < im->nseg; i++) {
		const struct seg_map *s = &im->seg[i];
		const char *bad = NULL;

		if (!s->len || PAGE_OFFSET(s->addr) || PAGE_OFFSET(s->len))
			bad = "empty or not page aligned";
		else if (s->addr < im->lo || s->addr > im->hi || im->hi - s->addr < s->len)
			bad = "outside the reserved span";
		else if (!s->anon && PAGE_OFFSET(s->off))
			bad = "file offset not page aligned";
		else if (s->zero_hi > s->zero_lo &&
			 (s->anon || !(s->prot & PROT_WRITE) || s->zero_lo < s->addr ||
			  s->zero_hi > s->addr + s->len))
			bad = "cleared range not inside a writable file mapping";
		if (bad) {
			ufmtf(why, sizeof(why),
			      "segment %u [%#lx, +%#lx) off %#lx zero [%#lx, %#lx): %s", i,
			      (unsigned long)s->addr, (unsigned long)s->len, (unsigned long)s->off,
			      (unsigned long)s->zero_lo, (unsigned long)s->zero_hi, bad);
			return why;
		}
	}
	return NULL;
}

int plan_check(int fd, const char *name, int as_interp, int randomize, const char **violation)
{
	static char *argv[2], *envp[1];
	struct arena arena;
	struct bprm *b;
	struct stat st;
	int r;

	*violation = NULL;
	uexec_clear_error();
	if (fstat(fd, &st))
		return -errno;
	r = arena_init(&arena, 1 << 20);
	if (r)
		return r;
	b = arena_alloc(&arena, sizeof(*b)); /* fresh anonymous memory: zero */
	b->arena = arena;
	b->exe.fd = b->interp.fd = -1;
	b->dry_run = 1;
	b->filename = b->interp_name = name;
	argv[0] = (char *)name;
	b->argv = argv;
	b->argc = 1;
	b->envp = envp;
	b->fd = fd;
	b->file_size = (uint64_t)st.st_size;
	b->randomize = randomize;
	b->va_space = 2;
	if (!as_interp) {
		r = search_binary_handler(b);
		if (r == 0 && b->exe.seg)
			*violation = bad_image(&b->exe);
		/* A PIE is placed differently when it names an interpreter, which
		 * the dry run does not open: plan it that way too. */
		if (r == 0 && !*violation && b->interp_path && b->exe.eh.e_type == ET_DYN) {
			b->has_interp = 1;
			b->exe.nseg = 0;
			plan_image(b, &b->exe);
			*violation = bad_image(&b->exe);
		}
		if (r == 0 && !*violation && b->exe.seg)
			plan_mm(b);
	} else {
		r = bprm_read_buf(b);
		b->has_interp = 1;
		b->interp.is_interp = 1;
		b->interp.file_size = (uint64_t)st.st_size;
		if (r == 0)
			r = elf_load_headers(b, &b->interp, fd, name, b->buf, b->buf_len);
		if (r == 0) {
			plan_image(b, &b->interp);
			*violation = bad_image(&b->interp);
		}
	}
	arena_release(&arena);
	return r;
}
