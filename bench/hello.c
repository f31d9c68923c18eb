/*
 * hello.c — the smallest useful program for the start-up benchmark: libc
 * initialisation and one stdio write, nothing else.  Built static against
 * glibc and against musl (bench/bench.mk) because their start-up costs
 * differ by an order of magnitude, and uexec's overhead must be small next
 * to the cheaper one.
 */
#include <stdio.h>

int main(void)
{
	puts("hello");
	return 0;
}
