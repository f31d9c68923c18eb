/*
 * image.h - ELF files in memory for mkbad: read, copy, grow, write, and look
 * at their headers only through accessors that stay inside the file.
 */
#ifndef MKBAD_IMAGE_H
#define MKBAD_IMAGE_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PAGE	    4096UL
#define PAGE_OFF(x) ((x) & (PAGE - 1))
#define PAGE_UP(x)  (((x) + PAGE - 1) & ~(PAGE - 1))
/* x86-64 TASK_SIZE_MAX with 4-level paging: the first address user space cannot map. */
#define TASK_SIZE ((1UL << 47) - PAGE)

struct image {
	unsigned char *buf;
	size_t size;
};

/* A generator has no one to return errors to: print "mkbad: ..." and exit 1. */
__attribute__((format(printf, 1, 2), noreturn)) void die(const char *format, ...);
/* snprintf that dies rather than truncate; returns the length. */
__attribute__((format(printf, 3, 4))) int fmt(char *buf, size_t size, const char *format, ...);

void img_read(struct image *im, const char *path);
void img_copy(struct image *dst, const struct image *src);
size_t img_append(struct image *im, const void *data, size_t len, size_t align);
void img_write(const struct image *im, const char *dir, const char *name, mode_t mode);

Elf64_Ehdr *ehdr(struct image *im);
Elf64_Phdr *phdr(struct image *im, unsigned int i);
Elf64_Phdr *find_phdr(struct image *im, uint32_t type, unsigned int nth);
Elf64_Phdr *last_load(struct image *im);
Elf64_Phdr *text_load(struct image *im);
uint64_t image_end(struct image *im);

int grow_phdrs(struct image *im, unsigned int n);
int set_interp(struct image *im, const void *str, size_t len);
const char *interp_of(struct image *im);
char *padded_path(const char *path, size_t len);

#endif
