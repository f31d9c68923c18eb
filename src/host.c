/*
 * What the loader needs to know about the process it runs in: its auxv (the
 * running kernel's entries and arch values, in the kernel's order), the top
 * of its [stack] (the kernel's randomised stack is re-used for the program),
 * and where the vDSO and its data pages are.
 *
 * The mmap area must end up in the kernel's order: interpreter (or
 * static-pie) at the top, the vDSO right below it.  The command usually
 * places the image right above the vDSO (exec.c, map_images()); otherwise
 * the vDSO is taken away before the image is mapped and mapped again
 * afterwards (ARCH_MAP_VDSO_64) where the kernel's allocator puts it.
 *
 * Kernels before the vDSO moved into the mmap area (x86-64 6.1 and older) ask
 * for a random place between the program's stack pointer and the end of
 * its 2 MiB: whenever that is free (above [stack]) the vDSO goes there, and
 * only otherwise (always under setarch -R) to the mmap area.  Which rule the
 * running kernel follows shows in this process: a vDSO above [stack] is
 * where that kernel would put the program's (the same stack top, the same
 * 2 MiB), so it stays, and the images go where the allocator puts them
 * (vdso_above_stack).
 */
#include <elf.h>
#include <errno.h>
#include <asm/prctl.h>
#include "arch/x86_64/arch.h"
#include "bprm.h"
#include "sys.h"

struct host uexec_host;

#define PR_GET_AUXV_ 0x41555856 /* <linux/prctl.h> of Linux 6.4 */

/* Library mode only: its own section, which the command's linker script
 * (cli/uexec.ld) keeps off the page its variables share with its arena. */
static uint64_t auxv_buf[2 * 64] __attribute__((section(".bss.uexec_lib")));

/* One line of /proc/self/maps: the vDSO block, and the top of the mmap area. */
static void map_line(struct host *h, const char *s, const char *end)
{
	const char *name = end;
	uint64_t lo, hi;

	lo = parse_hex(&s);
	s++;
	hi = parse_hex(&s);
	while (name > s && name[-1] != ' ')
		name--;
	if (end - name >= 5 && name[0] == '[' && name[1] == 'v' &&
	    (memcmp(name, "[vdso]", 6) == 0 || memcmp(name, "[vvar", 5) == 0)) {
		if (memcmp(name, "[vdso]", 6) == 0)
			h->vdso_text = lo;
		if (!h->vdso_lo)
			h->vdso_lo = lo;
		h->vdso_hi = hi;
	}
	/* The kernel keeps at least 128 MiB between the stack and mmap_base;
	 * the highest mapping below that ends at mmap_base (the caller's
	 * interpreter or vDSO was the first thing mapped top-down there). */
	if (hi <= h->stack_top - ARCH_MMAP_GAP_MIN && hi > h->mmap_top)
		h->mmap_top = hi;
}

/*
 * Library mode: the vDSO's mappings and the top of the mmap area from
 * /proc/self/maps, read in chunks (a caller may have thousands of lines).
 */
static void maps_line(const char *s, const char *end, void *h)
{
	map_line(h, s, end);
}

static int scan_maps(struct host *h)
{
	int r;

	h->vdso_lo = h->vdso_hi = h->vdso_text = h->mmap_top = 0;
	r = each_line("/proc/self/maps", maps_line, h);
	if (r < 0)
		return uexec_fail(-r, "cannot read /proc/self/maps");
	if (h->vdso_lo)
		h->vdso_text -= h->vdso_lo;
	h->vdso_above_stack = h->vdso_lo && h->vdso_lo >= h->stack_top;
	h->vdso_exact = 1;
	h->can_move_vdso = sys_call2(SYS_arch_prctl, ARCH_MAP_VDSO_64, 0) == -EEXIST;
	return 0;
}

static int find_vdso(struct host *h);

static uint64_t auxv_get(const uint64_t *a, uint64_t key)
{
	for (; a[0] != AT_NULL; a += 2)
		if (a[0] == key)
			return a[1];
	return 0;
}

int host_init(struct host *h)
{
	const char *execfn;
	int r;

	if (h->stack_top && !h->fresh)
		return scan_maps(h); /* library mode: the caller's mappings change */
	if (!h->auxv) {
		size_t len;
		/* PR_GET_AUXV (Linux 6.4): no /proc, which a process made
		 * non-dumpable (by a setuid(), say) cannot read its auxv from */
		long n =
		    sys_prctl(PR_GET_AUXV_, (unsigned long)auxv_buf, sizeof(auxv_buf) - 16, 0, 0);

		if (n > 0 && (size_t)n <= sizeof(auxv_buf) - 16) {
			len = (size_t)n;
		} else {
			r = read_file("/proc/self/auxv", (char *)auxv_buf, sizeof(auxv_buf) - 16,
				      &len);
			if (r)
				return uexec_fail(-r, "cannot read /proc/self/auxv");
		}
		memset((char *)auxv_buf + len, 0, 16);
		h->auxv = auxv_buf;
	}
	/* bprm->p starts one word below the end of the stack VMA and the
	 * execfn string is the first thing copied below it. */
	execfn = (const char *)auxv_get(h->auxv, AT_EXECFN);
	if (!execfn)
		return uexec_fail(EINVAL, "the process has no AT_EXECFN to find its stack");
	h->stack_top = (uint64_t)execfn + strlen(execfn) + 1 + sizeof(uint64_t);
	if (PAGE_OFFSET(h->stack_top))
		return uexec_fail(EINVAL, "the top of the stack (%#lx) is not where AT_EXECFN says",
				  (unsigned long)h->stack_top);
	if (h->move_vdso)
		return find_vdso(h);
	h->va_space = -1;
	return scan_maps(h);
}

/*
 * Command mode: the vDSO text and its data pages ([vvar], [vvar_vclock])
 * without reading /proc/self/maps.  Where the text ends is all the usual
 * start needs (the program's interpreter goes right above it, exec.c): its
 * own ELF headers say, read in place - a page fault the program's
 * dynamic loader would take anyway, reading them too.  Where the data
 * pages start only matters when the vDSO moves: host_vdso_exact() finds
 * it then.
 */
#define VVAR_GUESS	6
#define VDSO_TEXT_GUESS 2

/* Whether all of [addr, addr + pages) is mapped. */
static int mapped(uint64_t addr, unsigned pages)
{
	unsigned char v[16];

	return sys_call3(SYS_mincore, addr, pages * PAGE_SIZE, v) == 0;
}

/* The vDSO text's size: up to the first page mincore() finds unmapped
 * (nothing is mapped right above it in a freshly exec'd process). */
static uint64_t vdso_text_size(uint64_t ehdr)
{
	unsigned n = 1;

	while (n < 64 && mapped(ehdr + n * PAGE_SIZE, 1)) /* x86-64's: 2 pages */
		n++;
	return n * PAGE_SIZE;
}

/*
 * The kernel maps the vDSO image whole, rounded up to pages: at least its
 * PT_LOAD, and its section headers, which end the file.  Never more than
 * that: a short answer only makes an interpreter placed above it collide
 * (EEXIST, and the careful way is taken).  0 if the header looks wrong.
 */
static uint64_t vdso_elf_size(uint64_t ehdr)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)ehdr;
	uint64_t end = 0;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_phnum == 0 || eh->e_phnum > 16 || eh->e_phoff > PAGE_SIZE)
		return 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(ehdr + eh->e_phoff) + i;

		if (ph->p_type == PT_LOAD && ph->p_offset + ph->p_filesz > end)
			end = ph->p_offset + ph->p_filesz;
	}
	if (eh->e_shoff && eh->e_shentsize == sizeof(Elf64_Shdr) && eh->e_shnum < 256 &&
	    eh->e_shoff + eh->e_shnum * sizeof(Elf64_Shdr) > end)
		end = eh->e_shoff + eh->e_shnum * sizeof(Elf64_Shdr);
	return end && end < (64UL << 12) ? PAGE_ALIGN(end) : 0;
}

/* Where [vvar*] starts and [vdso] ends, exactly: six data pages and two of
 * text on current kernels, which three probes confirm (all mapped, nothing
 * right below or above); the text's size is probed for otherwise, and
 * /proc/self/maps read when the data pages are not six. */
int host_vdso_exact(struct host *h)
{
	uint64_t ehdr = h->vdso_lo + h->vdso_text, lo;

	if (!h->vdso_hi || h->vdso_exact)
		return 0;
	h->vdso_exact = 1;
	lo = ehdr - VVAR_GUESS * PAGE_SIZE;
	h->vdso_lo = lo;
	h->vdso_text = ehdr - lo;
	if (mapped(lo, VVAR_GUESS + VDSO_TEXT_GUESS) && !mapped(lo - PAGE_SIZE, 1) &&
	    !mapped(ehdr + VDSO_TEXT_GUESS * PAGE_SIZE, 1)) {
		h->vdso_hi = ehdr + VDSO_TEXT_GUESS * PAGE_SIZE;
		return 0;
	}
	if (!mapped(lo, VVAR_GUESS) || mapped(lo - PAGE_SIZE, 1))
		return scan_maps(h); /* another kernel, or something right below */
	h->vdso_hi = ehdr + vdso_text_size(ehdr);
	return 0;
}

static int find_vdso(struct host *h)
{
	uint64_t ehdr = auxv_get(h->auxv, AT_SYSINFO_EHDR), size;

	if (!ehdr)
		return 0; /* booted with vdso=0: nothing to keep or move */
	h->vdso_above_stack = ehdr >= h->stack_top;
	/* provisional: the data pages are guessed (host_vdso_exact()) */
	h->vdso_lo = ehdr - VVAR_GUESS * PAGE_SIZE;
	h->vdso_text = VVAR_GUESS * PAGE_SIZE;
	size = vdso_elf_size(ehdr);
	if (size) {
		h->vdso_hi = ehdr + size;
		return 0;
	}
	h->vdso_hi = ehdr + VDSO_TEXT_GUESS * PAGE_SIZE;
	return host_vdso_exact(h);
}

/*
 * An interpreter or a static-pie is mapped at the top of the mmap area and
 * the vDSO below it; in uexec's process the vDSO holds that place, so it is
 * unmapped first and mapped again afterwards.
 */
int host_vdso_park(struct host *h)
{
	int r;

	/* ARCH_MAP_VDSO_64 exists (CONFIG_CHECKPOINT_RESTORE) when it refuses a
	 * second vDSO with EEXIST; without it the vDSO stays where it is. */
	h->can_move_vdso = h->vdso_hi && sys_call2(SYS_arch_prctl, ARCH_MAP_VDSO_64, 0) == -EEXIST;
	if (!h->can_move_vdso)
		return 0;
	r = host_vdso_exact(h);
	if (r)
		return r;
	r = sys_munmap(h->vdso_lo, h->vdso_hi - h->vdso_lo);
	if (r)
		return uexec_fail(-r, "cannot unmap the vDSO to make room");
	h->vdso_parked = 1;
	return 0;
}

/*
 * map_vdso() places it with get_unmapped_area(): top-down, the highest free
 * stretch below mmap_base.  In the command's process the only thing in the
 * mmap area is the image just placed at its top, and mmap_base is where
 * the kernel's first fit for that image ended: so the slot is known without
 * asking the allocator (top_down_slot()).  The kernel takes the address
 * as a hint only, so it is checked twice with mincore(): not all mapped
 * before (ENOMEM), all mapped after - then the vDSO is there; otherwise
 * /proc/self/maps says where it went.
 */
int host_vdso_place(struct host *h, uint64_t *vdso, const struct elf_image *top)
{
	uint64_t len = h->vdso_hi - h->vdso_lo, at;
	unsigned char v[16];
	long r;

	*vdso = h->vdso_lo + h->vdso_text;
	if (!h->vdso_parked)
		return 0;
	at = top && top->area_top ? top_down_slot(top, top->area_top, len) : 0;
	if (!at || len > sizeof(v) * PAGE_SIZE || sys_call3(SYS_mincore, at, len, v) != -ENOMEM) {
		long p = sys_mmap(0, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (sys_is_err(p))
			return uexec_fail((int)-p, "no room for the vDSO");
		sys_munmap((uint64_t)p, len);
		at = (uint64_t)p;
	}
	r = sys_call2(SYS_arch_prctl, ARCH_MAP_VDSO_64, at);
	if (r < 0)
		return uexec_fail((int)-r, "cannot map the vDSO again at %#lx", (unsigned long)at);
	h->vdso_parked = 0;
	if (len > sizeof(v) * PAGE_SIZE || sys_call3(SYS_mincore, at, len, v) != 0) {
		r = scan_maps(h);
		if (r)
			return (int)r;
	} else {
		h->vdso_lo = at;
		h->vdso_hi = at + len;
	}
	*vdso = h->vdso_lo + h->vdso_text;
	return 0;
}
