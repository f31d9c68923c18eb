// SPDX-License-Identifier: MIT
/*
 * probe_out.c - string helpers, a small printf, and the sorted output.
 *
 * Freestanding: the libc-free flavour links this too, so nothing here may
 * call libc.  Lines are kept in a static buffer and written sorted (C locale
 * byte order) in one go at the end, so the output does not depend on the
 * order the checks ran in.
 */
#include "probe.h"

#include <fcntl.h>

size_t p_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int p_strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

int p_strcmp(const char *a, const char *b)
{
	return p_strncmp(a, b, (size_t)-1);
}

int p_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

const char *p_basename(const char *path)
{
	const char *b = path;

	for (; *path; path++)
		if (*path == '/')
			b = path + 1;
	return b;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

unsigned long p_strtoul(const char *s, const char **end, int base)
{
	unsigned long v = 0;

	while (*s == ' ')
		s++;
	for (; digit_value(*s) < base; s++)
		v = v * base + digit_value(*s);
	if (end)
		*end = s;
	return v;
}

long read_file(const char *path, char *buf, size_t size)
{
	long fd = sc3(SYS_open, path, O_RDONLY | O_CLOEXEC, 0);
	size_t len = 0;
	long n;

	if (fd < 0)
		return fd;
	/* procfs files come in pieces: read until EOF. */
	while (len < size - 1 && (n = sc3(SYS_read, fd, buf + len, size - 1 - len)) > 0)
		len += n;
	sc1(SYS_close, fd);
	buf[len] = '\0';
	return len;
}

/* ---- p_fmt: %s %c %d %u %x %o with l and a zero-padded width ----------- */
struct fmt_out {
	char *buf;
	size_t size, len;
};

static void put(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct fmt_out *o, unsigned long v, int base, int neg, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	if (neg)
		put(o, '-');
	while (n)
		put(o, tmp[--n]);
}

int p_fmt(char *buf, size_t size, const char *f, va_list ap)
{
	struct fmt_out o = {buf, size, 0};

	for (; *f; f++) {
		int is_long = 0, width = 0;
		unsigned long v;
		const char *s;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f++;
		while (*f >= '0' && *f <= '9')
			width = width * 10 + (*f++ - '0');
		while (*f == 'l') {
			is_long = 1;
			f++;
		}
		switch (*f) {
		case 's':
			for (s = va_arg(ap, const char *); *s; s++)
				put(&o, *s);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'd': {
			long d = is_long ? va_arg(ap, long) : va_arg(ap, int);

			put_num(&o, d < 0 ? -(unsigned long)d : (unsigned long)d, 10, d < 0, width);
			break;
		}
		case 'u':
		case 'x':
		case 'o':
			v = is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			put_num(&o, v, *f == 'u' ? 10 : *f == 'x' ? 16 : 8, 0, width);
			break;
		default:
			put(&o, '%');
			put(&o, *f);
		}
	}
	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return (int)o.len;
}

int p_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = p_fmt(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* ---- output lines ------------------------------------------------------ */
#define OUT_SIZE  (256 * 1024)
#define OUT_LINES 4096

static char out_buf[OUT_SIZE];
static char *out_line[OUT_LINES];
static size_t out_len;
static int out_nlines, out_failed, out_overflow;
static int out_norandom;

static void add_line(const char *fmt, va_list ap)
{
	char *line = out_buf + out_len;
	size_t room = OUT_SIZE - out_len;
	int n;

	if (out_nlines == OUT_LINES || room < 2) {
		out_overflow = 1;
		return;
	}
	n = p_fmt(line, room, fmt, ap);
	if ((size_t)n >= room) {
		out_overflow = 1;
		return;
	}
	/* One fact per line: a control byte in a value would split it. */
	for (char *c = line; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	out_line[out_nlines++] = line;
	out_len += n + 1;
}

void emit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(fmt, ap);
	va_end(ap);
}

void check(int cond, const char *fmt, ...)
{
	char key[256];
	va_list ap;

	va_start(ap, fmt);
	p_fmt(key, sizeof(key), fmt, ap);
	va_end(ap);
	if (cond) {
		emit("%s=ok", key);
	} else {
		emit("FAIL %s", key);
		out_failed = 1;
	}
}

void emit_addr(const char *key, unsigned long addr)
{
	if (out_norandom)
		emit("R.%s=0x%lx", key, addr);
}

void set_norandom(int norandom)
{
	out_norandom = norandom;
}

static void sort_lines(void)
{
	for (int i = 1; i < out_nlines; i++) {
		char *l = out_line[i];
		int j = i;

		for (; j > 0 && p_strcmp(out_line[j - 1], l) > 0; j--)
			out_line[j] = out_line[j - 1];
		out_line[j] = l;
	}
}

static void write_all(const char *s, size_t n)
{
	while (n) {
		long w = sc3(SYS_write, 1, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= w;
	}
}

/* Writes everything sorted; returns the probe's exit status. */
int flush_output(void)
{
	if (out_overflow)
		check(0, "probe.output_fits");
	sort_lines();
	for (int i = 0; i < out_nlines; i++) {
		/* Lines live back to back: turn each NUL into the newline. */
		size_t n = p_strlen(out_line[i]);

		out_line[i][n] = '\n';
		write_all(out_line[i], n + 1);
		out_line[i][n] = '\0';
	}
	return out_failed;
}
