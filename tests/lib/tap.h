/*
 * tests/lib/tap.h - TAP lines without numbers ("ok - ...", "not ok - ...",
 * "# ..."): tests/70-library.t numbers them and writes the plan.
 */
#ifndef LIB_TAP_H
#define LIB_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_failed;

/* One case: ok unless cond is 0. */
__attribute__((format(printf, 2, 3))) static void tap(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", cond ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed = 1;
}

__attribute__((format(printf, 1, 2))) static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/*
 * Whether uexec can make /proc/self/exe the program here: PR_SET_MM_MAP
 * with an exe_fd needs CAP_SYS_ADMIN (21) or CAP_CHECKPOINT_RESTORE (40)
 * (as tests/tap.bash can_set_exe).
 */
__attribute__((unused)) static int can_set_exe(void)
{
	char line[256];
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return ((eff >> 21) | (eff >> 40)) & 1;
}

/* OUT (SHOWARGS's lines): without that capability its "exe=" line is the
 * one uexec cannot make the kernel's, so it is not compared. */
__attribute__((unused)) static void exe_line_unless_exact(char *out)
{
	static int exact = -1;
	char *e, *end;

	if (exact < 0)
		exact = can_set_exe();
	if (exact || !(e = strstr(out, "exe=")) || (e != out && e[-1] != '\n'))
		return;
	end = strchr(e, '\n');
	memmove(e, end ? end + 1 : e + strlen(e), strlen(end ? end + 1 : e + strlen(e)) + 1);
}

#endif
