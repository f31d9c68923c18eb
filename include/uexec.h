/*
 * uexec — execve(2) in user space.
 *
 * The calls below load a program into the calling process and start it the
 * way the kernel's execve would: same mappings, initial stack, auxiliary
 * vector and registers; handled signals reset, close-on-exec descriptors
 * closed, POSIX timers deleted, the caller's libc and memory gone.  On
 * success they do not return.  On failure they return -1 with errno set and
 * the caller unchanged (memory, descriptors, handlers, threads); then
 * uexec_reason() describes the precise cause ("phdr 3: p_filesz 0x2000 is
 * larger than p_memsz 0x1000").
 *
 * The calling process must be single-threaded (EBUSY otherwise: the kernel
 * would kill the other threads, a library cannot).  The calls are not
 * thread-safe and not async-signal-safe.
 */
#ifndef UEXEC_H
#define UEXEC_H

#ifdef __cplusplus
extern "C" {
#endif

#define UEXEC_VERSION "0.1.0"

#include <stddef.h>

/*
 * Like execve(2): path is used as given (no PATH search).  argv may be NULL
 * or empty: the program then gets argv = { "" }, as from the kernel.
 */
int uexec_execve(const char *path, char *const argv[], char *const envp[]);

/*
 * Like execveat(2): path relative to dirfd (or AT_FDCWD); flags may hold
 * AT_EMPTY_PATH (path "" runs the file dirfd refers to, which may be an
 * O_PATH descriptor) and AT_SYMLINK_NOFOLLOW (a symbolic link fails with
 * ELOOP); any other flag is EINVAL.  As in the kernel, AT_EXECFN is
 * /dev/fd/N or /dev/fd/N/path when path is relative to a descriptor, and
 * a "#!" script run through a close-on-exec descriptor fails with ENOENT.
 */
int uexec_execveat(int dirfd, const char *path, char *const argv[], char *const envp[],
		   int flags);

/* Like fexecve(3): uexec_execveat(fd, "", argv, envp, AT_EMPTY_PATH). */
int uexec_fexecve(int fd, char *const argv[], char *const envp[]);

/*
 * Runs the ELF program held in memory at image (size bytes), which must be
 * complete (every segment inside it; ENOEXEC otherwise).  It
 * is copied to a memfd and run as through uexec_fexecve(); its PT_INTERP,
 * if any, comes from the file system.
 */
int uexec_execve_mem(const void *image, size_t size, char *const argv[], char *const envp[]);

/* The precise reason of the last failure, as one line of text (never NULL). */
const char *uexec_reason(void);

#ifdef __cplusplus
}
#endif

#endif
