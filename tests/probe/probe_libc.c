// SPDX-License-Identifier: MIT
/*
 * probe_libc.c - main() of the glibc and musl flavours.
 *
 * The core needs the initial stack pointer.  Both libcs hand main() the argv
 * array that _start found at sp + 8, unmoved, so sp = argv - 1; the core then
 * checks that *sp == argc and that envp follows argv, so a wrong guess here
 * fails loudly instead of printing nonsense.  What only a libc can show is
 * checked here: TLS in the main thread and in a new thread, and (glibc) that
 * the rseq area glibc registered at start-up is the one the kernel knows.
 */
#include "probe.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#ifdef __GLIBC__
#include <sys/rseq.h>
#endif

static __thread int tls_value = 42;
static __thread char tls_block[64] __attribute__((aligned(64))) = {7};

struct thread_view {
	int value, block0, aligned;
};

static void tls_view(struct thread_view *v)
{
	v->value = tls_value;
	v->block0 = tls_block[0];
	v->aligned = (uintptr_t)tls_block % 64 == 0;
}

static void *thread_main(void *arg)
{
	tls_view(arg);
	/* The thread's copy must be its own: main must still see 42. */
	tls_value = 1;
	return NULL;
}

static void tls_report(void)
{
	struct thread_view main_view, thread_view = {0, 0, 0};
	pthread_t t;

	tls_view(&main_view);
	check(main_view.value == 42 && main_view.block0 == 7 && main_view.aligned,
	      "tls.main_initialised");
	check(pthread_create(&t, NULL, thread_main, &thread_view) == 0 &&
		  pthread_join(t, NULL) == 0,
	      "tls.thread_ran");
	check(thread_view.value == 42 && thread_view.block0 == 7 && thread_view.aligned,
	      "tls.thread_initialised");
	check(tls_value == 42, "tls.main_unchanged_by_thread");
}

#ifdef __GLIBC__
/*
 * glibc registers rseq for the main thread at start-up.  Registering the
 * same area again must give EBUSY: that proves the kernel holds this very
 * registration, and that no stale one of the loader was in the way.
 */
static void rseq_report_glibc(void)
{
	struct rseq *rs = (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
	long r;

	emit("rseq.glibc_size=%u", __rseq_size);
	if (!__rseq_size)
		return;
	r = sc4(SYS_rseq, rs, sizeof(*rs), 0, RSEQ_SIG);
	check(r == -EBUSY, "rseq.registered_by_glibc");
	check((int)rs->cpu_id >= 0, "rseq.cpu_id_valid");
}
#endif

int main(int argc, char **argv, char **envp)
{
	static struct probe p;

	check(envp == argv + argc + 1, "libc.envp_follows_argv");
	probe_run(&p, (long *)argv - 1);
#ifdef __GLIBC__
	emit("libc=glibc");
	rseq_report_glibc();
#else
	emit("libc=musl");
	rseq_report_unregistered();
#endif
	tls_report();
	return flush_output();
}
