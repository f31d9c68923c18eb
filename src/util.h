/* Small freestanding helpers: string formatting, the error record, the scratch arena. */
#ifndef UEXEC_UTIL_H
#define UEXEC_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HIDDEN __attribute__((visibility("hidden")))

#define PAGE_SIZE      4096UL
#define PAGE_START(v)  ((uint64_t)(v) & ~(PAGE_SIZE - 1))
#define PAGE_OFFSET(v) ((uint64_t)(v) & (PAGE_SIZE - 1))
#define PAGE_ALIGN(v)  (((uint64_t)(v) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

/* vsnprintf for %s %c %d %u %x %p with l/z and '#' — all the loader prints. */
HIDDEN int ufmt(char *buf, size_t n, const char *fmt, va_list ap);
HIDDEN int ufmtf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The error record: the kernel's errno and a precise reason naming the field and value. */
HIDDEN int uexec_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
HIDDEN int uexec_last_errno(void);
HIDDEN void uexec_clear_error(void);

/* A bump allocator over mmap'd memory; everything is dropped at once. */
struct arena {
	uint64_t base, size, used;
	int mapped; /* its own mapping, unmapped when released */
};
HIDDEN int arena_init(struct arena *a, size_t size);
HIDDEN void *arena_alloc(struct arena *a, size_t size);
HIDDEN void *arena_alloc_aligned(struct arena *a, size_t size, uint64_t align);
HIDDEN void arena_release(struct arena *a);

/* Where uexec puts its own scratch mappings (0: anywhere).  The command keeps
 * them next to its image so that the mmap area stays as the kernel leaves it. */
extern HIDDEN uint64_t uexec_scratch_hint;
/* The command: how much scratch memory start.S mapped at the scratch address
 * (its variables first), and the part of it the first arena may take. */
extern HIDDEN uint64_t uexec_scratch_mapped;
extern HIDDEN uint64_t uexec_scratch_spare_lo, uexec_scratch_spare_hi;
/* The command: the lower of its image and its scratch memory; from there up
 * to uexec_scratch_hint is all it maps (the hand-off unmaps that). */
extern HIDDEN uint64_t uexec_self_lo;
/* ... and as low as its [stack] VMA can start (setup_arg_pages(): 128 KiB
 * below the page of its lowest argument string; higher when RLIMIT_STACK
 * is that small). */
extern HIDDEN uint64_t uexec_self_stack_lo;
/* The command's hand-off page file (commit.c); NULL: a memfd. */
extern HIDDEN const char *uexec_handoff_file;
HIDDEN uint64_t scratch_hint(uint64_t size);
HIDDEN long scratch_mmap(uint64_t len, int prot, int flags, int fd);

HIDDEN void urandom_reset(void);
HIDDEN int urandom_bytes(void *dst, size_t n);
HIDDEN uint64_t urandom_u64(void);
/* Up to cap bytes of a (small, /proc) file; -errno if it cannot be opened. */
HIDDEN int read_file(const char *path, char *buf, size_t cap, size_t *len);
/* A number from a /proc/sys file, or dflt when it cannot be read. */
HIDDEN unsigned read_sysctl(const char *path, unsigned dflt);
/* Whether the real and effective user or group ids differ (library mode:
 * AT_SECURE, and whether the program stays dumpable). */
HIDDEN int ids_differ(void);
/* fn(line, its end, ctx) for each line of a file; -errno if it cannot be opened. */
HIDDEN int each_line(const char *path, void (*fn)(const char *s, const char *end, void *ctx),
		     void *ctx);
/* A lower-case hex number at *s; *s is left past it. */
HIDDEN uint64_t parse_hex(const char **s);
HIDDEN int dir_each(const char *path, void (*fn)(int dirfd, const char *name, void *ctx),
		    void *ctx);

#endif
