/*
 * mkfar OUT NLOW GAP_GIB - a valid static ET_EXEC whose PT_LOADs span a huge
 * range with almost nothing in it: a text page at 0x400000 that calls
 * exit_group(7), NLOW one-page bss segments just above it, and one more bss
 * page GAP_GIB GiB higher.  The kernel maps each segment on its own and the
 * program exits 7 at once.
 *
 * Regression input for map.c's drop_holes(), which walks the whole span a
 * page at a time and looks at every segment for each page: 1 TiB of span and
 * 60 segments took 16 s (tests/65-regress.t).
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE 0x400000UL
#define PAGE 0x1000UL

static void load(Elf64_Phdr *p, unsigned flags, unsigned long vaddr, unsigned long filesz)
{
	memset(p, 0, sizeof(*p));
	p->p_type = PT_LOAD;
	p->p_flags = flags;
	p->p_vaddr = p->p_paddr = vaddr;
	p->p_filesz = filesz;
	p->p_memsz = filesz ? filesz : PAGE;
	p->p_align = PAGE;
}

int main(int argc, char **argv)
{
	/* mov $231, %eax; mov $7, %edi; syscall */
	static const unsigned char code[] = {0xb8, 0xe7, 0, 0, 0, 0xbf, 7, 0, 0, 0, 0x0f, 0x05};
	unsigned long nlow, gap;
	unsigned char *img;
	size_t size;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	FILE *f;

	if (argc != 4) {
		fprintf(stderr, "usage: mkfar OUT NLOW GAP_GIB\n");
		return 2;
	}
	nlow = strtoul(argv[2], NULL, 0);
	gap = strtoul(argv[3], NULL, 0) << 30;
	if (nlow > 1000) {
		fprintf(stderr, "mkfar: at most 1000 low segments\n");
		return 2;
	}
	size = sizeof(*eh) + (nlow + 2) * sizeof(*ph);
	size = (size + PAGE - 1) / PAGE * PAGE + PAGE;
	img = calloc(1, size);
	eh = (Elf64_Ehdr *)img;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = BASE + size - PAGE;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = (Elf64_Half)(nlow + 2);
	ph = (Elf64_Phdr *)(img + sizeof(*eh));
	load(&ph[0], PF_R | PF_X, BASE, size);
	for (unsigned long i = 0; i < nlow; i++)
		load(&ph[1 + i], PF_R | PF_W, BASE + size + PAGE + 2 * i * PAGE, 0);
	load(&ph[1 + nlow], PF_R | PF_W, BASE + gap, 0);
	memcpy(img + size - PAGE, code, sizeof(code));
	f = fopen(argv[1], "wb");
	if (!f || fwrite(img, 1, size, f) != size || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
