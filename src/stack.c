/*
 * Stage 4 — the initial stack, byte for byte as create_elf_tables() and
 * copy_strings() leave it (top down): an 8-byte zero word, the execfn
 * string, the environment strings, the argument strings, a random gap
 * (arch_align_stack), the platform string, 16 random bytes, padding, the
 * auxv, envp, argv and argc at a 16-byte aligned %rsp.  The image is built
 * in scratch memory; commit.c copies it to the top of the real [stack].
 */
#include <errno.h>
#include <sys/resource.h>
#include "arch/x86_64/arch.h"
#include "bprm.h"
#include "sys.h"

#define MAX_ARG_STRLEN (32 * PAGE_SIZE) /* one string, NUL included */
#define ARG_MAX_FLOOR  (32 * PAGE_SIZE) /* ARG_MAX: the limit never goes below it */
#define STACK_EXPAND   (128UL << 10)	/* setup_arg_pages() pre-expands by 128 KiB */

static const char *arg_at(const struct bprm *b, int i)
{
	return b->argv[i];
}

/* bprm_stack_limits() and copy_strings(): E2BIG like the kernel. */
static int strings_size(struct bprm *b, uint64_t rlim, uint64_t *total)
{
	uint64_t limit = ARCH_STK_LIM / 4 * 3, sum = strlen(b->filename) + 1, ptrs;

	if (rlim / 4 < limit)
		limit = rlim / 4;
	if (limit < ARG_MAX_FLOOR)
		limit = ARG_MAX_FLOOR;
	ptrs = (uint64_t)(b->argc + b->envc) * sizeof(void *);
	if (limit <= ptrs)
		return uexec_fail(E2BIG,
				  "%d arguments and %d environment strings exceed the "
				  "limit of %lu bytes (RLIMIT_STACK/4)",
				  b->argc, b->envc, (unsigned long)limit);
	limit -= ptrs;
	for (int i = 0; i < b->envc + b->argc; i++) {
		const char *s = i < b->envc ? b->envp[i] : arg_at(b, i - b->envc);
		uint64_t len = strlen(s) + 1;

		if (len > MAX_ARG_STRLEN)
			return uexec_fail(E2BIG, "%s %d is %lu bytes, over MAX_ARG_STRLEN (%lu)",
					  i < b->envc ? "environment string" : "argument",
					  i < b->envc ? i : i - b->envc, (unsigned long)len,
					  MAX_ARG_STRLEN);
		sum += len;
	}
	if (sum > limit)
		return uexec_fail(E2BIG,
				  "arguments and environment take %lu bytes, over the "
				  "limit of %lu (RLIMIT_STACK/4)",
				  (unsigned long)sum, (unsigned long)limit);
	*total = sum;
	return 0;
}

static uint64_t put_str(unsigned char *img, uint64_t img_lo, uint64_t at, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(img + (at - img_lo), s, n);
	return at + n;
}

/* The auxv the running kernel gives, in its order, with this program's values. */
static void make_auxv(struct bprm *b, const struct host *h, uint64_t u_rand, uint64_t u_plat,
		      uint64_t u_execfn)
{
	unsigned n = 0;

	for (const uint64_t *a = h->auxv; a[0] != AT_NULL && n < MAX_AUXV - 1; a += 2) {
		uint64_t v = a[1];

		switch (a[0]) {
		case AT_SYSINFO_EHDR:
			v = b->vdso;
			break;
		case AT_PHDR:
			v = b->exe.phdr_addr;
			break;
		case AT_PHENT:
			v = sizeof(Elf64_Phdr);
			break;
		case AT_PHNUM:
			v = b->exe.eh.e_phnum;
			break;
		case AT_BASE:
			v = b->has_interp ? b->interp.bias : 0;
			break;
		case AT_FLAGS:
			v = b->preserve_argv0 ? 1 /* AT_FLAGS_PRESERVE_ARGV0 */ : 0;
			break;
		case AT_ENTRY:
			v = b->exe.entry;
			break;
		/* Set-id bits are never honoured, so these follow the caller's
		 * credentials: in the command's fresh process the kernel's own
		 * values (AT_SECURE included: ruid != euid, capabilities); a
		 * library caller's are those its program gets (creds.c). */
		case AT_UID:
			if (!h->fresh)
				v = b->creds.ruid;
			break;
		case AT_EUID:
			if (!h->fresh)
				v = b->creds.new_euid;
			break;
		case AT_GID:
			if (!h->fresh)
				v = b->creds.rgid;
			break;
		case AT_EGID:
			if (!h->fresh)
				v = b->creds.new_egid;
			break;
		case AT_SECURE:
			if (!h->fresh)
				v = (uint64_t)b->creds.secureexec;
			break;
		case AT_RANDOM:
			v = u_rand;
			break;
		case AT_EXECFN:
			v = u_execfn;
			break;
		case AT_PLATFORM:
			v = u_plat;
			break;
		case AT_EXECFD:
			continue; /* binfmt_misc only */
		}
		b->auxv[2 * n] = a[0];
		b->auxv[2 * n + 1] = v;
		n++;
		/* create_elf_tables(): AT_EXECFD right after AT_PLATFORM */
		if (a[0] == AT_PLATFORM && b->have_execfd && n < MAX_AUXV - 1) {
			b->auxv[2 * n] = AT_EXECFD;
			b->auxv[2 * n + 1] = (uint64_t)b->execfd;
			n++;
		}
	}
	b->auxv[2 * n] = AT_NULL;
	b->auxv[2 * n + 1] = 0;
	b->nauxv = n + 1;
}

int build_stack(struct bprm *b, struct host *h)
{
	uint64_t top = h->stack_top, total = 0, p, strings_lo, sp, u_plat, u_rand, u_execfn, at;
	uint64_t items, rlim_stack, vm_lo;
	unsigned char *img, *upper;
	uint64_t *w;
	int r;

	rlim_stack = b->rlim_stack; /* read before anything was mapped (exec.c) */
	r = strings_size(b, rlim_stack, &total);
	if (r)
		return r;

	p = top - sizeof(uint64_t); /* the zero word at the very top */
	strings_lo = p - total;
	p = strings_lo;
	if (b->randomize)
		p -= urandom_u64() % ARCH_STACK_ALIGN_RND;
	p &= ~15UL;
	u_plat = p - sizeof(ARCH_PLATFORM);
	u_rand = u_plat - 16;
	u_execfn = top - sizeof(uint64_t) - (strlen(b->filename) + 1);

	make_auxv(b, h, u_rand, u_plat, u_execfn);
	items = (uint64_t)(b->argc + 1) + (b->envc + 1) + 1;
	sp = u_rand - b->nauxv * 2 * sizeof(uint64_t);
	sp = (sp - items * sizeof(uint64_t)) & ~15UL;

	/* setup_arg_pages(): the VMA reaches 128 KiB below the strings' page. */
	vm_lo = PAGE_START(strings_lo);
	if (top - vm_lo + STACK_EXPAND > (rlim_stack & ~(PAGE_SIZE - 1)))
		vm_lo = top - (rlim_stack & ~(PAGE_SIZE - 1));
	else
		vm_lo -= STACK_EXPAND;
	if (sp < vm_lo || sp < PAGE_SIZE)
		return uexec_fail(E2BIG, "the initial stack (%lu bytes) does not fit RLIMIT_STACK",
				  (unsigned long)(top - sp));

	/* Between the platform string and the strings lies the random gap: zero,
	 * cleared in place by the hand-off.  The image holds the two sides of
	 * it back to back ([sp, gap_lo) then [gap_hi, top)): at most 8 KiB less
	 * scratch memory to touch, each page of which costs a fault. */
	b->gap_lo = u_plat + sizeof(ARCH_PLATFORM);
	b->gap_hi = strings_lo;
	img = arena_alloc(&b->arena, (b->gap_lo - sp) + (top - b->gap_hi));
	if (!img)
		return uexec_fail(ENOMEM, "out of scratch memory for the stack image");
	/* fresh arena memory is zero: padding and the top word need no clearing */
	b->image = img;
	b->sp = sp;
	b->stack_top = top;
	b->stack_lo = vm_lo;

	/* strings, ascending: argv, envp, execfn (above the gap) */
	upper = img + (b->gap_lo - sp);
	w = (uint64_t *)img;
	w[0] = (uint64_t)b->argc;
	at = strings_lo;
	for (int i = 0; i < b->argc; i++) {
		w[1 + i] = at;
		at = put_str(upper, strings_lo, at, arg_at(b, i));
	}
	w[1 + b->argc] = 0;
	for (int i = 0; i < b->envc; i++) {
		w[2 + b->argc + i] = at;
		at = put_str(upper, strings_lo, at, b->envp[i]);
	}
	w[2 + b->argc + b->envc] = 0;
	b->mm.arg_start = strings_lo;
	b->mm.arg_end = b->envc ? w[2 + b->argc] : at;
	b->mm.env_start = b->mm.arg_end;
	b->mm.env_end = at;
	b->mm.start_stack = sp;
	put_str(upper, strings_lo, at, b->filename);
	memcpy(img + (u_plat - sp), ARCH_PLATFORM, sizeof(ARCH_PLATFORM));
	if (urandom_bytes(img + (u_rand - sp), 16))
		return uexec_fail(EIO, "cannot get 16 random bytes for AT_RANDOM");
	memcpy(&w[3 + b->argc + b->envc], b->auxv, b->nauxv * 2 * sizeof(uint64_t));
	b->mm.auxv = (__u64 *)(sp + (3 + (uint64_t)b->argc + b->envc) * 8);
	b->mm.auxv_size = b->nauxv * 2 * sizeof(uint64_t);
	return 0;
}
