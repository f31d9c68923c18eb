/* A program with no libc linked at uexec's own address (tests/bad/bad.mk):
 * the kernel runs it (exit 42); uexec must refuse it, not map over itself. */
__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	mov $42, %edi\n"
	"	mov $231, %eax\n" /* exit_group */
	"	syscall\n"
	"	hlt\n");
