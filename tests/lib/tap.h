/*
 * tests/lib/tap.h - TAP lines without numbers ("ok - ...", "not ok - ...",
 * "# ..."): tests/70-library.t numbers them and writes the plan.
 */
#ifndef LIB_TAP_H
#define LIB_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_failed;

/* One case: ok unless cond is 0; todo, if not NULL, marks a known bug. */
__attribute__((format(printf, 3, 4)))
static void tap(int cond, const char *todo, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", cond ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (todo)
		printf(" # TODO %s", todo);
	printf("\n");
	fflush(stdout);
	if (!cond && !todo)
		tap_failed = 1;
}

__attribute__((format(printf, 1, 2)))
static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

#endif
