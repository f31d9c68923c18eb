/*
 * Stage 2/3 for "#!" scripts: load_script() of fs/binfmt_script.c.
 *
 * Only the first 256 bytes count; only space and tab are blanks ('\r' is
 * not); the interpreter name ends at the first blank or NUL; everything
 * after the blanks that follow it, up to the end of the line with trailing
 * blanks trimmed, is one argument.  A line cut by the 256-byte limit is fine
 * unless the cut falls inside the interpreter's name.  argv becomes
 * { name, [argument,] script path, argv[1..] }, and the interpreter (no PATH
 * search) is executed in turn: exec.c loops, like exec_binprm().
 */
#include <errno.h>
#include "bprm.h"
#include "sys.h"

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The first non-blank in [first, last] (inclusive, as in the kernel), or NULL. */
static const char *next_non_blank(const char *first, const char *last)
{
	for (; first <= last; first++)
		if (!blank(*first))
			return first;
	return NULL;
}

/* The first blank or NUL in [first, last], or NULL. */
static const char *next_terminator(const char *first, const char *last)
{
	for (; first <= last; first++)
		if (blank(*first) || !*first)
			return first;
	return NULL;
}

/* Copies [s, e) into the arena as a C string. */
static char *save(struct bprm *b, const char *s, const char *e)
{
	char *d = arena_alloc(&b->arena, (size_t)(e - s) + 1);

	if (d) {
		memcpy(d, s, (size_t)(e - s));
		d[e - s] = 0;
	}
	return d;
}

/* argv = { name, [arg,] the path this level was run as, argv[1..] } */
static int splice_argv(struct bprm *b, char *name, char *arg)
{
	int argc = b->argc - 1 + 2 + (arg != NULL);
	char **v = arena_alloc(&b->arena, (size_t)(argc + 1) * sizeof(char *));
	int n = 0;

	if (!v)
		return uexec_fail(ENOMEM, "out of scratch memory for the script's argv");
	v[n++] = name;
	if (arg)
		v[n++] = arg;
	v[n++] = (char *)b->interp_name;
	for (int i = 1; i < b->argc; i++)
		v[n++] = b->argv[i];
	v[n] = NULL;
	b->argv = v;
	b->argc = argc;
	return 0;
}

/* The name as a message can show it: control characters escaped ("\r"). */
static const char *shown(const char *s, char *out, size_t n)
{
	size_t k = 0;

	for (; *s && k + 5 < n; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f) {
			out[k++] = (char)c;
		} else {
			out[k++] = '\\';
			if (c == '\r' || c == '\t') {
				out[k++] = c == '\r' ? 'r' : 't';
			} else {
				out[k++] = 'x';
				out[k++] = "0123456789abcdef"[c >> 4];
				out[k++] = "0123456789abcdef"[c & 15];
			}
		}
	}
	out[k] = 0;
	return out;
}

/*
 * Parses a "#!" line in the 256-byte buffer: the interpreter is [name,
 * name_end), the optional argument [arg, arg_end) (arg NULL if none).
 * Returns 1 when buf is not a script, 0, or -ENOEXEC with the reason set.
 * Pure: reads only buf, so it can be fuzzed and unit-tested on its own.
 */
int parse_shebang(const char *buf, struct shebang *sb)
{
	const char *buf_end = buf + BINPRM_BUF_SIZE - 1;
	const char *i_end, *i_name, *i_sep, *i_arg = NULL;

	if (buf[0] != '#' || buf[1] != '!')
		return 1;
	i_end = memchr(buf, '\n', BINPRM_BUF_SIZE);
	if (!i_end) {
		i_end = next_non_blank(buf + 2, buf_end);
		if (!i_end)
			return uexec_fail(ENOEXEC, "\"#!\" line of only blanks and no newline");
		if (!next_terminator(i_end, buf_end))
			return uexec_fail(ENOEXEC,
					  "the interpreter name is cut by the %d-byte "
					  "\"#!\" line limit",
					  BINPRM_BUF_SIZE);
		i_end = buf_end;
	}
	while (blank(i_end[-1])) /* stops at the '!' of "#!" at the latest */
		i_end--;
	i_name = next_non_blank(buf + 2, i_end);
	if (!i_name || i_name == i_end)
		return uexec_fail(ENOEXEC, "no interpreter named after \"#!\"");
	i_sep = next_terminator(i_name, i_end);
	if (i_sep && *i_sep)
		i_arg = next_non_blank(i_sep, i_end);
	sb->name = i_name;
	/* The name ends at the first blank or NUL, or at the end of the line. */
	sb->name_end = i_sep && i_sep < i_end ? i_sep : i_end;
	sb->arg = i_arg;
	sb->arg_end = i_arg ? i_end : NULL;
	return 0;
}

int load_script(struct bprm *b)
{
	struct shebang sb;
	char *name, *arg = NULL;
	int fd, r;

	r = parse_shebang((const char *)b->buf, &sb);
	if (r)
		return r > 0 ? -ENOEXEC : r; /* 1: not mine */
	name = save(b, sb.name, sb.name_end);
	if (sb.arg)
		arg = save(b, sb.arg, sb.arg_end);
	if (!name || (sb.arg && !arg))
		return uexec_fail(ENOMEM, "out of scratch memory");
	r = splice_argv(b, name, arg);
	if (r)
		return r;
	if (b->nchain < sizeof(b->chain) / sizeof(b->chain[0])) { /* for --plan */
		b->chain[b->nchain].interp = name;
		b->chain[b->nchain].arg = arg;
	}
	/* load_script(): BINPRM_FLAGS_PATH_INACCESSIBLE */
	if (b->path_inaccessible)
		return uexec_fail(ENOENT,
				  "a script run through close-on-exec descriptor as %s "
				  "could not be opened by its interpreter",
				  b->filename);
	if (b->dry_run) { /* checking only: the interpreter is not opened */
		b->again = 0;
		return 0;
	}
	/* An empty name is looked up by the kernel as the current directory,
	 * which cannot be executed: EACCES, not ENOENT. */
	r = open_exec(*name ? name : ".", &fd, &b->file_size);
	if (r) {
		char why[200], esc[160];

		ufmtf(why, sizeof(why), "%s", uexec_reason());
		return uexec_fail(-r, "interpreter \"%s\": %s", shown(name, esc, sizeof(esc)), why);
	}
	sys_close(b->fd);
	b->fd = fd;
	b->interp_name = name;
	b->again = 1;
	return 0;
}
