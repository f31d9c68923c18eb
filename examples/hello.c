/* The bundled example for `make demo`: a program that shows how it was
 * started.  Run directly and through uexec, it prints the same thing. */
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char exe[256] = "?";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0)
		exe[n] = 0;
	printf("hello from pid %d: argc=%d argv[0]=%s\n", getpid(), argc, argv[0]);
	printf("  /proc/self/exe = %s\n", exe);
	printf("  AT_EXECFN = %s, AT_BASE (interpreter) = %#lx, AT_ENTRY = %#lx\n",
	       (const char *)getauxval(AT_EXECFN), getauxval(AT_BASE), getauxval(AT_ENTRY));
	printf("  stack near %p, main at %p\n", (void *)&n, (void *)main);
	return 0;
}
