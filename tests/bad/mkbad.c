/*
 * mkbad OUTDIR TAG=ELF... - write malformed variants of valid x86-64 ELF programs.
 *
 * For each TAG=ELF (e.g. dyn=build/fixtures/bad/hello-dyn) every variant that
 * applies to that input is written as OUTDIR/TAG-NAME, mode 0755, where NAME
 * says what is wrong.  Inputs that are not ELF at all (an empty file, ten
 * bytes of garbage) are written once, as OUTDIR/NAME.  The files a bad
 * PT_INTERP points at live in OUTDIR/interp/ and are named by absolute path,
 * so every variant behaves the same from any working directory.
 *
 * Each variant breaks one rule of the reference (linux-exec-semantics.md
 * §1.2-1.4, 1.6, 1.10) and leaves the rest of the file valid, so the outcome
 * tells which rule fired.  What the running kernel does with each one is not
 * decided here: tests/20-bad-input.t asks the kernel (tryexec) every time.
 */
#define _GNU_SOURCE
#include "image.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Absolute path of OUTDIR/interp: PT_INTERP strings must not depend on the CWD. */
static char interp_dir[PATH_MAX];

/* PT_INTERP naming interp_dir/name. */
static int set_interp_helper(struct image *im, const char *name)
{
	char path[PATH_MAX];
	int len = fmt(path, sizeof(path), "%s/%s", interp_dir, name);

	return set_interp(im, path, len + 1);
}

/* ---- the variants ------------------------------------------------------ */

static int truncate_to(struct image *im, size_t len)
{
	if (len >= im->size)
		return -1;
	im->size = len;
	return 0;
}

static int v_trunc_10(struct image *im)
{
	return truncate_to(im, 10);
}

static int v_trunc_63(struct image *im)
{
	return truncate_to(im, 63);
}

static int v_trunc_64(struct image *im)
{
	return truncate_to(im, 64);
}

static size_t phdrs_end(struct image *im)
{
	Elf64_Ehdr *eh = ehdr(im);

	return eh->e_phoff + (size_t)eh->e_phnum * eh->e_phentsize;
}

/* The last program header lacks its last byte: the table read comes up short. */
static int v_trunc_inside_phdrs(struct image *im)
{
	return truncate_to(im, phdrs_end(im) - 1);
}

/* The table is whole; PT_INTERP or the segments are past the end. */
static int v_trunc_after_phdrs(struct image *im)
{
	return truncate_to(im, phdrs_end(im));
}

/* Headers and PT_INTERP are whole; the segments run past the end of the file. */
static int v_trunc_half(struct image *im)
{
	return truncate_to(im, im->size / 2);
}

/* 74 * 56 > 4096: over the one-page limit the reference reads in the source. */
static int v_phnum_74(struct image *im)
{
	return grow_phdrs(im, 74) < 0 ? -1 : 0;
}

static int v_phnum_100(struct image *im)
{
	return grow_phdrs(im, 100) < 0 ? -1 : 0;
}

static int v_phoff_past_eof(struct image *im)
{
	ehdr(im)->e_phoff = PAGE_UP(im->size) + PAGE;
	return 0;
}

/* e_phoff + size wraps; as a file position it is negative. */
static int v_phoff_overflow(struct image *im)
{
	ehdr(im)->e_phoff = 0xffffffffffffff00UL;
	return 0;
}

/* The table starts inside the file and runs past its end. */
static int v_phdrs_cross_eof(struct image *im)
{
	Elf64_Ehdr *eh = ehdr(im);

	if (eh->e_phnum < 2)
		return -1;
	eh->e_phoff = (im->size - sizeof(Elf64_Phdr)) & ~7UL;
	return 0;
}

static int v_filesz_gt_memsz(struct image *im)
{
	Elf64_Phdr *ph = text_load(im);

	if (!ph)
		return -1;
	ph->p_memsz = ph->p_filesz - 1;
	return 0;
}

/* Still congruent with p_vaddr, so mmap succeeds; the pages have no file behind them. */
static int v_offset_past_eof(struct image *im)
{
	Elf64_Phdr *ph = last_load(im);

	if (!ph)
		return -1;
	ph->p_offset += PAGE_UP(im->size);
	return 0;
}

static int v_offset_filesz_overflow(struct image *im)
{
	Elf64_Phdr *ph = last_load(im);

	if (!ph)
		return -1;
	ph->p_offset = 0xfffffffffffff000UL | PAGE_OFF(ph->p_vaddr);
	return 0;
}

/* p_offset and p_vaddr differ mod 4096: no mmap can place the file bytes. */
static int v_offset_incongruent(struct image *im)
{
	Elf64_Phdr *ph = text_load(im);

	if (!ph)
		return -1;
	ph->p_offset += 8;
	return 0;
}

static int v_align_not_pow2(struct image *im)
{
	Elf64_Phdr *ph;
	int n = 0;

	for (unsigned int i = 0; (ph = find_phdr(im, PT_LOAD, i)); i++, n++)
		ph->p_align = 0x3000;
	return n ? 0 : -1;
}

static int v_memsz_huge(struct image *im)
{
	Elf64_Phdr *ph = last_load(im);

	if (!ph)
		return -1;
	ph->p_memsz = 1UL << 48;
	return 0;
}

static int v_vaddr_high(struct image *im)
{
	Elf64_Phdr *ph = last_load(im);

	if (!ph)
		return -1;
	ph->p_vaddr = ph->p_paddr = (1UL << 47) | PAGE_OFF(ph->p_vaddr);
	return 0;
}

/* Both values below TASK_SIZE, their sum above it. */
static int v_vaddr_memsz_past_top(struct image *im)
{
	Elf64_Phdr *ph = last_load(im);

	if (!ph)
		return -1;
	ph->p_vaddr = ph->p_paddr = TASK_SIZE - PAGE + PAGE_OFF(ph->p_vaddr);
	if (ph->p_memsz < 2 * PAGE)
		ph->p_memsz = 2 * PAGE;
	return 0;
}

/* p_vaddr + p_memsz wraps around 2^64 to a small number. */
static int v_vaddr_memsz_wrap(struct image *im)
{
	Elf64_Phdr *ph = last_load(im);

	if (!ph)
		return -1;
	ph->p_memsz = -ph->p_vaddr + PAGE;
	return 0;
}

static int v_no_load(struct image *im)
{
	Elf64_Phdr *ph;

	if (!find_phdr(im, PT_LOAD, 0))
		return -1;
	while ((ph = find_phdr(im, PT_LOAD, 0)))
		ph->p_type = PT_NULL;
	return 0;
}

/*
 * The first PT_LOAD grows over the second with the same file-to-memory
 * offset, so the overlap maps identical bytes: harmless, but an overlap.
 */
static int v_overlap_same_bytes(struct image *im)
{
	Elf64_Phdr *a = find_phdr(im, PT_LOAD, 0), *b = find_phdr(im, PT_LOAD, 1);

	if (!a || !b || a->p_vaddr - a->p_offset != b->p_vaddr - b->p_offset)
		return -1;
	a->p_filesz = a->p_memsz = b->p_offset + b->p_filesz - a->p_offset;
	return 0;
}

/* The second PT_LOAD is placed on top of the first: the code lands at the wrong address. */
static int v_overlap_shifted(struct image *im)
{
	Elf64_Phdr *a = find_phdr(im, PT_LOAD, 0), *b = find_phdr(im, PT_LOAD, 1);

	if (!a || !b)
		return -1;
	b->p_vaddr = b->p_paddr = a->p_vaddr - PAGE_OFF(a->p_vaddr) + PAGE_OFF(b->p_vaddr);
	return 0;
}

static int v_unsorted(struct image *im)
{
	Elf64_Phdr *a = find_phdr(im, PT_LOAD, 0), *b = find_phdr(im, PT_LOAD, 1), tmp;

	if (!a || !b)
		return -1;
	tmp = *a;
	*a = *b;
	*b = tmp;
	return 0;
}

static int v_interp_size_1(struct image *im)
{
	Elf64_Phdr *ph = find_phdr(im, PT_INTERP, 0);

	if (!ph)
		return -1;
	ph->p_filesz = 1;
	return 0;
}

/* A real path, padded with slashes to 4096 characters plus the NUL. */
static int v_interp_size_4097(struct image *im)
{
	const char *path = interp_of(im);
	char *s = path ? padded_path(path, 4097) : NULL;
	int ret = s ? set_interp(im, s, 4097) : -1;

	free(s);
	return ret;
}

/* The longest string allowed (PATH_MAX with its NUL): must run. */
static int v_interp_size_4096(struct image *im)
{
	const char *path = interp_of(im);
	char *s = path ? padded_path(path, 4096) : NULL;
	int ret = s ? set_interp(im, s, 4096) : -1;

	free(s);
	return ret;
}

static int v_interp_no_nul(struct image *im)
{
	Elf64_Phdr *ph = find_phdr(im, PT_INTERP, 0);

	if (!ph)
		return -1;
	ph->p_filesz--;
	return 0;
}

/* Only the last byte must be NUL; the string ends at the first one. */
static int v_interp_embedded_nul(struct image *im)
{
	const char *path = interp_of(im);
	char s[PATH_MAX];
	int len;

	if (!path)
		return -1;
	len = fmt(s, sizeof(s), "%s%cjunk", path, 0);
	return set_interp(im, s, len + 1);
}

static int v_interp_past_eof(struct image *im)
{
	Elf64_Phdr *ph = find_phdr(im, PT_INTERP, 0);

	if (!ph)
		return -1;
	ph->p_offset = PAGE_UP(im->size) + PAGE;
	return 0;
}

/* The string starts inside the file and its second half is missing. */
static int v_interp_cut_by_eof(struct image *im)
{
	Elf64_Phdr *ph = find_phdr(im, PT_INTERP, 0);

	if (!ph)
		return -1;
	ph->p_offset = im->size - ph->p_filesz / 2;
	return 0;
}

static int v_interp_missing(struct image *im)
{
	return set_interp_helper(im, "missing");
}

/* "interp/" names a directory. */
static int v_interp_dir(struct image *im)
{
	return set_interp(im, interp_dir, strlen(interp_dir) + 1);
}

static int v_interp_no_x(struct image *im)
{
	return set_interp_helper(im, "ld-mode-0644");
}

static int v_interp_text(struct image *im)
{
	return set_interp_helper(im, "text");
}

static int v_interp_script(struct image *im)
{
	return set_interp_helper(im, "script");
}

static int v_interp_aarch64(struct image *im)
{
	return set_interp_helper(im, "ld-aarch64");
}

static int v_interp_phentsize_32(struct image *im)
{
	return set_interp_helper(im, "ld-phentsize-32");
}

/* e_type is checked only after the point of no return. */
static int v_interp_et_rel(struct image *im)
{
	return set_interp_helper(im, "ld-et-rel");
}

static int v_interp_short(struct image *im)
{
	return set_interp_helper(im, "short");
}

static int v_interp_empty(struct image *im)
{
	return set_interp_helper(im, "empty");
}

/*
 * A second PT_INTERP naming a missing file.  The kernel takes the first one;
 * the second keeps the first's p_vaddr so ld.so, which takes the last one
 * from memory, still reads a valid name.
 */
static int add_second_interp(struct image *im, int first_missing)
{
	char path[PATH_MAX];
	Elf64_Phdr *first, *bad;
	int len = fmt(path, sizeof(path), "%s/missing", interp_dir);
	int spare;
	size_t off;

	if (!find_phdr(im, PT_INTERP, 0))
		return -1;
	spare = grow_phdrs(im, ehdr(im)->e_phnum + 4);
	if (spare < 0)
		return -1;
	off = img_append(im, path, len + 1, 1);
	first = find_phdr(im, PT_INTERP, 0);
	*phdr(im, spare) = *first;
	bad = first_missing ? first : phdr(im, spare);
	bad->p_offset = off;
	bad->p_filesz = len + 1;
	return 0;
}

static int v_interp_two(struct image *im)
{
	return add_second_interp(im, 0);
}

static int v_interp_two_first_missing(struct image *im)
{
	return add_second_interp(im, 1);
}

/*
 * Variants that only set one ELF header field (little-endian, size bytes at
 * offset).  e_phnum 65535: 65535 * 56 is over the 64 KiB limit and far past
 * the end of the file.
 */
#define EH(field) offsetof(Elf64_Ehdr, field), sizeof(((Elf64_Ehdr *)0)->field)
static const struct header_edit {
	const char *name;
	size_t offset, size;
	uint64_t value;
} header_edits[] = {
    {"bad-magic", offsetof(Elf64_Ehdr, e_ident) + EI_MAG3, 1, 'X'},
    {"class32", offsetof(Elf64_Ehdr, e_ident) + EI_CLASS, 1, ELFCLASS32},
    {"data-msb", offsetof(Elf64_Ehdr, e_ident) + EI_DATA, 1, ELFDATA2MSB},
    {"machine-386", EH(e_machine), EM_386},
    {"machine-aarch64", EH(e_machine), EM_AARCH64},
    {"type-rel", EH(e_type), ET_REL},
    {"type-core", EH(e_type), ET_CORE},
    {"phentsize-32", EH(e_phentsize), 32},
    {"phentsize-64", EH(e_phentsize), 64},
    {"phnum-0", EH(e_phnum), 0},
    {"phnum-65535", EH(e_phnum), 65535},
};

static void set_field(struct image *im, size_t offset, size_t size, uint64_t value)
{
	for (size_t i = 0; i < size; i++, value >>= 8)
		im->buf[offset + i] = value & 0xff;
}

struct variant {
	const char *name;
	/* Edit the copy in place; -1 when this input has nothing to break. */
	int (*make)(struct image *im);
};

static const struct variant variants[] = {
    {"trunc-10", v_trunc_10},
    {"trunc-63", v_trunc_63},
    {"trunc-64", v_trunc_64},
    {"trunc-inside-phdrs", v_trunc_inside_phdrs},
    {"trunc-after-phdrs", v_trunc_after_phdrs},
    {"trunc-half", v_trunc_half},
    {"phnum-74", v_phnum_74},
    {"phnum-100", v_phnum_100},
    {"phoff-past-eof", v_phoff_past_eof},
    {"phoff-overflow", v_phoff_overflow},
    {"phdrs-cross-eof", v_phdrs_cross_eof},
    {"filesz-gt-memsz", v_filesz_gt_memsz},
    {"offset-past-eof", v_offset_past_eof},
    {"offset-filesz-overflow", v_offset_filesz_overflow},
    {"offset-incongruent", v_offset_incongruent},
    {"align-not-pow2", v_align_not_pow2},
    {"memsz-huge", v_memsz_huge},
    {"vaddr-high", v_vaddr_high},
    {"vaddr-memsz-past-top", v_vaddr_memsz_past_top},
    {"vaddr-memsz-wrap", v_vaddr_memsz_wrap},
    {"no-load", v_no_load},
    {"overlap-same-bytes", v_overlap_same_bytes},
    {"overlap-shifted", v_overlap_shifted},
    {"unsorted", v_unsorted},
    {"interp-size-1", v_interp_size_1},
    {"interp-size-4096", v_interp_size_4096},
    {"interp-size-4097", v_interp_size_4097},
    {"interp-no-nul", v_interp_no_nul},
    {"interp-embedded-nul", v_interp_embedded_nul},
    {"interp-past-eof", v_interp_past_eof},
    {"interp-cut-by-eof", v_interp_cut_by_eof},
    {"interp-missing", v_interp_missing},
    {"interp-dir", v_interp_dir},
    {"interp-no-x", v_interp_no_x},
    {"interp-text", v_interp_text},
    {"interp-script", v_interp_script},
    {"interp-aarch64", v_interp_aarch64},
    {"interp-phentsize-32", v_interp_phentsize_32},
    {"interp-et-rel", v_interp_et_rel},
    {"interp-short", v_interp_short},
    {"interp-empty", v_interp_empty},
    {"interp-two", v_interp_two},
    {"interp-two-first-missing", v_interp_two_first_missing},
};

/* ---- files that are not variants of an input -------------------------- */

static void write_bytes(const char *dir, const char *name, const void *data, size_t len,
			mode_t mode)
{
	struct image im = {(unsigned char *)data, len};

	img_write(&im, dir, name, mode);
}

/* A copy of the real interpreter with one header field changed. */
static void write_ld_copy(const struct image *ld, const char *name, int field, unsigned int value,
			  mode_t mode)
{
	struct image im;

	img_copy(&im, ld);
	if (field == 't')
		ehdr(&im)->e_type = value;
	else if (field == 'm')
		ehdr(&im)->e_machine = value;
	else if (field == 'p')
		ehdr(&im)->e_phentsize = value;
	img_write(&im, interp_dir, name, mode);
	free(im.buf);
}

/*
 * The targets of the bad PT_INTERPs.  Text and script are longer than 64
 * bytes so that they fail the interpreter's magic check, not the short read
 * that "short" and "empty" are there for.
 */
static void write_interp_helpers(const char *ldso)
{
	static const char text[] = "This is a text file, not an ELF interpreter.\n"
				   "It is long enough to hold an ELF header.\n";
	static const char script[] = "#!/bin/sh\n"
				     "# a script is no ELF interpreter, whatever its #! line says\n"
				     "exit 0\n";
	static const char garbage[] = "\177ELF\2\1\1\0\0\0";
	struct image ld;

	if (mkdir(interp_dir, 0755) && errno != EEXIST)
		die("%s: %s", interp_dir, strerror(errno));
	write_bytes(interp_dir, "text", text, sizeof(text) - 1, 0755);
	write_bytes(interp_dir, "script", script, sizeof(script) - 1, 0755);
	write_bytes(interp_dir, "short", garbage, sizeof(garbage) - 1, 0755);
	write_bytes(interp_dir, "empty", "", 0, 0755);
	img_read(&ld, ldso);
	if (!ehdr(&ld))
		die("%s: not an ELF file", ldso);
	write_ld_copy(&ld, "ld-mode-0644", 0, 0, 0644);
	write_ld_copy(&ld, "ld-aarch64", 'm', EM_AARCH64, 0755);
	write_ld_copy(&ld, "ld-phentsize-32", 'p', 32, 0755);
	write_ld_copy(&ld, "ld-et-rel", 't', ET_REL, 0755);
	free(ld.buf);
}

static void write_variants(const char *outdir, const char *tag, const char *path)
{
	struct image src, im;
	char name[NAME_MAX + 1];
	const char *ldso;

	img_read(&src, path);
	if (!ehdr(&src) || !phdr(&src, 0))
		die("%s: not a valid ELF input", path);
	ldso = interp_of(&src);
	if (ldso)
		write_interp_helpers(ldso);
	for (size_t i = 0; i < sizeof(header_edits) / sizeof(header_edits[0]); i++) {
		const struct header_edit *e = &header_edits[i];

		img_copy(&im, &src);
		set_field(&im, e->offset, e->size, e->value);
		fmt(name, sizeof(name), "%s-%s", tag, e->name);
		img_write(&im, outdir, name, 0755);
		free(im.buf);
	}
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		img_copy(&im, &src);
		if (variants[i].make(&im) == 0) {
			fmt(name, sizeof(name), "%s-%s", tag, variants[i].name);
			img_write(&im, outdir, name, 0755);
		}
		free(im.buf);
	}
	free(src.buf);
}

int main(int argc, char **argv)
{
	static const char garbage[10] = "\x13\x37garbage!";
	char outdir[PATH_MAX];

	if (argc < 3) {
		fprintf(stderr, "usage: mkbad OUTDIR TAG=ELF...\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) && errno != EEXIST)
		die("%s: %s", argv[1], strerror(errno));
	if (!realpath(argv[1], outdir))
		die("%s: %s", argv[1], strerror(errno));
	fmt(interp_dir, sizeof(interp_dir), "%s/interp", outdir);

	write_bytes(outdir, "empty", "", 0, 0755);
	write_bytes(outdir, "garbage-10", garbage, sizeof(garbage), 0755);
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq || eq == argv[i])
			die("%s: expected TAG=ELF", argv[i]);
		*eq = '\0';
		write_variants(outdir, argv[i], eq + 1);
	}
	return 0;
}
