/* Entry of the uexec command, which has no libc: hand the initial stack
 * pointer (argc, argv, envp, auxv) to uexec_cli_main and exit with its value. */
	.text
	.globl	_start
_start:
	xor	%ebp, %ebp
	mov	%rsp, %rdi
	and	$-16, %rsp
	call	uexec_cli_main
	mov	%eax, %edi
	mov	$231, %eax		/* exit_group */
	syscall
	hlt

/* The command's writable data (.data.rel.ro, .got, .data, .bss: under 4 KiB)
 * starts a page so that it fits in one: the kernel's zeroing of the partial
 * bss page at exec is then the only page fault it costs.  Linked with
 * -z norelro: a static image with no dynamic loader never protects it. */
	.section .data.rel.ro.local, "aw", @progbits
	.balign	4096
	.section .note.GNU-stack, "", @progbits
