/*
 * The last code that runs in the old image, and the only code of uexec that
 * stays mapped.  Freestanding: no stack, no TLS, no relocations — it reads
 * its op list relative to %rip, does each op with raw system calls and
 * string instructions, resets the FPU/SSE/AVX state, clears every general
 * register but %rsp, sets %rflags to 0x202 like start_thread(), and jumps.
 */
#include "handoff.h"

	.section .text.uexec_handoff, "ax", @progbits
	.globl	uexec_handoff_start
	.hidden	uexec_handoff_start
	.globl	uexec_handoff_end
	.hidden	uexec_handoff_end
	.set	ho_sp_slot, uexec_handoff_start + HO_SP
	.set	ho_entry_slot, uexec_handoff_start + HO_ENTRY
	.set	ho_mxcsr_slot, uexec_handoff_start + HO_MXCSR
	.set	ho_flags_slot, uexec_handoff_start + HO_FLAGS
	.set	ho_xsave_slot, uexec_handoff_start + HO_XSAVE
	.set	ho_ops_slot, uexec_handoff_start + HO_OPS

uexec_handoff_start:
	lea	ho_ops_slot(%rip), %r12
	xor	%r15d, %r15d		/* result of the last system call */
.Lnext:
	mov	(%r12), %r13
	mov	%r13, %r14
	and	$0xff, %r14
	jz	.Ldone
	test	$OP_ELSE, %r13
	jz	.Ldispatch
	cmp	$-4095, %r15
	jb	.Ladvance		/* the previous call succeeded: skip */
.Ldispatch:
	cmp	$OP_SYSCALL, %r14
	je	.Lsyscall
	cmp	$OP_COPY, %r14
	je	.Lcopy
	cmp	$OP_ZERO, %r14
	je	.Lzero
	cmp	$OP_TOUCH, %r14
	je	.Ltouch
	hlt				/* unknown op: cannot happen; fault */
.Lsyscall:
	mov	8(%r12), %rax
	mov	16(%r12), %rdi
	mov	24(%r12), %rsi
	mov	32(%r12), %rdx
	mov	40(%r12), %r10
	mov	48(%r12), %r8
	mov	56(%r12), %r9
	syscall
	mov	%rax, %r15
	test	$OP_CHECK, %r13
	jz	.Ladvance
	cmp	$-4095, %rax
	jb	.Ladvance
	/* After the point of no return the kernel kills with SIGSEGV; a
	 * privileged instruction raises a forced SIGSEGV here. */
	hlt
.Lcopy:
	mov	16(%r12), %rdi
	mov	24(%r12), %rsi
	mov	32(%r12), %rcx
	cld
	rep movsb
	jmp	.Ladvance
.Lzero:
	mov	16(%r12), %rdi
	mov	24(%r12), %rcx
	xor	%eax, %eax
	cld
	rep stosb
	jmp	.Ladvance
.Ltouch:
	mov	16(%r12), %rax
	movb	(%rax), %al
.Ladvance:
	add	$HO_OP_SIZE, %r12
	jmp	.Lnext

.Ldone:
	testq	$1, ho_flags_slot(%rip)
	jz	.Lnoxsave
	/* XSTATE_BV = 0 in the image: every component requested goes to its
	 * init state; PKRU (bit 9) and AMX (17, 18) are left alone. */
	mov	$0xfff9fdff, %eax
	mov	$0xffffffff, %edx
	xrstor	ho_xsave_slot(%rip)
	jmp	.Lregs
.Lnoxsave:
	fninit
	ldmxcsr	ho_mxcsr_slot(%rip)
	pxor	%xmm0, %xmm0
	pxor	%xmm1, %xmm1
	pxor	%xmm2, %xmm2
	pxor	%xmm3, %xmm3
	pxor	%xmm4, %xmm4
	pxor	%xmm5, %xmm5
	pxor	%xmm6, %xmm6
	pxor	%xmm7, %xmm7
	pxor	%xmm8, %xmm8
	pxor	%xmm9, %xmm9
	pxor	%xmm10, %xmm10
	pxor	%xmm11, %xmm11
	pxor	%xmm12, %xmm12
	pxor	%xmm13, %xmm13
	pxor	%xmm14, %xmm14
	pxor	%xmm15, %xmm15
.Lregs:
	mov	ho_sp_slot(%rip), %rsp
	xor	%eax, %eax
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%ebp, %ebp
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	pushq	$0x202
	popfq
	movq	$0, -8(%rsp)		/* leave no trace below %rsp */
	jmp	*ho_entry_slot(%rip)
uexec_handoff_end:
	/* the assembler refuses to move .org backwards: the code must fit
	 * below the data of the page */
	.org	uexec_handoff_start + HO_CODE_MAX, 0xcc
	.section .note.GNU-stack, "", @progbits
