/*
 * The hand-off page: position-independent code (handoff.S) followed by the
 * data it runs on, written into one page: a private copy of a page of the
 * command's uexec-handoff file, or a page of a memfd named "uexec" (the
 * library, or when that file cannot be used; src/commit.c).
 * Offsets are shared by the assembly and by commit.c.
 */
#ifndef UEXEC_HANDOFF_H
#define UEXEC_HANDOFF_H

#define HO_CODE_MAX	512 /* the code (handoff.S) fits below this */
#define HO_XSAVE	512 /* 64-byte aligned XSAVE image: init state, MXCSR 0x1f80 */
#define HO_XSAVE_LEN	576
#define HO_FLAGS	1088 /* bit 0: use XRSTOR */
#define HO_SP		1096 /* %rsp at entry */
#define HO_ENTRY	1104 /* %rip at entry */
#define HO_MXCSR	1112 /* MXCSR for the no-XSAVE path */
#define HO_CAPSET	1120 /* capset() header and data, 32 bytes: library mode */
#define HO_MM_MAP	1152 /* struct prctl_mm_map for PR_SET_MM_MAP (104 bytes) */
#define HO_MM_MAP_NOEXE 1280 /* the same with exe_fd = -1, when changing exe is refused */
#define HO_OPS		1408 /* op list, HO_OP_SIZE bytes each, ended by OP_END */
#define HO_OP_SIZE	64
#define HO_PAGE		4096
#define HO_MAX_OPS	((HO_PAGE - HO_OPS) / HO_OP_SIZE - 1)

/* op kinds; OP_CHECK: a failing system call ends the process with SIGSEGV */
#define OP_END	   0
#define OP_SYSCALL 1 /* nr, a1..a6 */
#define OP_COPY	   2 /* -, dst, src, len */
#define OP_ZERO	   3 /* -, dst, len */
#define OP_TOUCH   4 /* -, addr: read one byte (grows the stack VMA) */
#define OP_CHECK   0x100
#define OP_ELSE	   0x200 /* run only if the previous system call failed */

#endif
