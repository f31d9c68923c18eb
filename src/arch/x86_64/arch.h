/* x86-64 facts the loader follows (arch/x86/include/asm/elf.h, page_64_types.h). */
#ifndef UEXEC_ARCH_H
#define UEXEC_ARCH_H

#include <elf.h>

#define ARCH_ELF_MACHINE EM_X86_64
#define ARCH_PLATFORM	 "x86_64" /* AT_PLATFORM string */
#define ARCH_PAGE_SIZE	 4096UL
/* TASK_SIZE for a 4-level task: the highest user address + 1 minus a guard page. */
#define ARCH_TASK_SIZE ((1UL << 47) - ARCH_PAGE_SIZE)
/* ELF_ET_DYN_BASE: DEFAULT_MAP_WINDOW / 3 * 2, where a PIE with an interpreter goes. */
#define ARCH_ET_DYN_BASE (ARCH_TASK_SIZE / 3 * 2)
/* __TASK_UNMAPPED_BASE: where the bottom-up (legacy) mmap layout starts */
#define ARCH_LEGACY_BASE (((ARCH_TASK_SIZE / 3) + ARCH_PAGE_SIZE - 1) & ~(ARCH_PAGE_SIZE - 1))
/* STACK_RND_MASK: pages of stack-top randomisation on 64-bit. */
#define ARCH_STACK_RND_MASK  0x3fffffUL
#define ARCH_STK_LIM	     (8UL << 20)   /* _STK_LIM: RLIMIT_STACK's default */
#define ARCH_STACK_GUARD_GAP (256UL << 12) /* stack_guard_gap's default */
/* arch_align_stack(): a random 0..8191 byte gap below the strings. */
#define ARCH_STACK_ALIGN_RND 8192UL
/* arch_randomize_brk(): brk is moved up to 1 GiB on 64-bit. */
#define ARCH_BRK_RND (1UL << 30)
/* mmap_base is at least this far below the stack (MIN_GAP in mm/util.c). */
#define ARCH_MMAP_GAP_MIN (128UL << 20)
/* PMD size: a file mapping this long or longer may be aligned to it by the
 * filesystem's get_unmapped_area (thp_get_unmapped_area), an anonymous one
 * of a multiple of it too. */
#define ARCH_PMD_SIZE (2UL << 20)
/* x86 has no AT_BASE_PLATFORM and defines no AT_HWCAP3/4. */

#endif
