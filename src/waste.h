/* --plan: waste and page-size verdicts of one image (src/waste.c). */
#ifndef UEXEC_WASTE_H
#define UEXEC_WASTE_H

#include <stdint.h>
#include "util.h"

struct elf_image;
struct sections;

struct load_waste {
	unsigned phdr;	     /* its index in the program header table */
	uint64_t padding;    /* file bytes no section holds */
	uint64_t head, tail; /* memory before and after its content in its pages */
	uint64_t shared;     /* its file pages another PT_LOAD maps too */
};

struct waste {
	uint64_t page;
	unsigned nload;
	struct load_waste *load;
	uint64_t padding, rounding; /* bytes */
	uint64_t twice_pages, mapped_pages, packed_pages;
};

HIDDEN int waste_compute(struct arena *a, const struct elf_image *im, const struct sections *sec,
			 uint64_t page, struct waste *w);

enum { KERNEL_MAPS, PERMISSIONS_EXACT, BIONIC_LOADS, NVERDICTS };
struct rule {
	unsigned failures; /* 0: the rule holds */
	char why[200];	   /* the first failure */
};
struct verdicts {
	uint64_t page;
	struct rule rule[NVERDICTS];
};

HIDDEN void verdicts(const struct elf_image *im, uint64_t page, struct verdicts *v);
extern HIDDEN const char *const verdict_names[NVERDICTS];

#endif
