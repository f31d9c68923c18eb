// SPDX-License-Identifier: MIT
/*
 * probe_nolibc.c - the libc-free flavour: registers at entry, then the core.
 *
 * Nothing runs before _start here, so this is the only flavour that sees
 * the registers exactly as exec set them (load_elf_binary's ELF_PLAT_INIT
 * and start_thread): every general register 0 but rsp, rflags 0x202, fs and
 * gs base 0, and a fresh FPU (x87 control word 0x37f, all tags empty, MXCSR
 * 0x1f80, xmm registers zero).
 */
#include "probe.h"

#include <asm/prctl.h>

/* Filled by _start (probe_start.S). */
unsigned long start_gpr[15], start_rflags;
unsigned char start_fpenv[28];
unsigned int start_mxcsr;
unsigned char start_xmm[256];

static const char *const gpr_names[15] = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
    "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};

/* gcc may emit calls to these even with -ffreestanding. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

static void registers_report(long *sp)
{
	unsigned long fs = 1, gs = 1, any = 0;
	unsigned int fcw = start_fpenv[0] | start_fpenv[1] << 8;
	unsigned int fsw = start_fpenv[4] | start_fpenv[5] << 8;
	unsigned int ftw = start_fpenv[8] | start_fpenv[9] << 8;
	int xmm_zero = 1;

	for (int i = 0; i < 15; i++) {
		emit("reg.%s=0x%lx", gpr_names[i], start_gpr[i]);
		any |= start_gpr[i];
	}
	check(any == 0, "reg.gprs_zero");
	emit("reg.rflags=0x%lx", start_rflags);
	check(start_rflags == 0x202, "reg.rflags_initial");
	emit("reg.rsp_mod16=%lu", (unsigned long)sp % 16);

	sc2(SYS_arch_prctl, ARCH_GET_FS, &fs);
	sc2(SYS_arch_prctl, ARCH_GET_GS, &gs);
	emit("reg.fs_base=0x%lx", fs);
	emit("reg.gs_base=0x%lx", gs);
	check(fs == 0 && gs == 0, "reg.fs_gs_base_zero");

	emit("reg.x87_cw=0x%x", fcw);
	emit("reg.x87_sw=0x%x", fsw);
	emit("reg.x87_tw=0x%x", ftw);
	emit("reg.mxcsr=0x%x", start_mxcsr);
	check(fcw == 0x37f && fsw == 0 && ftw == 0xffff && start_mxcsr == 0x1f80,
	      "reg.fpu_initial");
	for (size_t i = 0; i < sizeof(start_xmm); i++)
		xmm_zero &= start_xmm[i] == 0;
	emit("reg.xmm0_15_zero=%s", xmm_zero ? "yes" : "no");
	check(xmm_zero, "reg.xmm_initial");
}

int nolibc_main(long *sp);
int nolibc_main(long *sp)
{
	static struct probe p;

	registers_report(sp);
	probe_run(&p, sp);
	emit("libc=none");
	rseq_report_unregistered();
	return flush_output();
}
