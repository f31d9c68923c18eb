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
#include "sys.h"

#define ST_NOEXEC_FLAG 0x0008   /* statfs f_flags: MS_NOEXEC as reported by statfs */

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

/* Opens path for reading; checks: regular file, exec permission, exec-allowed mount. */
int open_exec(const char *path, int *fdp, uint64_t *size)
{
	struct statx st;
	struct statfs sf;
	int fd, r;

	if (!*path)
		return uexec_fail(ENOENT, "empty path");
	/* O_NONBLOCK: a FIFO must not block the open; it is refused just below. */
	fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
	if (fd < 0) {
		if (fd == -EACCES)
			return uexec_fail(EACCES, "cannot open the file for reading");
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
	r = sys_faccessat2(fd, "", 1 /* X_OK */, AT_EMPTY_PATH | AT_EACCESS);
	if (r < 0) {
		sys_close(fd);
		return uexec_fail(-r, "no execute permission (mode %#o)", st.stx_mode & 07777);
	}
	r = (int)sys_call2(SYS_fstatfs, fd, &sf);
	if (r == 0 && (sf.f_flags & ST_NOEXEC_FLAG)) {
		sys_close(fd);
		return uexec_fail(EACCES, "the file system is mounted noexec");
	}
	*fdp = fd;
	if (size)
		*size = st.stx_size;
	return 0;
}
