/*
 * The program creds.c runs, once, to learn which rule the running kernel's
 * exec applies to a process whose effective ids differ from its real ones
 * (src/creds.c, kernel_rule()).  Position-independent, no data: creds.c
 * puts it behind an ELF header in a memfd and patches the capability number
 * at uexec_rule_probe_cap.  Exit status: bit 0 set when the effective uid
 * equals the real one, bit 1 when that capability is in the ambient set.
 */
	.section .rodata.uexec_rule_probe, "a", @progbits
	.globl	uexec_rule_probe_start
	.hidden	uexec_rule_probe_start
	.globl	uexec_rule_probe_end
	.hidden	uexec_rule_probe_end
	.globl	uexec_rule_probe_cap
	.hidden	uexec_rule_probe_cap
uexec_rule_probe_start:
	mov	$102, %eax		/* getuid */
	syscall
	mov	%eax, %ebx
	mov	$107, %eax		/* geteuid */
	syscall
	xor	%edi, %edi
	cmp	%eax, %ebx
	sete	%dil
	mov	%edi, %ebx
	mov	$157, %eax		/* prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap) */
	mov	$47, %edi
	mov	$1, %esi
	.byte	0xba			/* mov $imm32, %edx */
uexec_rule_probe_cap:
	.long	0
	xor	%r10d, %r10d
	xor	%r8d, %r8d
	syscall
	cmp	$1, %eax
	jne	1f
	or	$2, %ebx
1:	mov	%ebx, %edi
	mov	$231, %eax		/* exit_group */
	syscall
	hlt
uexec_rule_probe_end:
	.section .note.GNU-stack, "", @progbits
