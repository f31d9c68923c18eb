/*
 * Red zones for the loader's arena, for the sanitizer and fuzz builds.
 *
 * The library takes all its scratch memory from one mmap'd arena
 * (src/util.c), which AddressSanitizer sees as one big valid block: a
 * parser that ran past its program-header table into the segment plan that
 * follows would go unnoticed.  Linked with -Wl,--wrap=arena_alloc
 * -Wl,--wrap=arena_release, every allocation gets a poisoned tail, so such
 * an overrun is reported like a heap overflow.  src/ is not changed: only
 * the calls between objects are redirected.
 */
#include "util.h"
#include <sanitizer/asan_interface.h>
#include <stddef.h>
#include <stdint.h>

#define REDZONE 64

void *__real_arena_alloc(struct arena *a, size_t size);
void __real_arena_release(struct arena *a);
void *__wrap_arena_alloc(struct arena *a, size_t size);
void __wrap_arena_release(struct arena *a);

void *__wrap_arena_alloc(struct arena *a, size_t size)
{
	unsigned char *p = NULL;

	if (size <= SIZE_MAX - REDZONE)
		p = __real_arena_alloc(a, size + REDZONE);
	if (!p) /* no room for the red zone: the plain allocation decides */
		return __real_arena_alloc(a, size);
	ASAN_POISON_MEMORY_REGION(p + size, REDZONE);
	return p;
}

/* The arena goes back to the kernel: clear its poison, since the next
 * mmap may return the same addresses. */
void __wrap_arena_release(struct arena *a)
{
	if (a->size)
		ASAN_UNPOISON_MEMORY_REGION((void *)a->base, a->size);
	__real_arena_release(a);
}
