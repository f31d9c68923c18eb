/* Freestanding helpers shared by every stage. */
#include <errno.h>
#include "util.h"
#include "sys.h"
#include "uexec.h"

uint64_t uexec_scratch_hint;
uint64_t uexec_scratch_mapped;
uint64_t uexec_self_lo, uexec_self_stack_lo;
uint64_t uexec_scratch_spare_lo, uexec_scratch_spare_hi;
const char *uexec_handoff_file;

static struct {
	int err;
	char reason[320];
} last_error;

static size_t put_num(char *out, unsigned long v, unsigned base, int neg, int alt)
{
	char tmp[24];
	size_t n = 0, k = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		out[k++] = '-';
	if (alt && base != 10)
		out[k++] = '0';
	if (alt && base == 16)
		out[k++] = 'x';
	while (n)
		out[k++] = tmp[--n];
	return k;
}

int ufmt(char *buf, size_t n, const char *fmt, va_list ap)
{
	size_t len = 0;
	char num[32];

	for (; *fmt; fmt++) {
		const char *s = num;
		size_t sl;
		int alt = 0, lng = 0;

		if (*fmt != '%') {
			num[0] = *fmt;
			sl = 1;
			goto emit;
		}
		fmt++;
		if (*fmt == '#') {
			alt = 1;
			fmt++;
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			sl = strlen(s);
			break;
		case 'c':
			num[0] = (char)va_arg(ap, int);
			sl = 1;
			break;
		case 'd': {
			long v = lng ? va_arg(ap, long) : va_arg(ap, int);
			sl = put_num(num, v < 0 ? -(unsigned long)v : (unsigned long)v, 10, v < 0,
				     0);
			break;
		}
		case 'u':
		case 'o':
		case 'x': {
			unsigned long v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			sl = put_num(num, v, *fmt == 'x' ? 16 : *fmt == 'o' ? 8 : 10, 0, alt);
			break;
		}
		case 'p':
			sl = put_num(num, (unsigned long)va_arg(ap, void *), 16, 0, 1);
			break;
		case '%':
			num[0] = '%';
			sl = 1;
			break;
		default:
			return -1;
		}
	emit:
		for (size_t i = 0; i < sl; i++, len++)
			if (len + 1 < n)
				buf[len] = s[i];
	}
	if (n)
		buf[len < n ? len : n - 1] = 0;
	return (int)len;
}

int ufmtf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ufmt(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

int uexec_fail(int err, const char *fmt, ...)
{
	va_list ap;

	last_error.err = err;
	va_start(ap, fmt);
	ufmt(last_error.reason, sizeof(last_error.reason), fmt, ap);
	va_end(ap);
	return -err;
}

int uexec_last_errno(void)
{
	return last_error.err;
}

void uexec_clear_error(void)
{
	last_error.err = 0;
	last_error.reason[0] = 0;
}

__attribute__((visibility("default"))) const char *uexec_reason(void)
{
	return last_error.reason;
}

/* The next free address of the scratch area, or 0 in library mode. */
uint64_t scratch_hint(uint64_t size)
{
	uint64_t at = uexec_scratch_hint;

	if (at)
		uexec_scratch_hint += PAGE_ALIGN(size) + PAGE_SIZE;
	return at;
}

/*
 * mmap() in uexec's scratch area (command mode), never anywhere else: the
 * next free address there, skipping what is taken (a hand-off page left by
 * an outer uexec that started this one, say).  Library mode: anywhere.
 */
long scratch_mmap(uint64_t len, int prot, int flags, int fd)
{
	if (!uexec_scratch_hint)
		return sys_mmap(0, len, prot, flags, fd, 0);
	for (int tries = 0; tries < 64; tries++) {
		uint64_t at = scratch_hint(len);
		long p = sys_mmap(at, len, prot, flags | MAP_FIXED_NOREPLACE, fd, 0);

		if (p != -EEXIST)
			return p;
		uexec_scratch_hint += 1UL << 20; /* past what is there */
	}
	return -ENOMEM;
}

int arena_init(struct arena *a, size_t size)
{
	long p;

	if (uexec_scratch_spare_lo && uexec_scratch_spare_hi - uexec_scratch_spare_lo >= size) {
		/* the rest of the memory start.S mapped: untouched, so zero */
		a->base = uexec_scratch_spare_lo;
		a->size = size;
		a->used = 0;
		a->mapped = 0;
		uexec_scratch_spare_lo = uexec_scratch_spare_hi = 0; /* once: never dirty */
		return 0;
	}
	size = PAGE_ALIGN(size);
	p = scratch_mmap(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	if (sys_is_err(p))
		return uexec_fail((int)-p, "cannot map %lu bytes of scratch memory",
				  (unsigned long)size);
	a->base = (uint64_t)p;
	a->size = size;
	a->used = 0;
	a->mapped = 1;
	return 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
	return arena_alloc_aligned(a, size, 64);
}

/* align: a power of two, for the address (the base need not be aligned) */
void *arena_alloc_aligned(struct arena *a, size_t size, uint64_t align)
{
	uint64_t at = ((a->base + a->used + align - 1) & ~(align - 1)) - a->base;

	if (at > a->size || a->size - at < size)
		return NULL;
	a->used = at + size;
	return (void *)(a->base + at);
}

void arena_release(struct arena *a)
{
	if (a->size && a->mapped)
		sys_munmap(a->base, a->size);
	a->size = 0;
}

/*
 * Randomness for one exec (PIE base, brk, stack gap, AT_RANDOM) comes from
 * one getrandom() call: a pool refilled when it runs out and emptied at the
 * start of each exec, so that every exec's bytes are fresh.
 */
static struct {
	unsigned char b[64];
	unsigned left; /* bytes of b not handed out yet, at its end (zero: none) */
} pool;

void urandom_reset(void)
{
	pool.left = 0;
}

int urandom_bytes(void *dst, size_t n)
{
	if (n > sizeof(pool.b))
		return -1;
	if (pool.left < n) {
		if (sys_getrandom(pool.b, sizeof(pool.b), 0) != (long)sizeof(pool.b))
			return -1;
		pool.left = sizeof(pool.b);
	}
	memcpy(dst, pool.b + sizeof(pool.b) - pool.left, n);
	pool.left -= (unsigned)n;
	return 0;
}

uint64_t urandom_u64(void)
{
	uint64_t v = 0;

	urandom_bytes(&v, sizeof(v));
	return v;
}

/* Up to cap bytes of a (small, /proc) file; -errno if it cannot be opened. */
int read_file(const char *path, char *buf, size_t cap, size_t *len)
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

int ids_differ(void)
{
	return sys_call0(SYS_getuid) != sys_call0(SYS_geteuid) ||
	       sys_call0(SYS_getgid) != sys_call0(SYS_getegid);
}

/* A number from /proc/sys: one read, which a sysctl answers whole (a second
 * read, to see the end of the file, would cost a system call on every exec). */
unsigned read_sysctl(const char *path, unsigned dflt)
{
	char buf[16];
	int fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	long n;
	unsigned v = 0;

	if (fd < 0)
		return dflt;
	n = sys_read(fd, buf, sizeof(buf));
	sys_close(fd);
	if (n <= 0 || buf[0] < '0' || buf[0] > '9')
		return dflt;
	for (long i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		v = v * 10 + (unsigned)(buf[i] - '0');
	return v;
}

/* fn(dirfd, name, ctx) for each entry of directory path but "." and ".."
 * (getdents64, no libc); -errno if it cannot be opened. */
int dir_each(const char *path, void (*fn)(int dirfd, const char *name, void *ctx), void *ctx)
{
	char buf[1024];
	int dir = sys_openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	long n;

	if (dir < 0)
		return dir;
	while ((n = sys_call3(SYS_getdents64, dir, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n; off += *(const unsigned short *)(buf + off + 16)) {
			const char *name = buf + off + 19; /* struct linux_dirent64: d_name */

			if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
				fn(dir, name, ctx);
		}
	sys_close(dir);
	return 0;
}

/* Calls fn on each line of a (/proc) file, read in chunks: a process may
 * have thousands of mappings.  A line longer than the buffer is dropped. */
int each_line(const char *path, void (*fn)(const char *s, const char *end, void *ctx), void *ctx)
{
	char buf[4096];
	size_t have = 0;
	int fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	long n;

	if (fd < 0)
		return fd;
	while ((n = sys_read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		char *s = buf, *nl;

		have += (size_t)n;
		buf[have] = 0;
		while ((nl = strchr(s, '\n')) != NULL) {
			fn(s, nl, ctx);
			s = nl + 1;
		}
		have -= (size_t)(s - buf);
		memmove(buf, s, have);
		if (have == sizeof(buf) - 1)
			have = 0;
	}
	sys_close(fd);
	return 0;
}

/* A lower-case hexadecimal number at *s (as /proc/self/maps writes them);
 * *s is left at the first other character. */
uint64_t parse_hex(const char **s)
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
