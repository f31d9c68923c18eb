/*
 * robss IN OUT: copies the ELF program IN to OUT, giving its executable
 * PT_LOAD two pages of bss (p_memsz beyond p_filesz) although it is not
 * writable.  The kernel maps such bss as anonymous read-write(-execute)
 * pages and leaves the file's bytes in the rest of the last file page
 * (its padzero() fails and is ignored); uexec must do the same.  IN must
 * leave room after that segment (link it with a large max-page-size).
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	static unsigned char buf[1 << 22];
	FILE *f;
	size_t n;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph;

	if (argc != 3 || !(f = fopen(argv[1], "rb")))
		return 2;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n < sizeof(*eh) || eh->e_phoff + (size_t)eh->e_phnum * sizeof(*ph) > n)
		return 2;
	ph = (Elf64_Phdr *)(buf + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_X))
			continue;
		ph[i].p_memsz = ph[i].p_filesz + 0x2000;
		for (int j = 0; j < eh->e_phnum; j++)
			if (j != i && ph[j].p_type == PT_LOAD && ph[j].p_vaddr > ph[i].p_vaddr &&
			    ph[j].p_vaddr < ((ph[i].p_vaddr + ph[i].p_memsz + 0xfff) & ~0xfffUL)) {
				fprintf(stderr, "robss: no room after the text segment\n");
				return 1;
			}
		if (!(f = fopen(argv[2], "wb")) || fwrite(buf, 1, n, f) != n || fclose(f))
			return 1;
		return 0;
	}
	fprintf(stderr, "robss: no executable PT_LOAD\n");
	return 1;
}
