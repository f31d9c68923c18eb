/*
 * Stage 2 — identify: prepare_binprm() and search_binary_handler().  The
 * first 256 bytes are read (zero-filled past the end of a short file; a
 * little more is read for the ELF loader) and each format handler in turn
 * looks at them: -ENOEXEC means "not mine, ask
 * the next one"; anything else ends the search.  A new format is one more
 * line in the table.
 */
#include <errno.h>
#include "bprm.h"
#include "sys.h"

static const struct binfmt {
	const char *name;
	int (*load)(struct bprm *b);
} formats[] = {
    {"misc", load_misc_binary}, /* insert_binfmt(): at the head, before ELF */
    {"ELF", load_elf_binary},
    {"script", load_script},
};

/* exec_binprm(): a "#!" line or a binfmt_misc handler may name another
 * file to run, up to this depth. */
#define MAX_DEPTH 5

int bprm_read_buf(struct bprm *b)
{
	long n;

	n = sys_pread(b->fd, b->buf, sizeof(b->buf), 0);
	if (n < 0)
		return uexec_fail((int)-n, "cannot read the file header");
	if (n < BINPRM_BUF_SIZE)
		memset(b->buf + n, 0, BINPRM_BUF_SIZE - (size_t)n);
	b->buf_len = n;
	return 0;
}

static int search_one(struct bprm *b)
{
	int r;

	uexec_clear_error();
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		r = formats[i].load(b);
		if (r != -ENOEXEC) {
			if (b->nchain < sizeof(b->chain) / sizeof(b->chain[0]))
				b->chain[b->nchain++].handler = formats[i].name;
			return r;
		}
	}
	/* A handler that recognised the file but refused it left its reason. */
	if (uexec_last_errno() == ENOEXEC)
		return -ENOEXEC;
	if (b->buf_len == 0)
		return uexec_fail(ENOEXEC, "the file is empty");
	return uexec_fail(ENOEXEC, "not an ELF executable (no ELF magic)");
}

/* Runs the handlers until one names no further file (ELF), like exec_binprm(). */
int search_binary_handler(struct bprm *b)
{
	int r;

	for (b->depth = 0;; b->depth++) {
		if (b->depth > MAX_DEPTH)
			return uexec_fail(ELOOP, "more than %d levels of \"#!\" interpreters",
					  MAX_DEPTH);
		r = bprm_read_buf(b);
		if (r)
			return r;
		b->again = 0;
		if (b->nchain < sizeof(b->chain) / sizeof(b->chain[0]))
			b->chain[b->nchain].path = b->interp_name;
		r = search_one(b);
		if (r || !b->again)
			return r;
	}
}
