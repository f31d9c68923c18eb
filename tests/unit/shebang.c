/*
 * parse_shebang(): the "#!" rules of the kernel's load_script(), case by
 * case.  Each expectation is what execve(2) gives the interpreter: its name
 * and at most one argument, as the C strings the kernel copies (they end at
 * the first NUL).  Only the first 256 bytes count; only space and tab are
 * blanks.
 */
#include "bprm.h"
#include "tap.h"
#include "uexec.h"
#include <errno.h>
#include <stdlib.h>

/* The C string the kernel would copy from [s, e): up to e or the first NUL. */
static const char *cstr(const char *s, const char *e)
{
	static char out[2][BINPRM_BUF_SIZE + 1];
	static int k;
	size_t n = strnlen(s, (size_t)(e - s));

	k ^= 1;
	memcpy(out[k], s, n);
	out[k][n] = 0;
	return out[k];
}

/*
 * want_r: 1 (not a script), 0, or -ENOEXEC; want_arg NULL: no argument.
 * The buffer is the first len bytes of text, zero-padded to 256, as
 * bprm_read_buf() leaves a short file.
 */
static void sb_case(const char *what, const char *text, size_t len, int want_r,
		    const char *want_name, const char *want_arg)
{
	char buf[BINPRM_BUF_SIZE] = {0};
	struct shebang sb;
	int r;

	memcpy(buf, text, len < sizeof(buf) ? len : sizeof(buf));
	memset(&sb, 0x5a, sizeof(sb));
	r = parse_shebang(buf, &sb);
	if (!TAP_OK(r == want_r, "%s: returns %d", what, want_r)) {
		printf("#   got %d (%s)\n", r, uexec_reason());
		return;
	}
	if (r == -ENOEXEC)
		TAP_OK(*uexec_reason(), "%s: gives a reason (%s)", what, uexec_reason());
	if (r != 0)
		return;
	if (!TAP_OK(sb.name >= buf + 2 && sb.name <= sb.name_end &&
			sb.name_end < buf + BINPRM_BUF_SIZE &&
			(!sb.arg || (sb.arg > sb.name_end && sb.arg <= sb.arg_end &&
				     sb.arg_end < buf + BINPRM_BUF_SIZE)),
		    "%s: the pointers lie inside the buffer, in order", what))
		return;
	tap_is(cstr(sb.name, sb.name_end), want_name, "  interpreter name");
	if (want_arg)
		tap_is(sb.arg ? cstr(sb.arg, sb.arg_end) : NULL, want_arg, "  argument");
	else
		TAP_OK(!sb.arg, "  no argument");
}

#define CASE(what, lit, r, name, arg) sb_case(what, lit, sizeof(lit) - 1, r, name, arg)

/* "#!" followed by n copies of c, then tail. */
static char *line(size_t n, char c, const char *tail)
{
	size_t t = strlen(tail);
	char *s = malloc(2 + n + t + 1);

	s[0] = '#';
	s[1] = '!';
	memset(s + 2, c, n);
	memcpy(s + 2 + n, tail, t + 1);
	return s;
}

static void limit_cases(void)
{
	char *s, name[BINPRM_BUF_SIZE];

	/* No newline in the 256 bytes and no blank or NUL after the name: the
	 * name may be cut, so the kernel refuses the file. */
	s = line(300, 'a', "");
	sb_case("name longer than the 256-byte buffer", s, strlen(s), -ENOEXEC, NULL, NULL);
	free(s);
	s = line(254, 'a', "");
	sb_case("name filling the buffer exactly, no terminator", s, strlen(s), -ENOEXEC, NULL,
		NULL);
	free(s);
	/* 253 bytes of name end with a blank at byte 255: the name is whole. */
	s = line(253, 'a', " ");
	memset(name, 'a', 253);
	name[253] = 0;
	sb_case("name ended by a blank in the last byte", s, strlen(s), 0, name, NULL);
	free(s);
	/* The same name, then a short file: the zero padding terminates it. */
	s = line(253, 'a', "");
	sb_case("name ended by the zero padding of a short file", s, strlen(s), 0, name, NULL);
	free(s);
	/* 254 bytes of name: the padding NUL would be byte 256, outside. */
	s = line(254, 'b', "");
	sb_case("name cut by the limit in a short file", s, strlen(s), -ENOEXEC, NULL, NULL);
	free(s);
	/* An argument cut by the limit is fine; the kernel drops byte 255. */
	s = malloc(400);
	strcpy(s, "#!/bin/sh ");
	memset(s + 10, 'x', 300);
	s[310] = 0;
	memset(name, 'x', 245); /* bytes 10..254 */
	name[245] = 0;
	sb_case("argument cut by the limit", s, 310, 0, "/bin/sh", name);
	s[256] = '\n';
	sb_case("a newline just past the limit does not count", s, 310, 0, "/bin/sh", name);
	s[255] = '\n';
	sb_case("a newline in the last byte ends the line there", s, 310, 0, "/bin/sh", name);
	free(s);
	/* Only blanks in the whole buffer. */
	s = line(300, ' ', "");
	sb_case("only blanks, no newline", s, strlen(s), -ENOEXEC, NULL, NULL);
	free(s);
	s = line(300, '\t', "");
	sb_case("only tabs, no newline", s, strlen(s), -ENOEXEC, NULL, NULL);
	free(s);
}

int main(void)
{
	CASE("empty file", "", 1, NULL, NULL);
	CASE("one '#'", "#", 1, NULL, NULL);
	CASE("\"!#\"", "!#/bin/sh\n", 1, NULL, NULL);
	CASE("an ELF header", "\177ELF\2\1\1", 1, NULL, NULL);
	CASE("plain", "#!/bin/sh\n", 0, "/bin/sh", NULL);
	CASE("no newline (short file)", "#!/bin/sh", 0, "/bin/sh", NULL);
	CASE("one argument", "#!/bin/sh -e\n", 0, "/bin/sh", "-e");
	CASE("blank before the name", "#! /bin/sh\n", 0, "/bin/sh", NULL);
	CASE("tabs everywhere", "#!\t/bin/sh\t-e\t\n", 0, "/bin/sh", "-e");
	CASE("trailing blanks trimmed", "#!/bin/sh  \t \n", 0, "/bin/sh", NULL);
	CASE("argument with inner blanks is one argument", "#!/usr/bin/env  a b\tc  \n", 0,
	     "/usr/bin/env", "a b\tc");
	CASE("CRLF: the CR is part of the name", "#!/bin/sh\r\n", 0, "/bin/sh\r", NULL);
	CASE("CRLF: the CR is part of the argument", "#!/bin/sh -e\r\n", 0, "/bin/sh", "-e\r");
	CASE("CR and a blank: the CR is the argument", "#!/bin/sh \r\n", 0, "/bin/sh", "\r");
	CASE("vertical tab is not a blank", "#!/bin/sh\v-e\n", 0, "/bin/sh\v-e", NULL);
	CASE("\"#!\" alone in the file: empty name (EACCES later, as the kernel)", "#!", 0, "",
	     NULL);
	CASE("\"#!\\n\"", "#!\n", -ENOEXEC, NULL, NULL);
	CASE("\"#! \\n\"", "#! \n", -ENOEXEC, NULL, NULL);
	CASE("\"#!\\t\\t\\n\"", "#!\t\t\n", -ENOEXEC, NULL, NULL);
	CASE("\"#!\" and blanks in a short file: empty name", "#!   ", 0, "", NULL);
	CASE("NUL after the name ends it, no argument", "#!/bin/sh\0 -e\n", 0, "/bin/sh", NULL);
	CASE("NUL inside the argument ends it", "#!/bin/sh -e\0x\n", 0, "/bin/sh", "-e");
	CASE("NUL right after \"#!\": empty name", "#!\0/bin/sh\n", 0, "", NULL);
	CASE("the second line does not count", "#!/bin/sh\n-e\n", 0, "/bin/sh", NULL);
	CASE("argument of one character", "#!/bin/sh x\n", 0, "/bin/sh", "x");
	CASE("name of one character", "#!x\n", 0, "x", NULL);
	limit_cases();
	return tap_done();
}
