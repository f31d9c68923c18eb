/*
 * What the loader needs to know about the process it runs in: its auxv (the
 * running kernel's entries and arch values, in the kernel's order), the top
 * of its [stack] (the kernel's randomised stack is re-used for the program),
 * and where the vDSO and its data pages are.
 *
 * In command mode the vDSO is parked out of the way before the program is
 * mapped and placed back afterwards with the kernel's own allocator, so that
 * the mmap area ends up in the kernel's order: interpreter (or static-pie)
 * at the top, the vDSO right below it.
 */
#include <errno.h>
#include "bprm.h"
#include "sys.h"

struct host uexec_host;

static uint64_t auxv_buf[2 * 64];

#define MAX_SPECIAL 8
static struct {
	uint64_t lo, hi;
} special[MAX_SPECIAL]; /* [vvar], [vvar_vclock], [vdso], in address order */
static unsigned nspecial;

static uint64_t hex(const char **s)
{
	uint64_t v = 0;

	for (;; (*s)++) {
		char c = **s;

		if (c >= '0' && c <= '9')
			v = v * 16 + (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uint64_t)(c - 'a' + 10);
		else
			return v;
	}
}

static int read_file(const char *path, char *buf, size_t cap, size_t *len)
{
	int fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	size_t n = 0;
	long r;

	if (fd < 0)
		return fd;
	while (n < cap && (r = sys_read(fd, buf + n, cap - n)) > 0)
		n += (size_t)r;
	sys_close(fd);
	*len = n;
	return 0;
}

/* Finds the vDSO's mappings; the lines are short and few for a new process. */
static int scan_maps(struct host *h)
{
	char buf[16384];
	size_t len;
	const char *s, *end;
	int r = read_file("/proc/self/maps", buf, sizeof(buf) - 1, &len);

	if (r)
		return uexec_fail(-r, "cannot read /proc/self/maps");
	buf[len] = 0;
	nspecial = 0;
	h->vdso_lo = h->vdso_hi = 0;
	for (s = buf; *s; s = end + (*end == '\n')) {
		const char *name;
		uint64_t lo, hi;

		end = strchr(s, '\n');
		if (!end)
			end = s + strlen(s);
		lo = hex(&s);
		s++;
		hi = hex(&s);
		name = end;
		while (name > s && name[-1] != ' ')
			name--;
		if (end - name >= 5 && name[0] == '[' && name[1] == 'v' &&
		    (memcmp(name, "[vdso]", 6) == 0 || memcmp(name, "[vvar", 5) == 0)) {
			if (nspecial < MAX_SPECIAL) {
				special[nspecial].lo = lo;
				special[nspecial].hi = hi;
				nspecial++;
			}
			if (!h->vdso_lo)
				h->vdso_lo = lo;
			h->vdso_hi = hi;
		}
	}
	return 0;
}

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

	if (!h->auxv) {
		size_t len;

		r = read_file("/proc/self/auxv", (char *)auxv_buf, sizeof(auxv_buf) - 16, &len);
		if (r)
			return uexec_fail(-r, "cannot read /proc/self/auxv");
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
	r = scan_maps(h);
	h->vdso_orig = h->vdso_lo;
	return r;
}

/* Moves [vvar*][vdso] to base, keeping their relative layout. */
static int move_vdso(struct host *h, uint64_t base)
{
	for (unsigned i = 0; i < nspecial; i++) {
		uint64_t len = special[i].hi - special[i].lo;
		uint64_t to = base + (special[i].lo - h->vdso_lo);
		long p = sys_mremap(special[i].lo, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to);

		if (sys_is_err(p))
			return uexec_fail((int)-p, "cannot move the vDSO to %#lx", (unsigned long)to);
		special[i].lo = to;
		special[i].hi = to + len;
	}
	h->vdso_hi = base + (h->vdso_hi - h->vdso_lo);
	h->vdso_lo = base;
	return 0;
}

int host_vdso_park(struct host *h)
{
	uint64_t len = h->vdso_hi - h->vdso_lo;
	long p;

	if (!nspecial)
		return 0;
	p = sys_mmap(scratch_hint(len), len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sys_is_err(p))
		return uexec_fail((int)-p, "cannot find room to park the vDSO");
	h->vdso_parked = 1;
	return move_vdso(h, (uint64_t)p);
}

/* Where map_vdso() would put it now: get_unmapped_area() of its size. */
int host_vdso_place(struct host *h, uint64_t *vdso)
{
	uint64_t len = h->vdso_hi - h->vdso_lo, old_base = h->vdso_orig;
	uint64_t ehdr = auxv_get(h->auxv, AT_SYSINFO_EHDR);
	long p;
	int r;

	*vdso = ehdr;
	if (!h->vdso_parked)
		return 0;
	p = sys_mmap(0, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sys_is_err(p))
		return uexec_fail((int)-p, "cannot find room for the vDSO");
	r = move_vdso(h, (uint64_t)p);
	if (r)
		return r;
	h->vdso_parked = 0;
	*vdso = ehdr - old_base + (uint64_t)p;
	return 0;
}

/* Puts a parked vDSO back where it was (a failed exec in command mode). */
void host_vdso_restore(struct host *h)
{
	if (h->vdso_parked && move_vdso(h, h->vdso_orig) == 0)
		h->vdso_parked = 0;
}
