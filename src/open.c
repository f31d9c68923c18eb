/*
 * Stage 1 — open: do_open_execat().  Path-walk errors come from openat()
 * itself; then the kernel's may_open() rules: only a regular file may be
 * executed (EACCES otherwise), it needs exec permission (EACCES), and its
 * mount must allow exec (EACCES).  No side effects but one descriptor.
 */
#include <linux/magic.h>
#include <sys/statfs.h>
#include "bprm.h"
#include <errno.h>
#include <signal.h>
#include "sys.h"

#define ST_NOEXEC_FLAG 0x0008 /* statfs f_flags: MS_NOEXEC as reported by statfs */

static const char *file_kind(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a FIFO";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFSOCK:
		return "a socket";
	default:
		return "not a regular file";
	}
}

/*
 * A readable descriptor for the file dirfd refers to (execveat with
 * AT_EMPTY_PATH): dirfd may be an O_PATH descriptor, which cannot be read,
 * so the file is opened again through /proc/self/fd.
 */
static int reopen_fd(int dirfd, int flags)
{
	char path[40];
	int fd;

	if (sys_call2(SYS_fcntl, dirfd, F_GETFD) < 0)
		return uexec_fail(EBADF, "descriptor %d is not open", dirfd);
	ufmtf(path, sizeof(path), "/proc/self/fd/%d", dirfd);
	fd = sys_openat(AT_FDCWD, path, flags, 0);
	if (fd < 0)
		return uexec_fail(-fd, "cannot open descriptor %d for reading", dirfd);
	return fd;
}

/*
 * deny_write_access(): the kernel refuses to run a file that is open for
 * writing (ETXTBSY).  User space sees that through a read lease, which
 * cannot be taken while any descriptor has the file open for writing
 * (EAGAIN), and is given back at once.  Only the file's owner (or
 * CAP_LEASE) may take one, fs.leases-enable must be on, and not every file
 * system has leases: otherwise nothing is seen and the file runs.  A writer
 * that opens the file in between breaks the lease: the signal that tells
 * is set to SIGURG, ignored unless handled, rather than the deadly SIGIO.
 */
static int deny_write_access(int fd)
{
	long r;

	sys_call3(SYS_fcntl, fd, F_SETSIG, SIGURG);
	r = sys_call3(SYS_fcntl, fd, F_SETLEASE, F_RDLCK);
	if (r == 0) {
		sys_call3(SYS_fcntl, fd, F_SETLEASE, F_UNLCK);
		return 0;
	}
	if (r == -EAGAIN)
		return uexec_fail(ETXTBSY, "the file is open for writing");
	return 0;
}

/*
 * do_open_execat(): opens path (relative to dirfd, or dirfd itself with
 * AT_EMPTY_PATH and an empty path) for reading, then checks: regular file,
 * exec permission, exec-allowed mount.
 */
int open_exec_at(int dirfd, const char *path, int at_flags, int *fdp, uint64_t *size)
{
	/* O_NONBLOCK: a FIFO must not block the open; it is refused just below. */
	int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	struct statx st;
	struct statfs sf;
	int fd, r;

	if (at_flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return uexec_fail(EINVAL, "flags %#x: only AT_EMPTY_PATH and AT_SYMLINK_NOFOLLOW",
				  at_flags);
	/* a final symbolic link in path is then ELOOP, as in the kernel; with an
	 * empty path there is none (/proc/self/fd/N, a link itself, is followed) */
	if ((at_flags & AT_SYMLINK_NOFOLLOW) && *path)
		flags |= O_NOFOLLOW;
	if (!*path && (at_flags & AT_EMPTY_PATH))
		fd = reopen_fd(dirfd, flags);
	else if (!*path)
		return uexec_fail(ENOENT, "empty path");
	else
		fd = sys_openat(dirfd, path, flags, 0);
	if (fd < 0) {
		if (uexec_last_errno() == -fd)
			return fd; /* reopen_fd() said why */
		if (fd == -EACCES)
			return uexec_fail(EACCES, "cannot open the file for reading");
		if (fd == -ELOOP && (at_flags & AT_SYMLINK_NOFOLLOW))
			return uexec_fail(ELOOP, "a symbolic link, with AT_SYMLINK_NOFOLLOW");
		return uexec_fail(-fd, "cannot open the file");
	}
	r = sys_statx(fd, "", AT_EMPTY_PATH, STATX_TYPE | STATX_MODE | STATX_SIZE, &st);
	if (r < 0) {
		sys_close(fd);
		return uexec_fail(-r, "cannot stat the file");
	}
	if (!S_ISREG(st.stx_mode)) {
		sys_close(fd);
		return uexec_fail(EACCES, "%s, not a regular file", file_kind(st.stx_mode));
	}
	/* X_OK on a regular file also fails on a noexec mount (do_faccessat()
	 * checks path_noexec() first): statfs only to say which it was */
	r = sys_faccessat2(fd, "", 1 /* X_OK */, AT_EMPTY_PATH | AT_EACCESS);
	if (r < 0) {
		int noexec = r == -EACCES && sys_call2(SYS_fstatfs, fd, &sf) == 0 &&
			     (sf.f_flags & ST_NOEXEC_FLAG);

		sys_close(fd);
		if (noexec)
			return uexec_fail(EACCES, "the file system is mounted noexec");
		return uexec_fail(-r, "no execute permission (mode %#o)", st.stx_mode & 07777);
	}
	r = deny_write_access(fd);
	if (r) {
		sys_close(fd);
		return r;
	}
	*fdp = fd;
	if (size)
		*size = st.stx_size;
	return 0;
}

int open_exec(const char *path, int *fdp, uint64_t *size)
{
	return open_exec_at(AT_FDCWD, path, 0, fdp, size);
}
