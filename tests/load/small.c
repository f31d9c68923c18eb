/* The program the load test starts: prints its argument and exits with a
 * status derived from it, so each run's output and status can be checked. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long n;

	if (argc != 2)
		return 255;
	n = strtol(argv[1], NULL, 10);
	printf("small %s\n", argv[1]);
	return (int)((n * 7 + 3) % 250);
}
