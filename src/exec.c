/*
 * The pipeline, in the kernel's order: open, identify (which parses and
 * plans), map, build the stack, commit.  Every failure before the commit
 * undoes what was done, so the caller keeps running unchanged.
 */
#include <errno.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include "arch/x86_64/arch.h"
#include "bprm.h"
#include "exec.h"
#include "sys.h"
#include "arch/x86_64/handoff.h"

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int count(char *const *v, uint64_t *bytes)
{
	int n = 0;

	if (!v)
		return 0;
	for (; v[n]; n++)
		*bytes += strlen(v[n]) + 1;
	return n;
}

/* A private, writable argv: argv0 applied, and { "" } for an empty one (the
 * kernel's answer to a NULL argv), so "#!" handlers can splice it. */
static int setup_argv(struct bprm *b, char *const argv[], int argc, const char *argv0)
{
	char **v = arena_alloc(&b->arena, (size_t)(argc + 2) * sizeof(char *));

	if (!v)
		return uexec_fail(ENOMEM, "out of scratch memory for argv");
	for (int i = 0; i < argc; i++)
		v[i] = argv[i];
	if (argc == 0)
		v[argc++] = "";
	if (argv0)
		v[0] = (char *)argv0;
	v[argc] = NULL;
	b->argv = v;
	b->argc = argc;
	return 0;
}

static void undo(struct bprm *b)
{
	handoff_unmap(b);
	if (b->have_execfd)
		sys_close(b->execfd);
	unmap_image(&b->exe);
	if (b->has_interp) {
		unmap_image(&b->interp);
		sys_close(b->interp.fd);
	}
}

/*
 * One arena holds everything, touched only as used: the state; for the
 * program and its interpreter the program headers, their segment plans and
 * PT_INTERP; "#!" levels; the stack image; the hand-off page.
 */
static int bprm_alloc(struct bprm **bp, uint64_t bytes, int nstrings)
{
	struct arena arena;
	struct bprm *b;
	int r;

	r = arena_init(&arena, sizeof(*b) +
				   2 * (MAX_PHDR_BYTES + 2 * (MAX_PHDR_BYTES / sizeof(Elf64_Phdr)) *
							     sizeof(struct seg_map)) +
				   MAX_INTERP_PATH + 6 * (2 * BINPRM_BUF_SIZE + 64) + 2 * bytes +
				   (uint64_t)(nstrings + 16) * 8 + 64 * 1024 + HO_PAGE);
	if (r)
		return r;
	b = arena_alloc(&arena, sizeof(*b)); /* fresh anonymous memory: zero */
	b->arena = arena;
	b->exe.fd = b->interp.fd = -1;
	*bp = b;
	return 0;
}

/* Stages 1-4 on the file open on fd, as a dry run: identify, parse and plan,
 * opening no interpreter and mapping nothing.  For the fuzzers and the
 * sanitizer build (show NULL), and for --plan of a file that is not run
 * (--summary, another architecture's ELF, --page-size): show is called
 * with the plan, and an ELF64 of any e_machine is read.  fd stays open. */
int uexec_dry_run_fd(int fd, const char *name, int (*show)(struct bprm *b, void *ctx), void *ctx)
{
	char *argv[] = {(char *)name, NULL}, *envp[] = {NULL};
	struct statx st;
	struct bprm *b;
	struct arena arena;
	int r;

	uexec_clear_error();
	r = bprm_alloc(&b, strlen(name) + 1, 1);
	if (r)
		return r;
	arena = b->arena;
	b->dry_run = 1;
	b->any_machine = show != NULL;
	b->filename = b->interp_name = name;
	b->envp = envp;
	b->fd = fd;
	r = sys_statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &st);
	if (r < 0) {
		r = uexec_fail(-r, "cannot stat the file");
		goto out;
	}
	b->file_size = st.stx_size;
	r = setup_argv(b, argv, 1, NULL);
	if (r == 0)
		r = search_binary_handler(b);
	if (r == 0)
		plan_mm(b);
	if (r == 0 && show)
		r = show(b, ctx);
out:
	arena_release(&arena);
	return r;
}

int uexec_check_fd(int fd, const char *name)
{
	return uexec_dry_run_fd(fd, name, NULL, NULL);
}

/* The vDSO out of the way of an image at the top of the mmap area. */
static int park_vdso(struct bprm *b, struct host *h)
{
	int r = host_vdso_park(h);

	/* the vDSO was the first thing the kernel put below mmap_base; in the
	 * bottom-up layout the allocator finds the image's place itself */
	b->mmap_top = !r && h->vdso_parked && h->fresh && !b->legacy ? h->vdso_hi : 0;
	return r;
}

/*
 * The legacy layout (setarch -L, vm.legacy_va_layout): mmap() allocates
 * bottom-up from mmap_legacy_base(), a third of the address space plus the
 * random offset, so the kernel maps an interpreter or static-pie there and
 * the vDSO right above it.  uexec's own vDSO sits at its base: below any
 * top-down mmap_base the kernel gives (it is at least 16 TiB higher).
 */
static int legacy_layout(const struct host *h, unsigned pers, uint64_t base_max)
{
	return (pers & ADDR_COMPAT_LAYOUT) || (h->vdso_hi && h->vdso_hi + (1UL << 44) < base_max);
}

/*
 * Maps the program and its interpreter.  Only an interpreter or a
 * static-pie goes to the top of the mmap area, where the kernel maps it
 * before the vDSO, which ends up right below it.  In the command's fresh
 * process the vDSO is the only thing in that area, ending at uexec's own
 * mmap_base; the kernel picks mmap_base at random, and a base one span
 * higher is as likely a pick (unless it would be above the highest the
 * kernel gives: then, and with no randomisation, the exact one is needed).
 * With that base the image goes right above the vDSO, and the vDSO is
 * where the kernel would have put it: it stays.  The bottom-up layout the
 * same way mirrored: a base one span lower, the image right below the
 * vDSO.  Otherwise the vDSO is unmapped first and mapped again next to the
 * image afterwards (host_vdso_place()).
 */
static int map_images(struct bprm *b, struct host *h, unsigned pers)
{
	struct elf_image *top = top_image(b);
	uint64_t span = top ? top->hi - top->lo : 0;
	/* a vDSO above [stack] stays there, out of the images' way (host.c) */
	int vdso_here = h->move_vdso && !h->vdso_above_stack;
	int fits = top && vdso_here && h->fresh && b->randomize && top->align <= PAGE_SIZE &&
		   span && span < ARCH_PMD_SIZE && h->vdso_hi;
	uint64_t base_max = mmap_base_max(b->rlim_stack, b->randomize);
	int r = 0;

	b->legacy = top && h->move_vdso && h->fresh && legacy_layout(h, pers, base_max);
	if (fits && !b->legacy && h->vdso_hi + span <= base_max) {
		b->mmap_top = h->vdso_hi + span;
		b->vdso_stays = 1;
	} else if (fits && b->legacy && (r = host_vdso_exact(h)) == 0 &&
		   h->vdso_lo >= ARCH_LEGACY_BASE + span) {
		/* mirrored: a base one span lower, the image right below the
		 * vDSO, which is then right above it */
		b->mmap_top = h->vdso_lo;
		b->vdso_stays = 1;
	} else if (r == 0 && vdso_here && top) {
		r = park_vdso(b, h);
	}
	if (r == 0)
		r = map_image(b, &b->exe);
	if (r == 0 && b->has_interp)
		r = map_image(b, &b->interp);
	if (r == -EEXIST && b->vdso_stays) {
		/* something right next to the vDSO (map.c gave up at once): the
		 * usual way after all, for the image at the top */
		b->vdso_stays = 0;
		uexec_clear_error();
		r = park_vdso(b, h);
		if (r == 0)
			r = map_image(b, top);
	}
	if (r == 0 && b->legacy && !b->vdso_stays)
		top->area_top = 0; /* the vDSO's place: the allocator's, above it */
	return r;
}

/*
 * bprm->filename of execveat(): the path as given when it is absolute or
 * relative to the cwd, else /dev/fd/N or /dev/fd/N/path; a script run that
 * way through a close-on-exec N could not be opened by its interpreter.
 * comm is the basename of that name (for /dev/fd/N, see commit.c).
 */
static int name_the_file(struct bprm *b, int dirfd, const char *path)
{
	char *name;

	if (dirfd == AT_FDCWD || path[0] == '/') {
		b->filename = path;
		b->comm = base_name(path);
		return 0;
	}
	name = arena_alloc(&b->arena, strlen(path) + 32);
	if (!name)
		return uexec_fail(ENOMEM, "out of scratch memory");
	if (*path)
		ufmtf(name, strlen(path) + 32, "/dev/fd/%d/%s", dirfd, path);
	else
		ufmtf(name, 32, "/dev/fd/%d", dirfd);
	b->filename = name;
	b->comm = base_name(name);
	b->path_inaccessible = (sys_call2(SYS_fcntl, dirfd, F_GETFD) & FD_CLOEXEC) != 0;
	/* execveat(fd, "", AT_EMPTY_PATH): comm is the name of the file finally
	 * run (for a script, its interpreter's), set from its descriptor at the
	 * commit. */
	b->comm_from_dentry = !*path;
	return 0;
}

int uexec_exec_at(int dirfd, const char *path, int at_flags, char *const argv[], char *const envp[],
		  const char *argv0)
{
	struct host *h = &uexec_host;
	struct arena arena;
	struct bprm *b = NULL;
	uint64_t bytes;
	int argc, envc, r, pers;

	if (!path)
		return uexec_fail(EFAULT, "path is NULL");
	bytes = strlen(path) + 32;
	argc = count(argv, &bytes);
	envc = count(envp, &bytes);
	uexec_clear_error();
	urandom_reset();
	if (!h->stack_top || !h->fresh) {
		r = host_init(h);
		if (r)
			return r;
	}
	r = bprm_alloc(&b, bytes, argc + envc);
	if (r)
		return r;
	arena = b->arena;
	b->envp = envp;
	b->envc = envc;
	r = name_the_file(b, dirfd, path);
	if (r)
		goto out;
	b->interp_name = b->filename;
	r = setup_argv(b, argv, argc, argv0);
	if (r)
		goto out;
	if (!h->fresh) {
		r = prepare_reset(b);
		if (r)
			goto out;
	}
	pers = sys_personality(0xffffffff);
	b->va_space = h->va_space >= 0 ? (unsigned)h->va_space
				       : read_sysctl("/proc/sys/kernel/randomize_va_space", 2);
	b->randomize = !(pers & ADDR_NO_RANDOMIZE) && b->va_space != 0;

	{
		struct rlimit rl;

		b->rlim_stack = sys_getrlimit(RLIMIT_STACK, &rl) ? ARCH_STK_LIM : rl.rlim_cur;
		/* a secure exec caps it (begin_new_exec()) */
		if (b->creds.secureexec && b->rlim_stack > ARCH_STK_LIM)
			b->rlim_stack = ARCH_STK_LIM;
	}
	r = open_exec_at(dirfd, path, at_flags, &b->fd, &b->file_size);
	if (r)
		goto out;
	b->complete_image = h->complete_image;
	b->may_displace = 1;
	b->map_each = h->fresh;
	r = search_binary_handler(b);
	if (r)
		goto out_undo;
	r = map_images(b, h, (unsigned)pers);
	if (r)
		goto out_undo;
	b->entry = b->has_interp ? b->interp.entry : b->exe.entry;
	if (b->entry >= ARCH_TASK_SIZE) {
		r = uexec_fail(b->has_interp ? ELIBBAD : ENOEXEC,
			       "%se_entry %#lx is beyond the user address space",
			       b->has_interp ? "interpreter: " : "", (unsigned long)b->entry);
		goto out_undo;
	}
	r = host_vdso_place(h, &b->vdso, top_image(b));
	if (r)
		goto out_undo;
	{
		uint64_t avoid[8] = {0};

		if (!h->fresh || b->exe.displaced || b->interp.displaced) {
			r = host_vdso_exact(h);
			if (r == 0)
				r = plan_late_placement(b, h, avoid, !h->fresh);
			if (r)
				goto out_undo;
			if (b->vdso_move && b->vdso_sealed) {
				r = uexec_fail(EPERM,
					       "the vDSO is sealed (mseal) and would have to "
					       "move to where execve puts it");
				goto out_undo;
			}
			if (b->vdso_move)
				b->vdso = b->vdso_new + h->vdso_text;
		}
		r = handoff_map(b, h, avoid);
		if (r)
			goto out_undo;
	}
	plan_mm(b);
	r = build_stack(b, h);
	if (r)
		goto out_undo;
	if (h->plan) { /* --plan: shown instead of run */
		r = h->plan(b, h);
		/* undone where mapped, not where the hand-off would move them */
		if (b->exe.moved)
			b->exe.bias = b->exe.old_bias;
		if (b->interp.moved)
			b->interp.bias = b->interp.old_bias;
		goto out_undo;
	}
	if (pers & READ_IMPLIES_EXEC) /* set_personality_64bit() clears it */
		sys_personality((unsigned)pers & ~READ_IMPLIES_EXEC);
	commit_exec(b, h);

out_undo:
	undo(b);
	sys_close(b->fd);
out:
	arena_release(&arena);
	return r;
}

int uexec_exec_path(const char *path, char *const argv[], char *const envp[], const char *argv0)
{
	return uexec_exec_at(AT_FDCWD, path, 0, argv, envp, argv0);
}

/*
 * A program held in memory: written to a memfd, then run like fexecve() of
 * it (AT_EXECFN /dev/fd/N, its PT_INTERP from the file system).  Every
 * segment must lie inside the image: a short one is an error here, where a
 * file would only fault later.
 */
int uexec_exec_mem(const void *image, size_t size, char *const argv[], char *const envp[],
		   const char *argv0)
{
	int fd = sys_memfd_create("uexec-image", MFD_CLOEXEC), r;
	size_t done = 0;

	uexec_clear_error();
	if (fd < 0)
		return uexec_fail(-fd, "cannot create a memfd for the image");
	while (done < size) {
		long n = sys_write(fd, (const char *)image + done, size - done);

		if (n <= 0) {
			sys_close(fd);
			return uexec_fail(n < 0 ? (int)-n : EIO,
					  "cannot copy the image to a memfd");
		}
		done += (size_t)n;
	}
	uexec_host.complete_image = 1;
	uexec_host.image_fd = fd;
	r = uexec_exec_at(fd, "", AT_EMPTY_PATH, argv, envp, argv0);
	uexec_host.complete_image = 0;
	sys_close(fd);
	return r;
}
