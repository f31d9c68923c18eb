/* ufmt(): the loader's small printf, against the host's snprintf where they
 * agree and against fixed strings where ufmt differs on purpose. */
#include "tap.h"
#include "util.h"
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static char got[256];

#define FMT(want, ...)                                                                             \
	do {                                                                                       \
		int r_ = ufmtf(got, sizeof(got), __VA_ARGS__);                                     \
		if (tap_is(got, want, "ufmt(\"" #__VA_ARGS__ "\")"))                               \
			TAP_OK(r_ == (int)strlen(want), "  returns the length %zu", strlen(want)); \
	} while (0)

/* ufmt without the format check, for formats it must refuse. */
static int fmt_unchecked(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ufmt(got, sizeof(got), fmt, ap);
	va_end(ap);
	return r;
}

/* ufmt and snprintf agree on the conversions the loader uses. */
static void against_snprintf(void)
{
	char want[256];
	int bad = 0;
	unsigned long seed = 12345;

	for (int i = 0; i < 20000 && !bad; i++) {
		unsigned long v;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		v = seed >> (seed & 63); /* values of every magnitude */
		snprintf(want, sizeof(want), "%d|%u|%x|%ld|%lu|%lx|%#lx|%zu|%o", (int)v,
			 (unsigned)v, (unsigned)v, (long)v, v, v, v | 1, (size_t)v, (unsigned)v);
		ufmtf(got, sizeof(got), "%d|%u|%x|%ld|%lu|%lx|%#lx|%zu|%o", (int)v, (unsigned)v,
		      (unsigned)v, (long)v, v, v, v | 1, (size_t)v, (unsigned)v);
		if (strcmp(got, want) != 0) {
			printf("#   value %#lx: got \"%s\", want \"%s\"\n", v, got, want);
			bad = 1;
		}
	}
	TAP_OK(!bad, "20000 pseudo-random values print as snprintf prints them");
}

static void truncation(void)
{
	char small[8];
	int r;

	memset(small, 'X', sizeof(small));
	r = ufmtf(small, 5, "hello %s", "world");
	TAP_OK(r == 11 && strcmp(small, "hell") == 0 && small[5] == 'X',
	       "n=5: four characters and a NUL, nothing beyond; returns the full length");
	memset(small, 'X', sizeof(small));
	r = ufmtf(small, 1, "abc");
	TAP_OK(r == 3 && small[0] == 0 && small[1] == 'X', "n=1: only the NUL");
	memset(small, 'X', sizeof(small));
	r = ufmtf(small, 0, "abc%d", 12345);
	TAP_OK(r == 8 && small[0] == 'X', "n=0: nothing written, returns the length");
	r = ufmtf(small, sizeof(small), "%s", "exactly");
	TAP_OK(r == 7 && strcmp(small, "exactly") == 0, "a string that just fits");
	r = ufmtf(small, sizeof(small), "%s", "one more");
	TAP_OK(r == 8 && strcmp(small, "one mor") == 0, "one character too many is cut");
}

int main(void)
{
	FMT("", "%s", "");
	FMT("plain text", "plain text");
	FMT("a b", "%s %s", "a", "b");
	TAP_OK(fmt_unchecked("%s", (char *)NULL) == 6 && strcmp(got, "(null)") == 0,
	       "%%s of NULL prints (null)");
	FMT("x", "%c", 'x');
	FMT("100%", "%d%%", 100);
	FMT("0", "%d", 0);
	FMT("-1", "%d", -1);
	FMT("-2147483648", "%d", INT_MIN);
	FMT("2147483647", "%d", INT_MAX);
	FMT("-9223372036854775808", "%ld", LONG_MIN);
	FMT("9223372036854775807", "%ld", LONG_MAX);
	FMT("4294967295", "%u", UINT_MAX);
	FMT("18446744073709551615", "%lu", ULONG_MAX);
	FMT("18446744073709551615", "%zu", SIZE_MAX);
	FMT("ffffffff", "%x", UINT_MAX);
	FMT("ffffffffffffffff", "%lx", ULONG_MAX);
	FMT("0x7ffffffff000", "%#lx", 0x7ffffffff000UL);
	FMT("0x38", "%#x", 56);
	FMT("0755", "%#o", 0755);
	FMT("0x1000", "%p", (void *)0x1000);
	/* Where ufmt differs from printf on purpose: a hex field always shows its
	 * base, so "p_offset 0x0" reads like its neighbours ("0" and "(nil)" in printf). */
	FMT("0x0", "%#lx", 0UL);
	FMT("0x0", "%p", (void *)0);
	FMT("phdr 3: p_filesz 0x2000 is larger than p_memsz 0x1000",
	    "phdr %u: p_filesz %#lx is larger than p_memsz %#lx", 3, 0x2000UL, 0x1000UL);
	TAP_OK(fmt_unchecked("%5d", 1) == -1, "a width is refused (-1), not misprinted");
	TAP_OK(fmt_unchecked("%q") == -1, "an unknown conversion is refused (-1)");
	against_snprintf();
	truncation();
	return tap_done();
}
