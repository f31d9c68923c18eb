/* Thin system-call wrappers: each returns the result or -errno, never touches errno. */
#ifndef UEXEC_SYS_H
#define UEXEC_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include "arch/x86_64/syscall.h"

static inline int sys_openat(int dirfd, const char *path, int flags, int mode)
{
	return (int)sys_call4(SYS_openat, dirfd, path, flags, mode);
}
static inline int sys_close(int fd)
{
	return (int)sys_call1(SYS_close, fd);
}
static inline long sys_read(int fd, void *buf, size_t n)
{
	return sys_call3(SYS_read, fd, buf, n);
}
static inline long sys_write(int fd, const void *buf, size_t n)
{
	return sys_call3(SYS_write, fd, buf, n);
}
static inline long sys_pread(int fd, void *buf, size_t n, uint64_t off)
{
	return sys_call4(SYS_pread64, fd, buf, n, off);
}
static inline long sys_pwrite(int fd, const void *buf, size_t n, uint64_t off)
{
	return sys_call4(SYS_pwrite64, fd, buf, n, off);
}
static inline int sys_statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *st)
{
	return (int)sys_call5(SYS_statx, dirfd, path, flags, mask, st);
}
static inline int sys_faccessat2(int dirfd, const char *path, int mode, int flags)
{
	return (int)sys_call4(SYS_faccessat2, dirfd, path, mode, flags);
}
static inline long sys_mmap(uint64_t addr, size_t len, int prot, int flags, int fd, uint64_t off)
{
	return sys_call6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, (long)off);
}
static inline int sys_munmap(uint64_t addr, size_t len)
{
	return (int)sys_call2(SYS_munmap, addr, len);
}
static inline int sys_mprotect(uint64_t addr, size_t len, int prot)
{
	return (int)sys_call3(SYS_mprotect, addr, len, prot);
}
static inline long sys_mremap(uint64_t old, size_t olen, size_t nlen, int flags, uint64_t new_addr)
{
	return sys_call5(SYS_mremap, old, olen, nlen, flags, new_addr);
}
static inline long sys_getrandom(void *buf, size_t n, unsigned flags)
{
	return sys_call3(SYS_getrandom, buf, n, flags);
}
static inline int sys_personality(unsigned long p)
{
	return (int)sys_call1(SYS_personality, p);
}
static inline int sys_prctl(int op, unsigned long a, unsigned long b, unsigned long c,
			    unsigned long d)
{
	return (int)sys_call5(SYS_prctl, op, a, b, c, d);
}
static inline int sys_memfd_create(const char *name, unsigned flags)
{
	return (int)sys_call2(SYS_memfd_create, name, flags);
}
static inline int sys_getrlimit(int res, void *rl)
{
	return (int)sys_call2(SYS_getrlimit, res, rl);
}
static inline __attribute__((noreturn)) void sys_exit_group(int code)
{
	for (;;)
		sys_call1(SYS_exit_group, code);
}

#define sys_is_err(r) ((unsigned long)(r) > -4096UL)

#endif
