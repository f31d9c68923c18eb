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
int uexec_execveat(int dirfd, const char *path, char *const argv[], char *const envp[], int flags);

/* Like fexecve(3): uexec_execveat(fd, "", argv, envp, AT_EMPTY_PATH). */
int uexec_fexecve(int fd, char *const argv[], char *const envp[]);

/*
 * Runs the ELF program held in memory at image (size bytes), which must be
 * complete (every segment inside it; ENOEXEC otherwise).  It
 * is copied to a memfd and run as through uexec_fexecve(); its PT_INTERP,
 * if any, comes from the file system.
 */
int uexec_execve_mem(const void *image, size_t size, char *const argv[], char *const envp[]);

/*
 * The rest of the exec family, with the rules of glibc's wrappers: execv,
 * execvp and execvpe (PATH search: the caller's PATH, "/bin:/usr/bin" when
 * unset; EACCES remembered and the search continued; a file that is neither
 * ELF nor "#!" run by /bin/sh), execl, execlp and execle (arguments up to a
 * NULL; execle's environment after it).  Without a C library environ is
 * empty.
 */
int uexec_execv(const char *path, char *const argv[]);
int uexec_execvp(const char *file, char *const argv[]);
int uexec_execvpe(const char *file, char *const argv[], char *const envp[]);
int uexec_execl(const char *path, const char *arg, ...);
int uexec_execlp(const char *file, const char *arg, ...);
int uexec_execle(const char *path, const char *arg, ...);

/*
 * uexec_spawn(): posix_spawn(3) with libuexec loading the program in the
 * new process.  Returns 0 and the child's pid in *pid, or an errno value
 * (not -1) with no child left behind: the child's failure to load the
 * program (ENOENT, ENOEXEC, EACCES...) is the call's value, as
 * posix_spawn's, and uexec_reason() says why.  Works from a multi-threaded
 * caller.  Two modes (see uexec(3)):
 *   - execve-free, the default: the child loads the program itself and never
 *     calls the kernel's execve (works where a seccomp filter denies it); the
 *     program keeps the caller's address-space randomisation;
 *   - UEXEC_SPAWN_FRESH_LAYOUT: the child execs the uexec command (attr's
 *     command, else the installed one), which the kernel lays out and
 *     randomises afresh; needs execve.  uexec_spawnp() then searches the
 *     PATH of envp (the command's rule), not the caller's.
 * The file actions are done in order after the attributes, as posix_spawn
 * does them; the path strings are copied.
 */
typedef struct {
	void *__buf;
	size_t __used, __size;
} uexec_spawn_file_actions_t;

#define UEXEC_SPAWN_SETPGROUP	 0x01  /* setpgid(0, pgroup) */
#define UEXEC_SPAWN_SETSIGMASK	 0x02  /* the signal mask: sigmask */
#define UEXEC_SPAWN_SETSIGDEF	 0x04  /* the signals in sigdefault to SIG_DFL */
#define UEXEC_SPAWN_SETSID	 0x08  /* setsid() */
#define UEXEC_SPAWN_RESETIDS	 0x10  /* effective ids := real ids */
#define UEXEC_SPAWN_FRESH_LAYOUT 0x100 /* through the uexec command: a fresh layout */

typedef struct {
	unsigned flags;
	int pgroup;
	unsigned long long sigmask;    /* bit n-1: signal n */
	unsigned long long sigdefault; /* bit n-1: signal n */
	const char *command;	       /* FRESH_LAYOUT: the uexec command (NULL: installed) */
} uexec_spawnattr_t;

int uexec_spawn_file_actions_init(uexec_spawn_file_actions_t *fa);
int uexec_spawn_file_actions_destroy(uexec_spawn_file_actions_t *fa);
int uexec_spawn_file_actions_addopen(uexec_spawn_file_actions_t *fa, int fd, const char *path,
				     int oflag, unsigned mode);
int uexec_spawn_file_actions_addclose(uexec_spawn_file_actions_t *fa, int fd);
int uexec_spawn_file_actions_adddup2(uexec_spawn_file_actions_t *fa, int fd, int newfd);
int uexec_spawn_file_actions_addchdir(uexec_spawn_file_actions_t *fa, const char *path);
int uexec_spawn_file_actions_addfchdir(uexec_spawn_file_actions_t *fa, int fd);
int uexec_spawnattr_init(uexec_spawnattr_t *attr);
int uexec_spawnattr_destroy(uexec_spawnattr_t *attr);

int uexec_spawn(int *pid, const char *path, const uexec_spawn_file_actions_t *fa,
		const uexec_spawnattr_t *attr, char *const argv[], char *const envp[]);
int uexec_spawnp(int *pid, const char *file, const uexec_spawn_file_actions_t *fa,
		 const uexec_spawnattr_t *attr, char *const argv[], char *const envp[]);

/* The precise reason of the last failure, as one line of text (never NULL). */
const char *uexec_reason(void);

#ifdef __cplusplus
}
#endif

#endif
