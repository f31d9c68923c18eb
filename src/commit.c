/*
 * Stage 6 — commit: the point of no return (begin_new_exec, start_thread).
 *
 * Everything that can fail has been done, the hand-off page included: it is
 * mapped before the point of no return by handoff_map(), a private copy of a
 * page of the command's uexec-handoff file, or from a memfd named "uexec"
 * (so it shows under one of those names in /proc/self/maps).  Library mode
 * first resets what exec resets (reset_process()).  Then commit_exec()
 * writes the page — a copy of handoff.S followed by a list of operations —
 * and jumps into it.  The hand-off then, with no stack and no libc:
 *   1. copies the stack image to the top of the process's [stack],
 *   2. unmaps everything that is not the program, its interpreter, the vDSO,
 *      the new stack or the hand-off page itself (uexec's image, scratch
 *      memory, and in library mode the caller's whole address space),
 *   3. in library mode moves what the caller's mappings kept from its place
 *      (plan_late_placement()),
 *   4. gives the stack VMA the kernel's size and clears what is below %rsp,
 *   5. sets /proc/self/{exe,cmdline,environ,auxv} and brk (PR_SET_MM_MAP),
 *   6. resets fs/gs base and the FPU state, clears the registers, and jumps.
 */
#include <errno.h>
#include <asm/prctl.h>
#include <linux/prctl.h>
#include "arch/x86_64/arch.h"
#include "arch/x86_64/handoff.h"
#include "bprm.h"
#include "sys.h"

extern HIDDEN const unsigned char uexec_handoff_start[], uexec_handoff_end[];

/* The terabyte that holds the command's image and scratch memory (the
 * Makefile's UEXEC_BASE, 0x3f0000000000, and UEXEC_SCRATCH), where no
 * program is placed; the library's hand-off page goes near its end. */
#define UEXEC_ZONE	 (1UL << 40)
#define HANDOFF_LIB_HINT (0x400000000000UL - 64 * HO_PAGE)

struct range {
	uint64_t lo, hi;
};

/* ranges the teardown keeps, each gap one munmap op: KEEP_PER_IMAGE (4)
 * for each image, the vDSO, the stack and the hand-off page */
#define MAX_KEEP 11
/* 2 copies, 2 zeros, madvise, touch, madvise again, mprotect, 2 prctl,
 * close, then 2 arch_prctl and a capset (library) or the stack's munmap
 * and two more closes (command), vDSO munmap and map, end */
#define OPS_FIXED 17
_Static_assert(OPS_FIXED + (MAX_KEEP + 1) + HANDOFF_MOVES <= HO_MAX_OPS,
	       "the hand-off page holds every op");

struct oplist {
	uint64_t *op;
	unsigned n;
};

_Static_assert(HO_OPS + (HO_MAX_OPS + 1) * HO_OP_SIZE <= HO_PAGE, "op list fits the page");

/* Appends an op; MAX_KEEP and HANDOFF_MOVES bound how many there are, so the
 * list cannot outgrow the page. */
static void op(struct oplist *l, uint64_t kind, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
	       uint64_t a4, uint64_t a5, uint64_t a6)
{
	uint64_t *o = l->op + (size_t)l->n * (HO_OP_SIZE / 8);

	if (l->n >= HO_MAX_OPS)
		__asm__ volatile("hlt"); /* cannot happen: see the _Static_assert above */

	o[0] = kind;
	o[1] = a0;
	o[2] = a1;
	o[3] = a2;
	o[4] = a3;
	o[5] = a4;
	o[6] = a5;
	o[7] = a6;
	l->n++;
}

#define SYSCALL(l, nr, a, b_, c)                                                                   \
	op(l, OP_SYSCALL, nr, (uint64_t)(a), (uint64_t)(b_), (uint64_t)(c), 0, 0, 0)
#define SYSCALL_CHECKED(l, nr, a, b_, c)                                                           \
	op(l, OP_SYSCALL | OP_CHECK, nr, (uint64_t)(a), (uint64_t)(b_), (uint64_t)(c), 0, 0, 0)

static void add_keep(struct range *k, unsigned *n, uint64_t lo, uint64_t hi)
{
	if (hi > lo) {
		k[*n].lo = lo;
		k[*n].hi = hi;
		(*n)++;
	}
}

/* Ranges one image may take of keep[]: the two images share what the vDSO,
 * stack and hand-off page leave. */
#define KEEP_PER_IMAGE ((MAX_KEEP - 3) / 2)

/*
 * The segments of an image where they are now, adjacent ones merged; with
 * more pieces than that (in any order: PT_LOADs need not be sorted), its
 * whole span instead, holes included - they are free, map.c gave them back.
 */
static void keep_image(struct range *k, unsigned *n, const struct elf_image *im)
{
	uint64_t bias = im->moved ? im->old_bias : im->bias;
	unsigned first = *n;

	for (unsigned i = 0; i < im->nseg; i++) {
		uint64_t lo = bias + im->seg[i].addr, hi = lo + im->seg[i].len;

		if (*n > first && k[*n - 1].hi == lo) {
			k[*n - 1].hi = hi;
		} else if (*n - first < KEEP_PER_IMAGE) {
			add_keep(k, n, lo, hi);
		} else {
			*n = first;
			add_keep(k, n, bias + im->lo, bias + im->hi);
			return;
		}
	}
}

/* munmap() of every gap between the ranges to keep, within [lo, hi). */
static void unmap_all_but(struct oplist *l, struct range *k, unsigned n, uint64_t lo, uint64_t hi)
{
	uint64_t at = lo;

	for (unsigned i = 1; i < n; i++) /* insertion sort: a handful of ranges */
		for (unsigned j = i; j > 0 && k[j].lo < k[j - 1].lo; j--) {
			struct range t = k[j];

			k[j] = k[j - 1];
			k[j - 1] = t;
		}
	for (unsigned i = 0; i < n && at < hi; i++) {
		if (k[i].hi <= at)
			continue;
		if (k[i].lo > at)
			SYSCALL(l, SYS_munmap, at, (k[i].lo < hi ? k[i].lo : hi) - at, 0);
		at = k[i].hi;
	}
	if (at < hi)
		SYSCALL(l, SYS_munmap, at, hi - at, 0);
}

/*
 * Whether the FPU state is reset with XRSTOR: the kernel uses XSAVE when it
 * supports any state beyond x87 and SSE.  Asked of the kernel rather than
 * with CPUID, which traps to the hypervisor in a VM (about 10 us each here).
 */
static int has_xsave(void)
{
	uint64_t features = 0;

	if (sys_call2(SYS_arch_prctl, ARCH_GET_XCOMP_SUPP, &features) < 0)
		return 0;
	return (features & ~3UL) != 0;
}

/* The final file's own name: what /proc/self/fd/N of it points to, minus
 * the directories and a " (deleted)". */
static const char *dentry_name(struct bprm *b)
{
	char link[32];
	char *path = arena_alloc(&b->arena, 4096), *base;
	long n;

	if (!path)
		return b->comm;
	ufmtf(link, sizeof(link), "/proc/self/fd/%d", b->fd);
	n = sys_call4(SYS_readlinkat, AT_FDCWD, link, path, 4095);
	if (n <= 0)
		return b->comm;
	path[n] = 0;
	if (n > 10 && strcmp(path + n - 10, " (deleted)") == 0)
		path[n - 10] = 0;
	base = strrchr(path, '/');
	return base ? base + 1 : path;
}

/*
 * A fresh command started by another uexec finds that one's hand-off page
 * where its own would go, dead since its jump: it holds the hand-off code
 * (the same bytes, position-independent).  Read with process_vm_readv(),
 * which fails where a plain read would fault.
 */
static int old_handoff_page(uint64_t at)
{
	size_t len = (size_t)((uintptr_t)uexec_handoff_end - (uintptr_t)uexec_handoff_start);
	unsigned char code[HO_CODE_MAX];
	struct {
		void *base;
		size_t len;
	} local = {code, len}, remote = {(void *)at, len};

	return sys_call6(SYS_process_vm_readv, sys_call0(SYS_getpid), (long)&local, 1,
			 (long)&remote, 1, 0) == (long)len &&
	       memcmp(code, uexec_handoff_start, len) == 0;
}

/*
 * The command puts the page right above its [stack], when that is in the
 * same 2 MiB as the top of the stack: no page tables of its own to allocate
 * now and to free at the program's exit.  Nothing goes there otherwise (the
 * stack grows down, mmap() allocates below mmap_base); with address
 * randomisation off the stack ends at the top of the address space.
 */
static long map_above_stack(const struct host *h, int fd, int prot)
{
	long p;

	if (h->stack_top + HO_PAGE > ARCH_TASK_SIZE || !(h->stack_top & (ARCH_PMD_SIZE - 1)))
		return -ENOMEM;
	p = sys_mmap(h->stack_top, HO_PAGE, prot, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
	/* the page of the uexec that started this one: taken over */
	if (p == -EEXIST && h->fresh && old_handoff_page(h->stack_top))
		p = sys_mmap(h->stack_top, HO_PAGE, prot, MAP_PRIVATE | MAP_FIXED, fd, 0);
	if (!sys_is_err(p) && (uint64_t)p != h->stack_top) { /* NOREPLACE taken as a hint */
		sys_munmap((uint64_t)p, HO_PAGE);
		p = -EEXIST;
	}
	return p;
}

/*
 * The command's hand-off page: a private, writable copy of a page of
 * uexec_handoff_file (installed with uexec), filled by commit_exec() and
 * then made read-execute (never both writable and executable).  It shows
 * under that file's name in /proc/self/maps, and costs an open and a
 * copy-on-write fault where a memfd costs creating and, at the program's
 * exit, tearing down a whole shmem file (about 10 us in all).  -1 when the
 * file cannot be used: a memfd then.
 */
static int open_handoff_file(void)
{
	struct statx st;
	int fd;

	if (!uexec_handoff_file)
		return -1;
	fd = sys_openat(AT_FDCWD, uexec_handoff_file, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	/* a page past the end of the file would be SIGBUS */
	if (sys_statx(fd, "", AT_EMPTY_PATH, STATX_TYPE | STATX_SIZE, &st) < 0 ||
	    !S_ISREG(st.stx_mode) || st.stx_size < HO_PAGE) {
		sys_close(fd);
		return -1;
	}
	return fd;
}

/*
 * The hand-off page, mapped before the point of no return so that a failure
 * is still an error: the command's file page (above), else from a memfd
 * named "uexec", so that it shows as /memfd:uexec in /proc/self/maps, empty
 * until commit_exec() writes it (the kernel allows mapping past the end of
 * a file).  It must not sit where the late placement will move things: the
 * ranges of avoid[].
 */
static long handoff_place(const struct host *h, const uint64_t *avoid, int fd, int prot)
{
	/* library mode: away from the top of the mmap area, in the stretch a
	 * command started from the program sweeps (self_zone_end()) */
	uint64_t hint = HANDOFF_LIB_HINT;
	long p = -ENOMEM;

	for (int tries = 0; tries < 8; tries++) {
		int clash = 0;

		if (uexec_scratch_hint && tries == 0)
			p = map_above_stack(h, fd, prot);
		if (uexec_scratch_hint && (tries > 0 || sys_is_err(p)))
			p = scratch_mmap(HO_PAGE, prot, MAP_PRIVATE, fd);
		if (!uexec_scratch_hint || (tries > 0 && sys_is_err(p)))
			p = sys_mmap(hint, HO_PAGE, prot, MAP_PRIVATE, fd, 0);
		if (sys_is_err(p))
			break;
		for (const uint64_t *a = avoid; a[1]; a += 2)
			if ((uint64_t)p < a[1] && (uint64_t)p + HO_PAGE > a[0]) {
				clash = 1;
				hint = a[0] - 16 * HO_PAGE;
			}
		if (!clash)
			break;
		sys_munmap((uint64_t)p, HO_PAGE);
		p = -ENOMEM;
	}
	return p;
}

int handoff_map(struct bprm *b, const struct host *h, const uint64_t *avoid)
{
	int fd = open_handoff_file();
	long p;

	if (fd >= 0) {
		p = handoff_place(h, avoid, fd, PROT_READ | PROT_WRITE);
		sys_close(fd); /* the mapping holds the file */
		if (!sys_is_err(p)) {
			/* the copy made now: a file cut short later is no SIGBUS */
			*(volatile unsigned char *)p = 0;
			b->handoff = (uint64_t)p;
			b->handoff_fd = -1;
			return 0;
		}
	}
	fd = sys_memfd_create("uexec", MFD_CLOEXEC);
	if (fd < 0)
		return uexec_fail(-fd, "cannot create the memfd for the hand-off page");
	p = handoff_place(h, avoid, fd, PROT_READ | PROT_EXEC);
	if (sys_is_err(p)) {
		sys_close(fd);
		return uexec_fail((int)-p, "no room for the hand-off page");
	}
	b->handoff = (uint64_t)p;
	b->handoff_fd = fd;
	return 0;
}

/*
 * The file page could not be made read+execute (its file system is mounted
 * noexec, or a security module refuses an executable copy-on-write page):
 * the same bytes go to a memfd mapped at the same address.  Only the
 * command uses the file page, and nothing irreversible has happened yet.
 */
static int handoff_to_memfd(struct bprm *b, const unsigned char *page)
{
	unsigned char *copy = arena_alloc_aligned(&b->arena, HO_PAGE, HO_PAGE);
	int fd;
	long p;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, page, HO_PAGE);
	fd = sys_memfd_create("uexec", MFD_CLOEXEC);
	if (fd < 0)
		return fd;
	if (sys_write(fd, copy, HO_PAGE) != HO_PAGE) {
		sys_close(fd);
		return -EIO;
	}
	sys_munmap(b->handoff, HO_PAGE);
	p = sys_mmap(b->handoff, HO_PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED_NOREPLACE,
		     fd, 0);
	sys_close(fd);
	return sys_is_err(p) || (uint64_t)p != b->handoff ? -EEXIST : 0;
}

void handoff_unmap(struct bprm *b)
{
	if (b->handoff) {
		sys_munmap(b->handoff, HO_PAGE);
		if (b->handoff_fd >= 0)
			sys_close(b->handoff_fd);
		b->handoff = 0;
	}
}

/*
 * Where the command's sweep of its own memory ends: past its scratch area,
 * and past that of any uexec that started this one (and its hand-off page,
 * or the library's: HANDOFF_LIB_HINT), all of it in the terabyte from the
 * command's image where no program is placed.  Nothing else is there in a
 * fresh process (the program's own segments there are kept), and one
 * munmap of the whole stretch costs what one of the scratch area does.
 */
static uint64_t self_zone_end(void)
{
	uint64_t end = (uexec_self_lo & ~(UEXEC_ZONE - 1)) + UEXEC_ZONE;

	return end > uexec_scratch_hint ? end : uexec_scratch_hint;
}

void commit_exec(struct bprm *b, struct host *h)
{
	unsigned char *page;
	struct oplist l;
	struct range keep[MAX_KEEP];
	unsigned nkeep = 0;
	uint64_t ho, *q;
	char comm[16];
	int fd;

	/* --- point of no return: from here a failure kills the process --- */
	if (!h->fresh && reset_process(b) < 0)
		goto fatal;
	ho = b->handoff;
	fd = b->handoff_fd;
	if (fd < 0) {
		/* the private file page: written in place, every byte */
		page = (unsigned char *)ho;
		memset(page, 0, HO_PAGE);
	} else {
		/* page-aligned: only the part in use (well under a page) is touched */
		page = arena_alloc_aligned(&b->arena, HO_PAGE, HO_PAGE);
		if (!page)
			goto fatal;
	}
	memcpy(page, uexec_handoff_start,
	       (size_t)((uintptr_t)uexec_handoff_end - (uintptr_t)uexec_handoff_start));
	q = (uint64_t *)page;
	q[HO_FLAGS / 8] = has_xsave();
	q[HO_SP / 8] = b->sp;
	q[HO_ENTRY / 8] = b->entry;
	q[HO_MXCSR / 8] = 0x1f80;
	*(uint32_t *)(page + HO_XSAVE + 24) = 0x1f80; /* MXCSR in the legacy area */
	l.op = (uint64_t *)(page + HO_OPS);
	l.n = 0;

	op(&l, OP_COPY, 0, b->sp, (uint64_t)b->image, b->gap_lo - b->sp, 0, 0, 0);
	op(&l, OP_ZERO, 0, b->gap_lo, b->gap_hi - b->gap_lo, 0, 0, 0, 0);
	op(&l, OP_COPY, 0, b->gap_hi, (uint64_t)b->image + (b->gap_lo - b->sp),
	   b->stack_top - b->gap_hi, 0, 0, 0);
	/* The images' segments (not their spans: what a hole holds goes), an
	 * image that moves later where it is now, not where it goes. */
	keep_image(keep, &nkeep, &b->exe);
	if (b->has_interp)
		keep_image(keep, &nkeep, &b->interp);
	add_keep(keep, &nkeep, h->vdso_lo, h->vdso_hi);
	add_keep(keep, &nkeep, b->stack_lo, b->stack_top);
	add_keep(keep, &nkeep, ho, ho + HO_PAGE);
	/* The command knows everything it mapped: its image and scratch memory,
	 * from uexec_self_lo up to the scratch area's next free address; the
	 * library sweeps the whole user space (the caller's mappings go). */
	if (h->fresh && uexec_self_lo && uexec_scratch_hint > uexec_self_lo)
		unmap_all_but(&l, keep, nkeep, uexec_self_lo, self_zone_end());
	else
		unmap_all_but(&l, keep, nkeep, 0, ARCH_TASK_SIZE);
	/* Library mode: the interpreter (or static-pie) and the vDSO to the
	 * places the kernel would have given them (plan.c). */
	if (b->vdso_move)
		SYSCALL(&l, SYS_munmap, h->vdso_lo, h->vdso_hi - h->vdso_lo, 0);
	for (unsigned i = 0; i < b->nmove; i++)
		op(&l, OP_SYSCALL | OP_CHECK, SYS_mremap, b->move[i].from, b->move[i].len,
		   b->move[i].len, MREMAP_MAYMOVE | MREMAP_FIXED, b->move[i].to, 0);
	if (b->vdso_move)
		SYSCALL_CHECKED(&l, SYS_arch_prctl, ARCH_MAP_VDSO_64, b->vdso_new, 0);
	/* The stack VMA reaches down to stack_lo, as the kernel's, and no
	 * further.  The command's own stack usually reaches it already (its
	 * arguments were the program's and more) and may reach further: what
	 * lies below is unmapped (the library's sweep above did that; the
	 * command unmaps from below where its own VMA can start).  The clearing
	 * below fails (ENOMEM) when the VMA stops short of stack_lo: then a
	 * read there grows it, and the clearing is done again. */
	if (h->fresh && uexec_self_stack_lo && uexec_self_stack_lo < b->stack_lo)
		SYSCALL(&l, SYS_munmap, uexec_self_stack_lo, b->stack_lo - uexec_self_stack_lo, 0);
	if (PAGE_START(b->sp) > b->stack_lo) {
		SYSCALL(&l, SYS_madvise, b->stack_lo, PAGE_START(b->sp) - b->stack_lo,
			MADV_DONTNEED);
		op(&l, OP_TOUCH | OP_ELSE, 0, b->stack_lo, 0, 0, 0, 0, 0);
		op(&l, OP_SYSCALL | OP_ELSE, SYS_madvise, b->stack_lo,
		   PAGE_START(b->sp) - b->stack_lo, MADV_DONTNEED, 0, 0, 0);
	} else {
		op(&l, OP_TOUCH, 0, b->stack_lo, 0, 0, 0, 0, 0);
	}
	op(&l, OP_ZERO, 0, PAGE_START(b->sp), b->sp - PAGE_START(b->sp), 0, 0, 0, 0);
	if (b->exec_stack)
		SYSCALL_CHECKED(&l, SYS_mprotect, b->stack_lo, b->stack_top - b->stack_lo,
				PROT_READ | PROT_WRITE | PROT_EXEC);
	/* /proc/self/{exe,cmdline,environ,auxv,stat} and brk.  Replacing the
	 * exe link needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE (and the old
	 * executable unmapped, done above); when that is refused the rest is
	 * set without it, which needs no privilege. */
	b->mm.exe_fd = (uint32_t)b->fd;
	memcpy(page + HO_MM_MAP, &b->mm, sizeof(b->mm));
	b->mm.exe_fd = (uint32_t)-1;
	memcpy(page + HO_MM_MAP_NOEXE, &b->mm, sizeof(b->mm));
	op(&l, OP_SYSCALL, SYS_prctl, PR_SET_MM, PR_SET_MM_MAP, ho + HO_MM_MAP, sizeof(b->mm), 0,
	   0);
	op(&l, OP_SYSCALL | OP_ELSE, SYS_prctl, PR_SET_MM, PR_SET_MM_MAP, ho + HO_MM_MAP_NOEXE,
	   sizeof(b->mm), 0, 0);
	SYSCALL(&l, SYS_close, b->fd, 0, 0);
	/* the memfd of an image from memory: close-on-exec, which the command's
	 * fresh process does not sweep for (reset_process() does) */
	if (h->fresh && b->complete_image)
		SYSCALL(&l, SYS_close, h->image_fd, 0, 0);
	/* the command's --error-fd: open until nothing can fail any more */
	if (h->fresh && h->close_fd >= 0)
		SYSCALL(&l, SYS_close, h->close_fd, 0, 0);
	/* fs and gs base 0: the command (no libc, no TLS) never set them */
	if (!h->fresh) {
		SYSCALL(&l, SYS_arch_prctl, ARCH_SET_FS, 0, 0);
		SYSCALL(&l, SYS_arch_prctl, ARCH_SET_GS, 0, 0);
	}
	/* library mode: the program's capabilities, now that the exe is set
	 * (creds.c) */
	if (!h->fresh && b->creds.final_caps) {
		cap_fill((struct exec_capset *)(page + HO_CAPSET), b->creds.np, b->creds.ne,
			 b->creds.i);
		SYSCALL_CHECKED(&l, SYS_capset, ho + HO_CAPSET, ho + HO_CAPSET + 8, 0);
	}
	op(&l, OP_END, 0, 0, 0, 0, 0, 0, 0);

	if (fd < 0) {
		if (sys_call3(SYS_mprotect, ho, HO_PAGE, PROT_READ | PROT_EXEC) != 0 &&
		    handoff_to_memfd(b, page) != 0)
			goto fatal;
	} else {
		if (sys_write(fd, page, HO_PAGE) != HO_PAGE)
			goto fatal;
		sys_close(fd);
	}

	/* comm: the basename of the path given, 15 characters at most. */
	ufmtf(comm, sizeof(comm), "%s", b->comm_from_dentry ? dentry_name(b) : b->comm);
	sys_prctl(PR_SET_NAME, (unsigned long)comm, 0, 0, 0);
	if (b->has_interp)
		sys_close(b->interp.fd);

	((void (*)(void))ho)();
fatal:
	/* The kernel's answer to a failure past the point of no return. */
	__asm__ volatile("hlt");
	__builtin_unreachable();
}
