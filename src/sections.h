/* --plan: the section header table and readelf's section-to-segment rule. */
#ifndef UEXEC_SECTIONS_H
#define UEXEC_SECTIONS_H

#include <elf.h>
#include "util.h"

struct sections {
	struct arena *arena; /* where the table and names are read to */
	unsigned n;	     /* 0: none (why says why, or the table is empty) */
	Elf64_Shdr *sh;
	char *names; /* .shstrtab, NUL-terminated */
	uint64_t names_len;
	const char *why;
};

/* 0, or -errno when out of memory; a missing or unreadable table is no error. */
HIDDEN int sections_read(struct sections *sec, int fd, const Elf64_Ehdr *eh, uint64_t file_size);
HIDDEN const char *section_name(const struct sections *sec, unsigned i);
/* readelf -lW's "Section to Segment mapping": whether s is listed under p. */
HIDDEN int section_in_segment(const Elf64_Shdr *s, const Elf64_Phdr *p);

#endif
