/*
 * --plan: which sections each segment holds, with the rule of readelf -lW's
 * "Section to Segment mapping" (binutils' strict in-segment test), read from
 * the section header table.  Nothing here is needed to load a program: the
 * kernel never looks at sections.
 */
#include <errno.h>
#include "bprm.h"
#include "sections.h"
#include "sys.h"

/* A thread-local bss outside PT_TLS takes no room there (.tbss). */
static int tbss_special(const Elf64_Shdr *s, const Elf64_Phdr *p)
{
	return (s->sh_flags & SHF_TLS) && s->sh_type == SHT_NOBITS && p->p_type != PT_TLS;
}

/* Segment types that hold only SHF_ALLOC sections. */
static int alloc_only(uint32_t t)
{
	return t == PT_LOAD || t == PT_DYNAMIC || t == PT_GNU_EH_FRAME || t == PT_GNU_STACK ||
	       t == PT_GNU_RELRO || t == 0x6474e554 /* PT_GNU_SFRAME */ ||
	       (t >= 0x6474e555 && t <= 0x6474f554) /* PT_GNU_MBIND_LO..HI */;
}

/* Whether [start, start + size) lies in [base, base + len), an empty
 * range at its very end included, its start strictly inside. */
static int inside(uint64_t start, uint64_t size, uint64_t base, uint64_t len)
{
	return start >= base && start - base <= len - 1 && start - base + size <= len;
}

int section_in_segment(const Elf64_Shdr *s, const Elf64_Phdr *p)
{
	int tls = (s->sh_flags & SHF_TLS) != 0, alloc = (s->sh_flags & SHF_ALLOC) != 0;
	uint64_t size = tbss_special(s, p) ? 0 : s->sh_size;

	if (tbss_special(s, p))
		return 0;
	/* TLS sections only in PT_TLS, PT_GNU_RELRO and PT_LOAD; PT_TLS holds
	 * nothing else, PT_PHDR no section at all */
	if (tls && p->p_type != PT_TLS && p->p_type != PT_GNU_RELRO && p->p_type != PT_LOAD)
		return 0;
	if (!tls && (p->p_type == PT_TLS || p->p_type == PT_PHDR))
		return 0;
	if (!alloc && alloc_only(p->p_type))
		return 0;
	/* its bytes in the segment's file image (but for a NOBITS section) */
	if (s->sh_type != SHT_NOBITS && !inside(s->sh_offset, size, p->p_offset, p->p_filesz))
		return 0;
	/* its addresses in the segment's memory */
	if (alloc && !inside(s->sh_addr, size, p->p_vaddr, p->p_memsz))
		return 0;
	/* an empty section at the very start or end of PT_DYNAMIC or PT_NOTE is
	 * not in it */
	if ((p->p_type == PT_DYNAMIC || p->p_type == PT_NOTE) && s->sh_size == 0 &&
	    p->p_memsz != 0) {
		if (s->sh_type != SHT_NOBITS &&
		    !(s->sh_offset > p->p_offset && s->sh_offset - p->p_offset < p->p_filesz))
			return 0;
		if (alloc && !(s->sh_addr > p->p_vaddr && s->sh_addr - p->p_vaddr < p->p_memsz))
			return 0;
	}
	return 1;
}

static long read_at(int fd, void *dst, uint64_t n, uint64_t off)
{
	uint64_t done = 0;

	while (done < n) {
		long r = sys_pread(fd, (char *)dst + done, n - done, off + done);

		if (r <= 0)
			return r < 0 ? r : -EIO;
		done += (uint64_t)r;
	}
	return 0;
}

/*
 * The section headers and their names, into memory of sec->arena.  A file
 * without a section header table (or with one that cannot be read) has
 * no sections: sec->n is 0 and why says what is wrong.
 */
int sections_read(struct sections *sec, int fd, const Elf64_Ehdr *eh, uint64_t file_size)
{
	Elf64_Shdr first;
	uint64_t n = eh->e_shnum, strndx = eh->e_shstrndx, bytes;
	const Elf64_Shdr *st;

	sec->n = 0;
	sec->why = NULL;
	if (!eh->e_shoff) {
		sec->why = "no section header table";
		return 0;
	}
	if (eh->e_shentsize != sizeof(Elf64_Shdr)) {
		sec->why = "e_shentsize is not 64";
		return 0;
	}
	if (eh->e_shoff > file_size || file_size - eh->e_shoff < sizeof(first) ||
	    read_at(fd, &first, sizeof(first), eh->e_shoff)) {
		sec->why = "section header table past the end of the file";
		return 0;
	}
	if (n == 0) /* SHN_LORESERVE sections or more: the count is in section 0 */
		n = first.sh_size;
	if (strndx == SHN_XINDEX)
		strndx = first.sh_link;
	bytes = n * sizeof(Elf64_Shdr);
	if (n == 0 || n > (1UL << 24) || file_size - eh->e_shoff < bytes) {
		sec->why = "section header table past the end of the file";
		return 0;
	}
	sec->sh = arena_alloc(sec->arena, bytes);
	if (!sec->sh)
		return uexec_fail(ENOMEM, "out of scratch memory for %lu section headers",
				  (unsigned long)n);
	if (read_at(fd, sec->sh, bytes, eh->e_shoff)) {
		sec->why = "cannot read the section header table";
		return 0;
	}
	sec->n = (unsigned)n;
	sec->names = NULL;
	sec->names_len = 0;
	if (strndx == 0 || strndx >= n)
		return 0;
	st = &sec->sh[strndx];
	if (st->sh_type == SHT_NOBITS || st->sh_offset > file_size ||
	    st->sh_size > file_size - st->sh_offset || st->sh_size == 0)
		return 0;
	sec->names = arena_alloc(sec->arena, st->sh_size + 1);
	if (!sec->names)
		return uexec_fail(ENOMEM, "out of scratch memory for section names");
	if (read_at(fd, sec->names, st->sh_size, st->sh_offset)) {
		sec->names = NULL;
		return 0;
	}
	sec->names[st->sh_size] = 0;
	sec->names_len = st->sh_size;
	return 0;
}

const char *section_name(const struct sections *sec, unsigned i)
{
	uint32_t at = sec->sh[i].sh_name;

	if (!sec->names || at >= sec->names_len)
		return "<no-name>";
	return sec->names + at;
}
