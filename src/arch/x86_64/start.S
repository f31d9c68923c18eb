/* Entry of the uexec command, which has no libc.  First its scratch memory:
 * UEXEC_PREMAP bytes at UEXEC_SCRATCH, where cli/uexec.ld links its
 * variables (the image has no writable segment); the rest of it is the
 * first arena.  Then the initial stack pointer (argc, argv, envp, auxv) goes
 * to uexec_cli_main, and its value to exit_group. */
#if !defined(UEXEC_SCRATCH) || !defined(UEXEC_PREMAP)
#error "UEXEC_SCRATCH and UEXEC_PREMAP come from the Makefile"
#endif
#define SYS_write        1
#define SYS_mmap         9
#define SYS_exit_group   231
#define PROT_RW          3
#define MAP_PRIV_ANON_FIXED_NOREPLACE 0x100022

	.text
	.globl	_start
_start:
	xor	%ebp, %ebp
	mov	%rsp, %rbx
	mov	$UEXEC_PREMAP, %esi
.Lmap:
	mov	$SYS_mmap, %eax
	movabs	$UEXEC_SCRATCH, %rdi
	mov	$PROT_RW, %edx
	mov	$MAP_PRIV_ANON_FIXED_NOREPLACE, %r10d
	mov	$-1, %r8
	xor	%r9d, %r9d
	syscall				/* keeps %rsi, %rdi */
	cmp	%rdi, %rax
	je	.Lmapped
	cmp	$4096, %esi
	je	.Lnomem
	mov	$4096, %esi		/* something is there: the variables' page only */
	jmp	.Lmap
.Lmapped:
	mov	%rsi, uexec_scratch_mapped(%rip)
	mov	%rbx, %rdi
	and	$-16, %rsp
	call	uexec_cli_main
	mov	%eax, %edi
	mov	$SYS_exit_group, %eax
	syscall
	hlt
.Lnomem:
	mov	$SYS_write, %eax
	mov	$2, %edi
	lea	nomem(%rip), %rsi
	mov	$nomem_end - nomem, %edx
	syscall
	mov	$126, %edi
	mov	$SYS_exit_group, %eax
	syscall
	hlt

	.section .rodata
nomem:
	.ascii	"uexec: cannot map its memory at the scratch address (something is mapped there)\n"
nomem_end:

	.section .note.GNU-stack, "", @progbits
