/*
 * Stage 2 for the handlers registered in binfmt_misc: load_misc_binary() of
 * fs/binfmt_misc.c.  The kernel asks it before ELF and "#!" (it is inserted
 * at the head of the formats list), so binfmt.c does too.
 *
 * The handlers are read from /proc/sys/fs/binfmt_misc, one file each:
 *
 *   enabled | disabled
 *   interpreter PATH
 *   flags: [P][O][C][F]
 *   offset N / magic HEX / [mask HEX]      or      extension .EXT
 *
 * The first enabled handler that matches wins, newest first (the kernel adds
 * each at the head of its list; the newest is the one with the highest inode
 * number).  A magic matches the 256-byte buffer at its offset under its mask;
 * an extension matches what follows the last '.' of the path this level runs
 * as (bprm->interp).  Then argv becomes { interpreter, path, argv[1..] }, or
 * with P { interpreter, path, argv[0], argv[1..] } (and AT_FLAGS_PRESERVE_ARGV0),
 * and the interpreter is run in turn: exec.c loops, as for "#!".
 *
 * O: the file stays open for the interpreter, its descriptor in AT_EXECFD.
 * C: the kernel takes credentials from the file instead of the interpreter;
 *    uexec never honours set-id bits (README), so C is O here.
 * F: the kernel opened the interpreter when the handler was registered;
 *    uexec opens it by its path now (it must still be there).
 * Nothing is seen when binfmt_misc is not mounted at /proc/sys/fs/binfmt_misc.
 */
#include <errno.h>
#include "bprm.h"
#include "sys.h"

#define MISC_DIR   "/proc/sys/fs/binfmt_misc"
#define MAX_DIRENT 280 /* struct linux_dirent64 with a 255-byte name, 8-aligned */

struct misc_handler {
	uint64_t ino;
	int enabled, is_magic;
	unsigned offset, size;
	int has_mask;
	unsigned char magic[BINPRM_BUF_SIZE], mask[BINPRM_BUF_SIZE];
	char flags[8];
	char ext[256];
	char interp[2048];
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* HEX up to the end of the line into out; the number of bytes, or -1. */
static int unhex(const char *s, const char *end, unsigned char *out, unsigned cap)
{
	unsigned n = 0;

	for (; s + 1 < end && hexval(s[0]) >= 0 && hexval(s[1]) >= 0; s += 2) {
		if (n == cap)
			return -1;
		out[n++] = (unsigned char)(hexval(s[0]) << 4 | hexval(s[1]));
	}
	return s == end ? (int)n : -1;
}

/* Copies [s, e) as a C string into out (cap bytes); 0, or -1 if too long. */
static int copy_line(char *out, size_t cap, const char *s, const char *e)
{
	if ((size_t)(e - s) >= cap)
		return -1;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = 0;
	return 0;
}

static int starts(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(e - s) >= n && memcmp(s, word, n) == 0;
}

/* One handler's file, as entry_status() writes it; 0, or -1 if unreadable. */
static int parse_handler(const char *t, size_t len, struct misc_handler *h)
{
	const char *end = t + len;
	int magic_len = -1, mask_len = -1;

	h->enabled = h->is_magic = h->has_mask = 0;
	h->offset = h->size = 0;
	h->flags[0] = h->ext[0] = h->interp[0] = 0;
	for (const char *s = t, *e; s < end; s = e + 1) {
		e = memchr(s, '\n', (size_t)(end - s));
		if (!e)
			e = end;
		if (s == t) {
			h->enabled = starts(s, e, "enabled");
		} else if (starts(s, e, "interpreter ")) {
			if (copy_line(h->interp, sizeof(h->interp), s + 12, e))
				return -1;
		} else if (starts(s, e, "flags: ")) {
			if (copy_line(h->flags, sizeof(h->flags), s + 7, e))
				return -1;
		} else if (starts(s, e, "extension .")) {
			if (copy_line(h->ext, sizeof(h->ext), s + 11, e))
				return -1;
		} else if (starts(s, e, "offset ")) {
			h->is_magic = 1;
			for (s += 7; s < e && *s >= '0' && *s <= '9'; s++)
				h->offset = h->offset * 10 + (unsigned)(*s - '0');
		} else if (starts(s, e, "magic ")) {
			magic_len = unhex(s + 6, e, h->magic, BINPRM_BUF_SIZE);
		} else if (starts(s, e, "mask ")) {
			mask_len = unhex(s + 5, e, h->mask, BINPRM_BUF_SIZE);
			h->has_mask = 1;
		}
	}
	if (!h->interp[0])
		return -1;
	if (h->is_magic) {
		if (magic_len < 0 || (h->has_mask && mask_len != magic_len) ||
		    h->offset + (unsigned)magic_len > BINPRM_BUF_SIZE)
			return -1;
		h->size = (unsigned)magic_len;
	}
	return 0;
}

static int has_flag(const struct misc_handler *h, char f)
{
	return strchr(h->flags, f) != NULL;
}

/* check_file() */
static int matches(const struct bprm *b, const struct misc_handler *h)
{
	const char *dot;

	if (!h->enabled)
		return 0;
	if (!h->is_magic) {
		dot = strrchr(b->interp_name, '.');
		return dot && strcmp(dot + 1, h->ext) == 0;
	}
	for (unsigned j = 0; j < h->size; j++) {
		unsigned char x = b->buf[h->offset + j] ^ h->magic[j];

		if (h->has_mask ? (x & h->mask[j]) : x)
			return 0;
	}
	return 1;
}

/*
 * The newest enabled handler that matches, into *best (best->ino 0: none).
 * Handlers are files; "register" and "status" are the two others there.
 */
static void find_handler(struct bprm *b, int dir, struct misc_handler *best,
			 struct misc_handler *cur)
{
	char ents[2048], text[4096];
	long n;

	best->ino = 0;
	while ((n = sys_call3(SYS_getdents64, dir, ents, sizeof(ents))) > 0) {
		for (long off = 0; off < n; off += *(const unsigned short *)(ents + off + 16)) {
			uint64_t ino = *(const uint64_t *)(const void *)(ents + off);
			const char *name = ents + off + 19; /* struct linux_dirent64: d_name */
			int fd;
			long len;

			if (name[0] == '.' || strcmp(name, "register") == 0 ||
			    strcmp(name, "status") == 0 || ino <= best->ino)
				continue;
			fd = sys_openat(dir, name, O_RDONLY | O_CLOEXEC, 0);
			if (fd < 0)
				continue; /* removed meanwhile */
			len = sys_read(fd, text, sizeof(text));
			sys_close(fd);
			if (len <= 0 || parse_handler(text, (size_t)len, cur) != 0 ||
			    !matches(b, cur))
				continue;
			cur->ino = ino;
			memcpy(best, cur, sizeof(*best));
		}
		/* getdents64 fills the buffer while entries fit: with room left
		 * for the longest one, this was the end (one call less) */
		if ((size_t)n + MAX_DIRENT <= sizeof(ents))
			break;
	}
}

/* argv = { interpreter, path, [argv[0] with P,] argv[1..] } */
static int splice_argv(struct bprm *b, char *interp, int preserve)
{
	int argc = b->argc + 1 + (preserve != 0);
	char **v = arena_alloc(&b->arena, (size_t)(argc + 1) * sizeof(char *));
	int n = 0;

	if (!v)
		return uexec_fail(ENOMEM, "out of scratch memory for the handler's argv");
	v[n++] = interp;
	v[n++] = (char *)b->interp_name;
	for (int i = preserve ? 0 : 1; i < b->argc; i++)
		v[n++] = b->argv[i];
	v[n] = NULL;
	b->argv = v;
	b->argc = argc;
	return 0;
}

int load_misc_binary(struct bprm *b)
{
	struct misc_handler h[2]; /* the best so far, the one being read */
	char status[16], *interp;
	int dir, fd, r;
	long n;

	if (b->dry_run) /* checking only: the parse and plan of ELF files */
		return -ENOEXEC;
	dir = sys_openat(AT_FDCWD, MISC_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (dir < 0)
		return -ENOEXEC;
	find_handler(b, dir, &h[0], &h[1]);
	sys_close(dir);
	if (!h->ino)
		return -ENOEXEC;
	/* the whole of binfmt_misc switched off (echo 0 > status) */
	fd = sys_openat(AT_FDCWD, MISC_DIR "/status", O_RDONLY | O_CLOEXEC, 0);
	n = fd < 0 ? -1 : sys_read(fd, status, sizeof(status));
	if (fd >= 0)
		sys_close(fd);
	if (n < 7 || memcmp(status, "enabled", 7) != 0)
		return -ENOEXEC;

	/* BINPRM_FLAGS_PATH_INACCESSIBLE: the interpreter could not open it */
	if (b->path_inaccessible)
		return uexec_fail(ENOENT,
				  "a file run through close-on-exec descriptor as %s "
				  "could not be opened by its binfmt_misc interpreter %s",
				  b->filename, h->interp);
	interp = arena_alloc(&b->arena, strlen(h->interp) + 1);
	if (!interp)
		return uexec_fail(ENOMEM, "out of scratch memory");
	memcpy(interp, h->interp, strlen(h->interp) + 1);
	r = splice_argv(b, interp, has_flag(h, 'P'));
	if (r)
		return r;
	if (b->nchain < sizeof(b->chain) / sizeof(b->chain[0])) /* for --plan */
		b->chain[b->nchain].interp = interp;
	if (has_flag(h, 'P'))
		b->preserve_argv0 = 1;
	/* exec_binprm(): a second level that wants the file open is refused */
	if ((has_flag(h, 'O') || has_flag(h, 'C')) && b->have_execfd)
		return uexec_fail(ENOEXEC, "binfmt_misc: a second handler with flag O or C");
	r = open_exec(interp, &fd, &b->file_size);
	if (r) {
		char why[200];

		ufmtf(why, sizeof(why), "%s", uexec_reason());
		return uexec_fail(-r, "binfmt_misc interpreter %s: %s", interp, why);
	}
	if (has_flag(h, 'O') || has_flag(h, 'C')) {
		/* the file itself, for the interpreter: kept open, inherited */
		sys_call3(SYS_fcntl, b->fd, F_SETFD, 0);
		sys_call3(SYS_fcntl, b->fd, F_SETFL, 0); /* opened O_NONBLOCK (open.c) */
		/* and no trace of the read lease taken on it (open.c) */
		sys_call3(SYS_fcntl, b->fd, F_SETSIG, 0);
		sys_call3(SYS_fcntl, b->fd, F_SETOWN, 0);
		b->execfd = b->fd;
		b->have_execfd = 1;
	} else {
		sys_close(b->fd);
	}
	b->fd = fd;
	b->interp_name = interp;
	b->again = 1;
	return 0;
}
