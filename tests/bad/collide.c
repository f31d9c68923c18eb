/* A program with no libc linked at uexec's own address (tests/bad/bad.mk):
 * the kernel runs it (exit 42), and uexec must too, without ever mapping it
 * over its own image. */
__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	mov $42, %edi\n"
	"	mov $231, %eax\n" /* exit_group */
	"	syscall\n"
	"	hlt\n");
