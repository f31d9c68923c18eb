/*
 * image.c - an ELF file held in memory, bounded views of its headers, and the
 * edits several mkbad variants share.  See image.h.
 */
#define _GNU_SOURCE
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void die(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	fputs("mkbad: ", stderr);
	vfprintf(stderr, format, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* snprintf that refuses to truncate; returns the length. */
int fmt(char *buf, size_t size, const char *format, ...)
{
	va_list ap;
	int len;

	va_start(ap, format);
	len = vsnprintf(buf, size, format, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= size)
		die("name too long: %s", format);
	return len;
}

/* ---- images in memory ------------------------------------------------- */

void img_read(struct image *im, const char *path)
{
	FILE *f = fopen(path, "rb");
	long len;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		die("%s: %s", path, strerror(errno));
	im->size = len;
	im->buf = malloc(len ? len : 1);
	if (!im->buf || fread(im->buf, 1, len, f) != (size_t)len)
		die("%s: cannot read", path);
	fclose(f);
}

void img_copy(struct image *dst, const struct image *src)
{
	dst->size = src->size;
	dst->buf = malloc(src->size ? src->size : 1);
	if (!dst->buf)
		die("out of memory");
	memcpy(dst->buf, src->buf, src->size);
}

/*
 * Append len bytes (zeros when data is NULL) at the next multiple of align and
 * return their file offset.  Pointers into the image are stale afterwards.
 */
size_t img_append(struct image *im, const void *data, size_t len, size_t align)
{
	size_t off = (im->size + align - 1) / align * align;
	unsigned char *buf = realloc(im->buf, off + len);

	if (!buf)
		die("out of memory");
	memset(buf + im->size, 0, off - im->size);
	if (data)
		memcpy(buf + off, data, len);
	else
		memset(buf + off, 0, len);
	im->buf = buf;
	im->size = off + len;
	return off;
}

void img_write(const struct image *im, const char *dir, const char *name, mode_t mode)
{
	char path[PATH_MAX];
	int fd;

	fmt(path, sizeof(path), "%s/%s", dir, name);
	/* Recreate rather than truncate, so the mode is the one asked for. */
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	if (fd < 0 || write(fd, im->buf, im->size) != (ssize_t)im->size || fchmod(fd, mode) ||
	    close(fd))
		die("%s: %s", path, strerror(errno));
}

/* ---- bounded views of the (trusted, but possibly already damaged) input -- */

/* The ELF header, or NULL if the file is too short to hold one. */
Elf64_Ehdr *ehdr(struct image *im)
{
	return im->size >= sizeof(Elf64_Ehdr) ? (Elf64_Ehdr *)im->buf : NULL;
}

/* Program header i, or NULL unless the whole entry lies inside the file. */
Elf64_Phdr *phdr(struct image *im, unsigned int i)
{
	Elf64_Ehdr *eh = ehdr(im);
	uint64_t off;

	if (!eh || eh->e_phentsize != sizeof(Elf64_Phdr) || i >= eh->e_phnum)
		return NULL;
	if (eh->e_phoff > im->size || im->size < sizeof(Elf64_Phdr))
		return NULL;
	/* e_phoff <= size and i < 65536, so this cannot wrap. */
	off = eh->e_phoff + (uint64_t)i * sizeof(Elf64_Phdr);
	if (off > im->size - sizeof(Elf64_Phdr))
		return NULL;
	return (Elf64_Phdr *)(im->buf + off);
}

/* The nth (from 0) program header of the given type, or NULL. */
Elf64_Phdr *find_phdr(struct image *im, uint32_t type, unsigned int nth)
{
	Elf64_Phdr *ph;

	for (unsigned int i = 0; (ph = phdr(im, i)); i++)
		if (ph->p_type == type && nth-- == 0)
			return ph;
	return NULL;
}

Elf64_Phdr *last_load(struct image *im)
{
	Elf64_Phdr *ph, *last = NULL;

	for (unsigned int i = 0; (ph = find_phdr(im, PT_LOAD, i)); i++)
		last = ph;
	return last;
}

Elf64_Phdr *text_load(struct image *im)
{
	Elf64_Phdr *ph;

	for (unsigned int i = 0; (ph = find_phdr(im, PT_LOAD, i)); i++)
		if (ph->p_flags & PF_X)
			return ph;
	return NULL;
}

uint64_t image_end(struct image *im)
{
	Elf64_Phdr *ph;
	uint64_t end = 0;

	for (unsigned int i = 0; (ph = find_phdr(im, PT_LOAD, i)); i++)
		if (ph->p_vaddr + ph->p_memsz > end)
			end = ph->p_vaddr + ph->p_memsz;
	return end;
}

/* ---- edits shared by several variants --------------------------------- */

/*
 * Move the program-header table to the end of the file with room for n
 * entries, the new ones PT_NULL, and return the index of the first new one
 * (or -1).  The kernel takes AT_PHDR from the PT_LOAD that contains e_phoff,
 * and ld.so computes the main program's bias from PT_PHDR, so one new PT_LOAD
 * maps the moved table above the image and PT_PHDR follows it: the program
 * still runs, and only the property under test changes.
 */
int grow_phdrs(struct image *im, unsigned int n)
{
	Elf64_Ehdr *eh = ehdr(im);
	Elf64_Phdr *tab, *ph;
	unsigned int old;
	uint64_t vaddr;
	size_t off, len;

	if (!eh || !phdr(im, 0) || n < eh->e_phnum + 2u || n > 65535)
		return -1;
	old = eh->e_phnum;
	len = n * sizeof(Elf64_Phdr);
	tab = calloc(n, sizeof(Elf64_Phdr));
	if (!tab)
		die("out of memory");
	memcpy(tab, phdr(im, 0), old * sizeof(Elf64_Phdr));
	vaddr = PAGE_UP(image_end(im));
	off = img_append(im, tab, len, 8);
	free(tab);
	vaddr += PAGE_OFF(off);

	eh = ehdr(im);
	eh->e_phoff = off;
	eh->e_phnum = n;
	ph = phdr(im, old);
	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R;
	ph->p_offset = off;
	ph->p_vaddr = ph->p_paddr = vaddr;
	ph->p_filesz = ph->p_memsz = len;
	ph->p_align = PAGE;
	ph = find_phdr(im, PT_PHDR, 0);
	if (ph) {
		ph->p_offset = off;
		ph->p_vaddr = ph->p_paddr = vaddr;
		ph->p_filesz = ph->p_memsz = len;
	}
	return old + 1;
}

/*
 * Point PT_INTERP at len new bytes appended to the file.  p_vaddr is left
 * alone: ld.so reads its own name from memory there, and the original string
 * is still mapped at that address.
 */
int set_interp(struct image *im, const void *str, size_t len)
{
	Elf64_Phdr *ph;
	size_t off;

	if (!find_phdr(im, PT_INTERP, 0))
		return -1;
	off = img_append(im, str, len, 1);
	ph = find_phdr(im, PT_INTERP, 0);
	ph->p_offset = off;
	ph->p_filesz = len;
	return 0;
}

/* The PT_INTERP string of a valid input, or NULL. */
const char *interp_of(struct image *im)
{
	Elf64_Phdr *ph = find_phdr(im, PT_INTERP, 0);

	if (!ph || ph->p_filesz < 2 || ph->p_offset > im->size ||
	    ph->p_filesz > im->size - ph->p_offset || im->buf[ph->p_offset + ph->p_filesz - 1])
		return NULL;
	return (const char *)im->buf + ph->p_offset;
}

/*
 * A path of exactly len - 1 characters naming the same file as path: extra
 * slashes are free in a path walk, so pad with them.
 */
char *padded_path(const char *path, size_t len)
{
	size_t plen = strlen(path);
	char *s;

	if (len < plen + 1)
		return NULL;
	s = malloc(len);
	if (!s)
		die("out of memory");
	memset(s, '/', len - plen - 1);
	memcpy(s + len - plen - 1, path, plen + 1);
	return s;
}
