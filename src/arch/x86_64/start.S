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
	.section .note.GNU-stack, "", @progbits
