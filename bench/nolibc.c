/*
 * nolibc.c — a static program with no libc at all: the floor of what a
 * program start can cost (the kernel's exec and exit, nothing else), so the
 * benchmark shows uexec's overhead against the cheapest possible program.
 */
#include <sys/syscall.h>

/* The kernel enters here with %rsp at argc; nothing to set up, just exit(0). */
__attribute__((noreturn)) void _start(void)
{
	__asm__ volatile("syscall" : : "a"(SYS_exit_group), "D"(0) : "rcx", "r11", "memory");
	__builtin_unreachable();
}
