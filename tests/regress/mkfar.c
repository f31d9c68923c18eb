/*
 * mkfar OUT NLOW GAP_GIB [desc] - a valid static ET_EXEC whose PT_LOADs span
 * a huge range with almost nothing in it: a text page at 0x400000 that
 * writes to the lowest bss page and calls exit_group(7), NLOW one-page bss
 * segments just above it, and one more bss page GAP_GIB GiB higher; with
 * "desc" the bss PT_LOADs come in descending address order (the kernel does
 * not ask for them sorted).  The kernel maps each segment on its own and the
 * program exits 7 at once.
 *
 * Regression input for map.c's drop_holes(), which once walked the whole
 * span a page at a time (1 TiB of span and 60 segments took 16 s), and for
 * commit.c's keep_image(), which once let the teardown unmap the lowest of
 * many unsorted segments (tests/65-regress.t).
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
	/* movb $1, LOW (patched below); mov $231, %eax; mov $7, %edi; syscall */
	unsigned char code[] = {0xc6, 0x04, 0x25, 0,	0, 0, 0, 1, 0xb8, 0xe7,
				0,    0,    0,	  0xbf, 7, 0, 0, 0, 0x0f, 0x05};
	unsigned long low;
	int desc = argc == 5 && strcmp(argv[4], "desc") == 0;
	unsigned long nlow, gap;
	unsigned char *img;
	size_t size;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	FILE *f;

	if (argc != 4 && !desc) {
		fprintf(stderr, "usage: mkfar OUT NLOW GAP_GIB [desc]\n");
		return 2;
	}
	nlow = strtoul(argv[2], NULL, 0);
	gap = strtoul(argv[3], NULL, 0) << 30;
	if (nlow < 1 || nlow > 1000) {
		fprintf(stderr, "mkfar: 1 to 1000 low segments\n");
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
	low = BASE + size + PAGE;
	for (unsigned long i = 0; i < nlow; i++) /* desc: the far page first, then down */
		load(&ph[desc ? 1 + nlow - i : 1 + i], PF_R | PF_W, low + 2 * i * PAGE, 0);
	load(&ph[desc ? 1 : 1 + nlow], PF_R | PF_W, BASE + gap, 0);
	memcpy(code + 3, &low, 4); /* little-endian, below 4 GiB */
	memcpy(img + size - PAGE, code, sizeof(code));
	f = fopen(argv[1], "wb");
	if (!f || fwrite(img, 1, size, f) != size || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
