/* SPDX-License-Identifier: MIT */
/*
 * probe.h - shared declarations of the differential probe.
 *
 * The probe describes its own process as "key=value" lines.  The core
 * (probe.c, probe_maps.c, probe_task.c) is written freestanding: raw system
 * calls and its own string helpers only, so that the very same code runs in
 * the glibc and musl flavours (called from main) and in the libc-free flavour
 * (called from _start).  Only probe_libc.c and probe_nolibc.c know which.
 */
#ifndef PROBE_H
#define PROBE_H

#include <elf.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>

/* Newer auxv types that older <elf.h> (glibc 2.36) do not name yet. */
#ifndef AT_RSEQ_FEATURE_SIZE
#define AT_RSEQ_FEATURE_SIZE 27
#endif
#ifndef AT_RSEQ_ALIGN
#define AT_RSEQ_ALIGN 28
#endif
#ifndef AT_HWCAP3
#define AT_HWCAP3 29
#endif
#ifndef AT_HWCAP4
#define AT_HWCAP4 30
#endif
#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

#define PAGE_SIZE     4096UL
#define PAGE_START(x) ((x) & ~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- raw system calls (x86-64 ABI), return -errno on failure ---------- */
static inline long raw_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#define sc0(n)		   raw_syscall6(n, 0, 0, 0, 0, 0, 0)
#define sc1(n, a)	   raw_syscall6(n, (long)(a), 0, 0, 0, 0, 0)
#define sc2(n, a, b)	   raw_syscall6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define sc3(n, a, b, c)	   raw_syscall6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sc4(n, a, b, c, d) raw_syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define sc5(n, a, b, c, d, e)                                                                      \
	raw_syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* ---- string helpers (no libc in the core) ------------------------------ */
size_t p_strlen(const char *s);
int p_strcmp(const char *a, const char *b);
int p_strncmp(const char *a, const char *b, size_t n);
int p_memcmp(const void *a, const void *b, size_t n);
const char *p_basename(const char *path);
unsigned long p_strtoul(const char *s, const char **end, int base);
int p_fmt(char *buf, size_t size, const char *fmt, va_list ap);
int p_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Read a whole (small, procfs) file into buf; returns length or -errno. */
long read_file(const char *path, char *buf, size_t size);

/* ---- output: collected, sorted, written at the end --------------------- */
void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "key=ok" when cond holds, else "FAIL key" and the probe exits 1. */
void check(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Exact addresses are printed only with ADDR_NO_RANDOMIZE, under "R.". */
void emit_addr(const char *key, unsigned long addr);
void set_norandom(int norandom);
int flush_output(void);

/* ---- the process as the probe sees it ---------------------------------- */
#define MAX_PHDRS 64
#define MAX_MAPS  512

struct elf_file {
	const char *path;
	int present;
	unsigned long dev_major, dev_minor, ino;
	Elf64_Ehdr ehdr;
	Elf64_Phdr phdr[MAX_PHDRS];
	char interp[256]; /* PT_INTERP contents, "" if none */
};

struct mapping {
	unsigned long start, end, off, dev_major, dev_minor, ino;
	char perms[5];
	const char *name; /* points into the maps text; "" for anonymous */
	char cls[64];	  /* prog, interp, loader, [stack], file:NAME, anon... */
};

struct probe {
	long *sp; /* initial stack pointer: &argc */
	int argc;
	char **argv, **envp;
	int envc;
	Elf64_auxv_t *auxv;
	int nauxv;    /* entries before AT_NULL */
	int norandom; /* ADDR_NO_RANDOMIZE: print exact addresses too */
	struct elf_file prog, interp;
	struct mapping maps[MAX_MAPS];
	int nmaps;
	unsigned long bias, interp_bias;
	int have_bias, have_interp_bias;
	const struct mapping *stack;
};

unsigned long auxv_get(const struct probe *p, unsigned long type);

/* probe.c: argv, env, auxv, stack layout; then everything else. */
void probe_run(struct probe *p, long *sp);
/* probe_maps.c */
void dev_split(unsigned long dev, unsigned long *major, unsigned long *minor);
int elf_read(struct elf_file *f, const char *path);
int prog_read(struct elf_file *f, const char *path);
void maps_read(struct probe *p);
void maps_report(struct probe *p);
/* probe_task.c */
void task_report(struct probe *p);
void procfs_report(struct probe *p);
void rseq_report_unregistered(void);

#endif /* PROBE_H */
