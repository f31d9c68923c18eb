// SPDX-License-Identifier: MIT
/*
 * mkelf OUT SEGMENT... - a small static x86-64 ET_EXEC made by hand, for the
 * page-size verdicts of uexec --plan (tests/80-plan.t), where a linker would
 * not lay segments out that way.  Each SEGMENT is
 *   load:FLAGS:VADDR:OFFSET:SIZE:ALIGN   a PT_LOAD (FLAGS of r, w, x; p_filesz =
 *                                        p_memsz = SIZE)
 *   relro:VADDR:SIZE                     a PT_GNU_RELRO
 * numbers in hex.  The ELF and program headers are at the start of the file;
 * the first executable segment starts with exit(0), the entry point.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	static const unsigned char code[] = {0xb8, 60,	 0, 0, 0, /* mov $60, %eax */
					     0x31, 0xff,	  /* xor %edi, %edi */
					     0x0f, 0x05};	  /* syscall */
	Elf64_Ehdr eh = {0};
	Elf64_Phdr ph[16] = {0};
	unsigned char *file;
	size_t size = 0;
	int n = 0;
	FILE *f;

	if (argc < 3 || argc - 2 > 16) {
		fprintf(
		    stderr,
		    "usage: mkelf OUT load:FLAGS:VADDR:OFFSET:SIZE:ALIGN|relro:VADDR:SIZE...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++, n++) {
		char fl[8] = "";
		unsigned long v, o, s, a;

		if (sscanf(argv[i], "load:%7[rwx]:%lx:%lx:%lx:%lx", fl, &v, &o, &s, &a) == 5) {
			ph[n] = (Elf64_Phdr){.p_type = PT_LOAD,
					     .p_vaddr = v,
					     .p_paddr = v,
					     .p_offset = o,
					     .p_filesz = s,
					     .p_memsz = s,
					     .p_align = a,
					     .p_flags = (strchr(fl, 'r') ? PF_R : 0) |
							(strchr(fl, 'w') ? PF_W : 0) |
							(strchr(fl, 'x') ? PF_X : 0)};
			if (o + s > size)
				size = o + s;
			if ((ph[n].p_flags & PF_X) && !eh.e_entry)
				eh.e_entry = v;
		} else if (sscanf(argv[i], "relro:%lx:%lx", &v, &s) == 2) {
			ph[n] = (Elf64_Phdr){.p_type = PT_GNU_RELRO,
					     .p_vaddr = v,
					     .p_paddr = v,
					     .p_memsz = s,
					     .p_flags = PF_R,
					     .p_align = 1};
		} else {
			fprintf(stderr, "mkelf: cannot read %s\n", argv[i]);
			return 2;
		}
	}
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (Elf64_Half)n;
	if (size < sizeof(eh) + n * sizeof(Elf64_Phdr) + 64)
		size = sizeof(eh) + n * sizeof(Elf64_Phdr) + 64;
	file = calloc(1, size);
	memcpy(file, &eh, sizeof(eh));
	memcpy(file + sizeof(eh), ph, n * sizeof(Elf64_Phdr));
	for (int i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_X)) {
			/* past the headers when the segment holds them */
			size_t at = ph[i].p_offset;

			if (at < sizeof(eh) + n * sizeof(Elf64_Phdr)) {
				at = sizeof(eh) + n * sizeof(Elf64_Phdr);
				eh.e_entry = ph[i].p_vaddr + (at - ph[i].p_offset);
				memcpy(file, &eh, sizeof(eh));
			}
			memcpy(file + at, code, sizeof(code));
			break;
		}
	f = fopen(argv[1], "wb");
	if (!f || fwrite(file, 1, size, f) != size || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
