/*
 * The valid program every malformed variant is derived from.  It prints its
 * arguments and exits with a status no loader would invent, so a test can
 * tell "the program ran" from "the loader gave up".
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello argc=%d", argc);
	for (int i = 1; i < argc; i++)
		printf(" [%s]", argv[i]);
	putchar('\n');
	return 42;
}
