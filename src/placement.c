/*
 * Stage 4, where the kernel puts a file mapping: the rule of
 * get_unmapped_area() for an interpreter or a static-pie, which elf_map()
 * maps as one file mapping of the whole span.  Some file systems (ext4, xfs,
 * btrfs: those whose get_unmapped_area is thp_get_unmapped_area(), on
 * kernels that align for page-cache folios, not only for DAX) place a file
 * mapping of 2 MiB or more at an address congruent to its file offset
 * modulo 2 MiB, the highest such below the top of the free stretch; others
 * (tmpfs without huge pages) page-aligned.  Which one a file gets is not
 * told by any version or name: it is asked of the allocator itself, with
 * the kernel's very request.  The command needs none of this: it maps the
 * span with that request where the kernel would (map.c).  The library maps
 * it wherever its caller leaves room, and plans its final place here.
 */
#include <errno.h>
#include "arch/x86_64/arch.h"
#include "bprm.h"
#include "sys.h"

/* Where the allocator puts len bytes of fd at off, no hint; 0 if it cannot. */
static uint64_t probe(int fd, uint64_t off, uint64_t len)
{
	long p = sys_mmap(0, len, PROT_NONE, MAP_PRIVATE | MAP_NORESERVE, fd, (long)off);

	if (sys_is_err(p))
		return 0;
	sys_munmap((uint64_t)p, len);
	return (uint64_t)p;
}

/*
 * Whether a file mapping of fd (len bytes at off) is placed 2 MiB-aligned
 * (modulo off).  Two probes a page apart in length: a page-aligned
 * allocator gives two addresses a page apart, which cannot both be aligned;
 * an aligning one gives two aligned addresses.
 */
int file_map_thp_aligned(int fd, uint64_t off, uint64_t len)
{
	uint64_t a, b;

	if (len < ARCH_PMD_SIZE)
		return 0;
	a = probe(fd, off, len);
	b = a ? probe(fd, off, len + PAGE_SIZE) : 0;
	return a && b && !((a - off) & (ARCH_PMD_SIZE - 1)) && !((b - off) & (ARCH_PMD_SIZE - 1));
}

/*
 * __thp_get_unmapped_area() in an empty stretch that ends at top: the
 * highest address at or below top - len congruent to off modulo 2 MiB.
 */
uint64_t thp_slot(uint64_t top, uint64_t len, uint64_t off)
{
	uint64_t at = top - len, mask = ARCH_PMD_SIZE - 1;

	return at - ((at - off) & mask);
}
