/* The scratch arena (src/util.c): 64-byte aligned, never past its end,
 * no wrap-around on absurd sizes.  (Linked with the red-zone wrapper, which
 * must keep all of these true.) */
#include "tap.h"
#include "uexec.h"
#include "util.h"
#include <stdint.h>

int main(void)
{
	struct arena a;
	unsigned char *p, *q, *r, *end;
	int aligned = 1, apart = 1;

	TAP_OK(arena_init(&a, 100) == 0 && a.size == PAGE_SIZE, "the size is rounded to a page");
	p = arena_alloc(&a, 1);
	q = arena_alloc(&a, 100);
	TAP_OK(p && q && q > p, "two allocations, in order");
	end = q + 100;
	for (int i = 0; i < 10; i++) {
		r = arena_alloc(&a, (size_t)i * 3 + 1);
		aligned &= r && ((uintptr_t)r & 63) == 0;
		apart &= r && r >= end;
		if (r)
			end = r + i * 3 + 1;
	}
	TAP_OK(aligned && ((uintptr_t)p & 63) == 0, "every allocation is 64-byte aligned");
	TAP_OK(apart && q >= p + 1, "each allocation starts past the end of the one before");
	TAP_OK(arena_alloc(&a, PAGE_SIZE) == NULL, "more than is left: NULL");
	TAP_OK(arena_alloc(&a, SIZE_MAX) == NULL, "SIZE_MAX: NULL, no wrap-around");
	TAP_OK(arena_alloc(&a, SIZE_MAX - 63) == NULL, "SIZE_MAX - 63: NULL, no wrap-around");
	TAP_OK(arena_alloc(&a, 1) != NULL, "still usable after a refusal");
	arena_release(&a);
	TAP_OK(a.size == 0, "released");
	arena_release(&a);
	TAP_OK(a.size == 0, "a second release is harmless");
	TAP_OK(arena_init(&a, (size_t)1 << 62) < 0 && *uexec_reason(),
	       "an impossible size fails with a reason");
	return tap_done();
}
