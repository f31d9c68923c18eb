/* SPDX-License-Identifier: MIT */
/*
 * probe_start.S - entry of the libc-free probe.
 *
 * Records the register state exactly as exec left it, before any
 * instruction can change it: general registers first (mov does not touch
 * flags), then rflags, the x87 environment, MXCSR and xmm0-15.  Then calls
 * nolibc_main(initial sp) and exits with its return value.
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	mov	%rax, start_gpr+0(%rip)
	mov	%rbx, start_gpr+8(%rip)
	mov	%rcx, start_gpr+16(%rip)
	mov	%rdx, start_gpr+24(%rip)
	mov	%rsi, start_gpr+32(%rip)
	mov	%rdi, start_gpr+40(%rip)
	mov	%rbp, start_gpr+48(%rip)
	mov	%r8, start_gpr+56(%rip)
	mov	%r9, start_gpr+64(%rip)
	mov	%r10, start_gpr+72(%rip)
	mov	%r11, start_gpr+80(%rip)
	mov	%r12, start_gpr+88(%rip)
	mov	%r13, start_gpr+96(%rip)
	mov	%r14, start_gpr+104(%rip)
	mov	%r15, start_gpr+112(%rip)
	/* pushfq writes below the initial sp, which holds nothing. */
	pushfq
	popq	start_rflags(%rip)
	fnstenv	start_fpenv(%rip)
	stmxcsr	start_mxcsr(%rip)
	movdqu	%xmm0, start_xmm+0(%rip)
	movdqu	%xmm1, start_xmm+16(%rip)
	movdqu	%xmm2, start_xmm+32(%rip)
	movdqu	%xmm3, start_xmm+48(%rip)
	movdqu	%xmm4, start_xmm+64(%rip)
	movdqu	%xmm5, start_xmm+80(%rip)
	movdqu	%xmm6, start_xmm+96(%rip)
	movdqu	%xmm7, start_xmm+112(%rip)
	movdqu	%xmm8, start_xmm+128(%rip)
	movdqu	%xmm9, start_xmm+144(%rip)
	movdqu	%xmm10, start_xmm+160(%rip)
	movdqu	%xmm11, start_xmm+176(%rip)
	movdqu	%xmm12, start_xmm+192(%rip)
	movdqu	%xmm13, start_xmm+208(%rip)
	movdqu	%xmm14, start_xmm+224(%rip)
	movdqu	%xmm15, start_xmm+240(%rip)
	mov	%rsp, %rdi
	/* A misaligned sp is reported, not fatal: align before calling C. */
	and	$-16, %rsp
	call	nolibc_main
	mov	%eax, %edi
	mov	$231, %eax		/* exit_group */
	syscall
	hlt
	.size	_start, . - _start

	.section .note.GNU-stack, "", @progbits
