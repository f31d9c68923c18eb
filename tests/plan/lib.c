/* A small shared library for the page-size verdicts of uexec --plan
 * (tests/plan/plan.mk): code, read-only data, RELRO (a table of pointers
 * relocated at load), writable data and bss. */
static int counter;
int data_word = 42;
static const char *const names[] = {"one", "two", "three"};

const char *plan_name(int i)
{
	counter++;
	return names[(i + data_word) % 3];
}
