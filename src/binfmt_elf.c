/*
 * Stage 3 — parse: the checks of load_elf_binary() and load_elf_interp(),
 * all made before anything is mapped.  The kernel's own pre-commit checks
 * give its errno (ENOEXEC for the program, ELIBBAD for the interpreter, EIO
 * for short reads).  The checks the kernel only makes after its point of no
 * return — where it kills the process with SIGSEGV — are made here too, and
 * reported as errors instead, so the caller survives.
 */
#include <errno.h>
#include "arch/x86_64/arch.h"
#include "bprm.h"
#include "sys.h"

static const char *type_name(unsigned t)
{
	switch (t) {
	case ET_NONE:
		return "ET_NONE";
	case ET_REL:
		return "ET_REL, a relocatable object";
	case ET_CORE:
		return "ET_CORE, a core dump";
	default:
		return "unknown";
	}
}

/*
 * pread() of the image, from its first bytes when they hold the range (or
 * the whole file: a read of them that came short ended at its end).
 */
static long image_pread(const struct elf_image *im, void *dst, uint64_t size, uint64_t off)
{
	uint64_t have = im->head ? (uint64_t)im->head_len : 0;

	if (im->head && (off + size <= have || have < HEAD_BYTES)) {
		uint64_t n = off >= have ? 0 : (size < have - off ? size : have - off);

		memcpy(dst, im->head + off, n);
		return (long)n;
	}
	return sys_pread(im->fd, dst, size, off);
}

/* Checks e_type, e_machine, e_phentsize, e_phnum; reads the program headers. */
static int read_phdrs(struct bprm *b, struct elf_image *im)
{
	const Elf64_Ehdr *eh = &im->eh;
	int err = im->is_interp ? ELIBBAD : ENOEXEC;
	const char *who = im->is_interp ? "interpreter: " : "";
	unsigned nload = 0;
	uint64_t size;
	long n;

	/* A header the kernel refuses for its e_type or e_machine may be wrong
	 * for a plainer reason, which the message then gives (the errno stays
	 * the kernel's; it reads neither EI_DATA nor a short file's length). */
	if ((eh->e_type != ET_EXEC && eh->e_type != ET_DYN) || eh->e_machine != ARCH_ELF_MACHINE) {
		if (im->head && im->head_len < (long)sizeof(Elf64_Ehdr))
			return uexec_fail(err,
					  "%sthe file is %ld bytes, too short for an ELF header "
					  "(%zu bytes)",
					  who, im->head_len, sizeof(Elf64_Ehdr));
		if (eh->e_ident[EI_DATA] == ELFDATA2MSB)
			return uexec_fail(err,
					  "%sa big-endian ELF file (EI_DATA 2), not little-endian "
					  "like x86-64",
					  who);
	}
	/* (the interpreter's e_type the kernel checks after its point of no
	 * return: SIGSEGV there) */
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return uexec_fail(err, "%se_type %u (%s) is not ET_EXEC or ET_DYN", who, eh->e_type,
				  type_name(eh->e_type));
	if (eh->e_machine != ARCH_ELF_MACHINE && !b->any_machine)
		return uexec_fail(err, "%se_machine %u is not EM_X86_64 (62)", who, eh->e_machine);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return uexec_fail(err, "%se_phentsize %u is not %zu", who, eh->e_phentsize,
				  sizeof(Elf64_Phdr));
	size = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (size == 0)
		return uexec_fail(err, "%se_phnum is 0: no program headers", who);
	if (size > MAX_PHDR_BYTES)
		return uexec_fail(err, "%se_phnum %u: the table is over 64 KiB", who, eh->e_phnum);
	if (eh->e_phoff > INT64_MAX - size)
		return uexec_fail(err, "%se_phoff %#lx is beyond any file", who,
				  (unsigned long)eh->e_phoff);
	if (im->head && eh->e_phoff + size <= (uint64_t)im->head_len && !(eh->e_phoff & 7)) {
		/* in the first bytes read, which stay while the image loads: used
		 * in place (scratch pages are page faults) */
		im->ph = (const Elf64_Phdr *)(const void *)(im->head + eh->e_phoff);
		n = (long)size;
	} else {
		Elf64_Phdr *copy = arena_alloc(&b->arena, size);

		if (!copy)
			return uexec_fail(ENOMEM, "out of scratch memory for program headers");
		n = image_pread(im, copy, size, eh->e_phoff);
		im->ph = copy;
	}
	if (n < 0)
		return uexec_fail(err, "%scannot read the program headers at e_phoff %#lx", who,
				  (unsigned long)eh->e_phoff);
	if ((uint64_t)n != size)
		return uexec_fail(
		    err,
		    "%sprogram headers (e_phoff %#lx + %lu bytes) run past the end of "
		    "the file (%lu bytes)",
		    who, (unsigned long)eh->e_phoff, (unsigned long)size,
		    (unsigned long)im->file_size);
	im->phnum = eh->e_phnum;
	/* two entries per PT_LOAD at most (plan_segment()) */
	for (unsigned i = 0; i < im->phnum; i++)
		nload += im->ph[i].p_type == PT_LOAD;
	im->seg = arena_alloc(&b->arena, 2 * (nload ? nload : 1) * sizeof(*im->seg));
	if (!im->seg)
		return uexec_fail(ENOMEM, "out of scratch memory for %u segments", nload);
	return 0;
}

/* The per-segment sanity the kernel checks after mapping (SIGSEGV there). */
static int check_loads(struct elf_image *im)
{
	int err = im->is_interp ? ELIBBAD : ENOEXEC;
	const char *who = im->is_interp ? "interpreter: " : "";
	unsigned nload = 0;

	for (unsigned i = 0; i < im->phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];

		if (p->p_type != PT_LOAD)
			continue;
		nload++;
		if (p->p_filesz > p->p_memsz)
			return uexec_fail(
			    err, "%sphdr %u: p_filesz %#lx is larger than p_memsz %#lx", who, i,
			    (unsigned long)p->p_filesz, (unsigned long)p->p_memsz);
		if (p->p_vaddr >= ARCH_TASK_SIZE || p->p_memsz > ARCH_TASK_SIZE ||
		    ARCH_TASK_SIZE - p->p_memsz < p->p_vaddr)
			return uexec_fail(
			    err,
			    "%sphdr %u: p_vaddr %#lx + p_memsz %#lx is beyond the user "
			    "address space (%#lx)",
			    who, i, (unsigned long)p->p_vaddr, (unsigned long)p->p_memsz,
			    ARCH_TASK_SIZE);
		if (p->p_filesz == 0)
			continue;
		if (PAGE_OFFSET(p->p_vaddr) != PAGE_OFFSET(p->p_offset))
			return uexec_fail(
			    err,
			    "%sphdr %u: p_vaddr %#lx and p_offset %#lx differ modulo the "
			    "page size",
			    who, i, (unsigned long)p->p_vaddr, (unsigned long)p->p_offset);
		if (p->p_offset > INT64_MAX - p->p_filesz)
			return uexec_fail(err, "%sphdr %u: p_offset %#lx + p_filesz %#lx overflows",
					  who, i, (unsigned long)p->p_offset,
					  (unsigned long)p->p_filesz);
		if (!im->is_interp && im->complete_image &&
		    p->p_offset + p->p_filesz > im->file_size)
			return uexec_fail(
			    ENOEXEC,
			    "phdr %u: p_offset %#lx + p_filesz %#lx is past the end of "
			    "the image (%lu bytes): not a complete ELF image",
			    i, (unsigned long)p->p_offset, (unsigned long)p->p_filesz,
			    (unsigned long)im->file_size);
		/* padzero() of a writable segment whose last file page is past the end
		 * of the file faults in the kernel (SIGSEGV); here it would be SIGBUS. */
		if ((p->p_flags & PF_W) && p->p_memsz > p->p_filesz &&
		    PAGE_OFFSET(p->p_vaddr + p->p_filesz) &&
		    PAGE_START(p->p_offset + p->p_filesz) >= PAGE_ALIGN(im->file_size))
			return uexec_fail(
			    err,
			    "%sphdr %u: p_offset %#lx + p_filesz %#lx is beyond the end "
			    "of the file (%lu bytes), so its bss cannot be cleared",
			    who, i, (unsigned long)p->p_offset, (unsigned long)p->p_filesz,
			    (unsigned long)im->file_size);
	}
	/* The kernel maps nothing and the first instruction faults (ET_EXEC),
	 * or it fails after its point of no return (ET_DYN). */
	if (nload == 0)
		return uexec_fail(err, "%s%s without any PT_LOAD segment: nothing to run", who,
				  im->eh.e_type == ET_DYN ? "ET_DYN" : "ET_EXEC");
	return 0;
}

/* BUF: the first BUF_LEN bytes of the file, from a read of HEAD_BYTES. */
int elf_load_headers(struct bprm *b, struct elf_image *im, int fd, const char *path,
		     const unsigned char *buf, long buf_len)
{
	int r;

	im->fd = fd;
	im->path = path;
	if (im->is_interp && buf_len < (long)sizeof(Elf64_Ehdr))
		return uexec_fail(EIO,
				  "interpreter %s is only %ld bytes, shorter than an ELF header",
				  path, buf_len);
	memcpy(&im->eh, buf, sizeof(im->eh));
	if (memcmp(im->eh.e_ident, ELFMAG, SELFMAG) != 0)
		return uexec_fail(ELIBBAD, "interpreter %s is not an ELF file (no ELF magic)",
				  path);
	im->head = buf;
	im->head_len = buf_len;
	r = read_phdrs(b, im);
	im->head = NULL;
	if (r)
		return r;
	return check_loads(im);
}

/* The first PT_INTERP names the interpreter; later ones are ignored, like the kernel. */
static int open_interp(struct bprm *b)
{
	struct elf_image *ex = &b->exe;
	unsigned char *ibuf;
	int fd, r;
	long n;

	for (unsigned i = 0; i < ex->phnum; i++) {
		const Elf64_Phdr *p = &ex->ph[i];

		if (p->p_type != PT_INTERP)
			continue;
		if (p->p_filesz > MAX_INTERP_PATH || p->p_filesz < 2)
			return uexec_fail(ENOEXEC,
					  "phdr %u: PT_INTERP size %lu is not in [2, 4096]", i,
					  (unsigned long)p->p_filesz);
		if (p->p_offset > INT64_MAX - p->p_filesz)
			return uexec_fail(EIO, "phdr %u: PT_INTERP at p_offset %#lx cannot be read",
					  i, (unsigned long)p->p_offset);
		b->interp_path = arena_alloc(&b->arena, p->p_filesz);
		if (!b->interp_path)
			return uexec_fail(ENOMEM, "out of scratch memory for PT_INTERP");
		n = image_pread(ex, b->interp_path, p->p_filesz, p->p_offset);
		if (n < 0)
			return uexec_fail((int)-n, "phdr %u: cannot read PT_INTERP", i);
		if ((uint64_t)n != p->p_filesz)
			return uexec_fail(
			    EIO,
			    "phdr %u: PT_INTERP (p_offset %#lx, %lu bytes) runs past the "
			    "end of the file",
			    i, (unsigned long)p->p_offset, (unsigned long)p->p_filesz);
		if (b->interp_path[p->p_filesz - 1] != 0)
			return uexec_fail(ENOEXEC, "phdr %u: PT_INTERP is not NUL-terminated", i);
		if (b->dry_run) /* checking only: the interpreter is not opened */
			return 0;
		r = open_exec(b->interp_path, &fd, &b->interp.file_size);
		if (r) {
			char why[200];

			ufmtf(why, sizeof(why), "%s", uexec_reason());
			return uexec_fail(-r, "interpreter %s: %s", b->interp_path, why);
		}
		b->has_interp = 1;
		b->interp.is_interp = 1;
		ibuf = arena_alloc(&b->arena, HEAD_BYTES);
		if (!ibuf) {
			sys_close(fd);
			return uexec_fail(ENOMEM,
					  "out of scratch memory for the interpreter's header");
		}
		n = sys_pread(fd, ibuf, HEAD_BYTES, 0);
		if (n < 0) {
			sys_close(fd);
			return uexec_fail((int)-n, "cannot read interpreter %s", b->interp_path);
		}
		return elf_load_headers(b, &b->interp, fd, b->interp_path, ibuf, n);
	}
	return 0;
}

int load_elf_binary(struct bprm *b)
{
	struct elf_image *ex = &b->exe;
	int r;

	if (b->buf_len < SELFMAG || memcmp(b->buf, ELFMAG, SELFMAG) != 0)
		return -ENOEXEC; /* not mine */
	ex->fd = b->fd;
	ex->path = b->filename;
	memcpy(&ex->eh, b->buf, sizeof(ex->eh));
	ex->file_size = b->file_size;
	ex->complete_image = b->complete_image;
	ex->head = b->buf;
	ex->head_len = b->buf_len;
	r = read_phdrs(b, ex);
	if (r == 0)
		r = open_interp(b);
	ex->head = NULL;
	if (r)
		return r;
	/* PT_GNU_STACK: the last one wins; PF_X asks for an executable stack. */
	for (unsigned i = 0; i < ex->phnum; i++)
		if (ex->ph[i].p_type == PT_GNU_STACK)
			b->exec_stack = !!(ex->ph[i].p_flags & PF_X);
	r = check_loads(ex);
	if (r)
		return r;
	plan_image(b, ex);
	if (b->has_interp)
		plan_image(b, &b->interp);
	return 0;
}
