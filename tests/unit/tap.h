/* Minimal TAP for the unit tests: "ok N - NAME" lines, the plan at the end. */
#ifndef UEXEC_TAP_H
#define UEXEC_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

/* One test: cond true is "ok"; a failure shows what was got and wanted. */
#define TAP_OK(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static __attribute__((format(printf, 4, 5))) int tap_ok(int ok, const char *file, int line,
							const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok) {
		printf("#   at %s:%d\n", file, line);
		tap_failed++;
	}
	return ok;
}

/* Strings equal; on failure both are shown. */
static inline int tap_is(const char *got, const char *want, const char *name)
{
	int ok = tap_ok(got && strcmp(got, want) == 0, __FILE__, __LINE__, "%s", name);

	if (!ok)
		printf("#   got:  \"%s\"\n#   want: \"%s\"\n", got ? got : "(null)", want);
	return ok;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
