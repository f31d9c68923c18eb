// SPDX-License-Identifier: MIT
/*
 * probe_maps.c - the program file, /proc/self/maps and where things landed.
 *
 * Mappings are named by class, never by address: the program and its
 * interpreter are recognised by device and inode (the path in maps is the
 * resolved one, AT_EXECFN the one given), kernel areas by their [name],
 * anything of the loader itself by a basename starting with "uexec".
 * Segment positions are printed relative to the load bias, which does not
 * change from run to run.
 */
#include "probe.h"

#include <fcntl.h>

/* Kernel placement constants (arch/x86/include/asm/elf.h, mmap_rnd_bits 28
 * at most): where a PIE and the mmap area may land. */
#define ELF_ET_DYN_BASE 0x555555554aaaUL
#define PIE_RANGE	(1UL << 40)
#define MMAP_AREA_LOW	0x7e0000000000UL
#define USER_TOP	0x800000000000UL

static char maps_text[128 * 1024];

void dev_split(unsigned long dev, unsigned long *major, unsigned long *minor)
{
	/* glibc/musl makedev() encoding, as the kernel's new_encode_dev. */
	*major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffUL);
	*minor = (dev & 0xff) | ((dev >> 12) & ~0xffUL);
}

static long read_head(const char *path, char *buf, size_t n)
{
	long fd = sc3(SYS_open, path, O_RDONLY | O_CLOEXEC, 0);
	long got;

	if (fd < 0)
		return -1;
	got = sc4(SYS_pread64, fd, buf, n, 0);
	sc1(SYS_close, fd);
	return got;
}

static long pread_all(long fd, void *buf, size_t n, long off)
{
	return sc4(SYS_pread64, fd, buf, n, off) == (long)n ? 0 : -1;
}

int elf_read(struct elf_file *f, const char *path)
{
	long fd = sc3(SYS_open, path, O_RDONLY | O_CLOEXEC, 0);
	struct stat st;
	int ret = -1;

	f->path = path;
	if (fd < 0)
		return -1;
	if (sc2(SYS_fstat, fd, &st) < 0 || pread_all(fd, &f->ehdr, sizeof(f->ehdr), 0) < 0 ||
	    p_memcmp(f->ehdr.e_ident, ELFMAG, SELFMAG) != 0 ||
	    f->ehdr.e_phentsize != sizeof(Elf64_Phdr) || f->ehdr.e_phnum > MAX_PHDRS ||
	    pread_all(fd, f->phdr, f->ehdr.e_phnum * sizeof(Elf64_Phdr), f->ehdr.e_phoff) < 0)
		goto out;
	dev_split(st.st_dev, &f->dev_major, &f->dev_minor);
	f->ino = st.st_ino;
	for (int i = 0; i < f->ehdr.e_phnum; i++) {
		const Elf64_Phdr *ph = &f->phdr[i];

		if (ph->p_type == PT_INTERP && ph->p_filesz < sizeof(f->interp) &&
		    pread_all(fd, f->interp, ph->p_filesz, ph->p_offset) < 0)
			goto out;
	}
	f->present = 1;
	ret = 0;
out:
	if (ret < 0)
		f->ehdr.e_phnum = 0; /* nothing read is ever looked at */
	sc1(SYS_close, fd);
	return ret;
}

/* The ELF file that is running, found from PATH (AT_EXECFN): PATH itself,
 * or when PATH is a "#!" script, the interpreter its first line names
 * (after blanks; up to the next blank, newline or NUL), followed through
 * nested scripts as the kernel follows them. */
int prog_read(struct elf_file *f, const char *path)
{
	static char names[5][256];

	for (int depth = 0; depth < 5; depth++) {
		char buf[256];
		long n = read_head(path, buf, sizeof(buf));
		int i = 2, j = 0;

		if (n < 2 || buf[0] != '#' || buf[1] != '!')
			return elf_read(f, path);
		while (i < n && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		while (i < n && j < 255 && buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' &&
		       buf[i] != '\0')
			names[depth][j++] = buf[i++];
		names[depth][j] = '\0';
		path = names[depth];
	}
	f->path = path;
	f->ehdr.e_phnum = 0;
	return -1;
}

static int same_file(const struct mapping *m, const struct elf_file *f)
{
	return f->present && m->ino == f->ino && m->dev_major == f->dev_major &&
	       m->dev_minor == f->dev_minor;
}

static void classify(struct probe *p, struct mapping *m)
{
	const char *base = p_basename(m->name);

	if (same_file(m, &p->prog))
		p_snprintf(m->cls, sizeof(m->cls), "prog");
	else if (same_file(m, &p->interp))
		p_snprintf(m->cls, sizeof(m->cls), "interp");
	else if (p_strncmp(base, "uexec", 5) == 0 || p_strncmp(base, "memfd:uexec", 11) == 0)
		p_snprintf(m->cls, sizeof(m->cls), "loader");
	else if (m->name[0] == '\0')
		p_snprintf(m->cls, sizeof(m->cls), "anon");
	else if (m->name[0] == '[')
		p_snprintf(m->cls, sizeof(m->cls), "%s", m->name);
	else
		p_snprintf(m->cls, sizeof(m->cls), "file:%s", base);
}

/* One line: "start-end perms offset major:minor inode   name". */
static char *parse_line(struct probe *p, char *s)
{
	struct mapping *m = &p->maps[p->nmaps];
	const char *c = s;
	char *eol = s;

	while (*eol && *eol != '\n')
		eol++;
	if (*eol)
		*eol++ = '\0';
	m->start = p_strtoul(c, &c, 16);
	m->end = p_strtoul(c + 1, &c, 16);
	for (int i = 0; i < 4; i++)
		m->perms[i] = c[1 + i];
	m->off = p_strtoul(c + 5, &c, 16);
	m->dev_major = p_strtoul(c, &c, 16);
	m->dev_minor = p_strtoul(c + 1, &c, 16);
	m->ino = p_strtoul(c, &c, 10);
	while (*c == ' ')
		c++;
	m->name = c;
	classify(p, m);
	p->nmaps++;
	return eol;
}

void maps_read(struct probe *p)
{
	long n = read_file("/proc/self/maps", maps_text, sizeof(maps_text));
	char *s = maps_text;

	check(n > 0 && n < (long)sizeof(maps_text) - 1, "maps.readable");
	if (n <= 0)
		return;
	while (*s && p->nmaps < MAX_MAPS)
		s = parse_line(p, s);
	for (int i = 0; i < p->nmaps; i++)
		if (p_strcmp(p->maps[i].cls, "[stack]") == 0)
			p->stack = &p->maps[i];
}

/* Kernel's maximum_alignment(): largest power-of-two p_align of a PT_LOAD,
 * at least a page. */
static unsigned long max_align(const struct elf_file *f)
{
	unsigned long align = PAGE_SIZE;

	for (int i = 0; i < f->ehdr.e_phnum; i++) {
		unsigned long a = f->phdr[i].p_align;

		if (f->phdr[i].p_type == PT_LOAD && a && !(a & (a - 1)) && a > align)
			align = a;
	}
	return align;
}

/* Bias = where the first PT_LOAD's first page is mapped, minus its page
 * start vaddr (the first mapping of the file at that offset). */
static int bias_from_maps(const struct probe *p, const struct elf_file *f, const char *cls,
			  unsigned long *bias)
{
	const Elf64_Phdr *first = NULL;

	for (int i = 0; i < f->ehdr.e_phnum && !first; i++)
		if (f->phdr[i].p_type == PT_LOAD)
			first = &f->phdr[i];
	if (!first)
		return 0;
	for (int i = 0; i < p->nmaps; i++) {
		const struct mapping *m = &p->maps[i];

		if (p_strcmp(m->cls, cls) == 0 && m->off == PAGE_START(first->p_offset)) {
			*bias = m->start - PAGE_START(first->p_vaddr);
			return 1;
		}
	}
	return 0;
}

static const char *region(unsigned long addr, unsigned long align)
{
	unsigned long pie_low = ELF_ET_DYN_BASE & ~(align - 1);

	if (addr >= pie_low && addr < ELF_ET_DYN_BASE + PIE_RANGE)
		return "et_dyn_base";
	if (addr >= MMAP_AREA_LOW && addr < USER_TOP)
		return "mmap";
	return "other";
}

static void load_report(struct probe *p)
{
	const struct elf_file *f = &p->prog;
	unsigned long align = max_align(f);
	int dyn = f->ehdr.e_type == ET_DYN;

	emit("elf.type=%s", dyn ? "ET_DYN" : "ET_EXEC");
	emit("elf.interp=%s", f->interp[0] ? f->interp : "none");
	emit("load.max_align=0x%lx", align);
	p->have_bias = bias_from_maps(p, f, "prog", &p->bias);
	check(p->have_bias, "load.prog_mapped");
	if (!p->have_bias)
		return;
	check(dyn || p->bias == 0, "load.exec_at_link_address");
	/* As the kernel selftest load_address.c: the bias honours p_align. */
	check(p->bias % align == 0, "load.bias_aligned");
	emit("load.region=%s", dyn ? region(p->bias, align) : "fixed");
	emit_addr("bias", p->bias);
	if (!f->interp[0])
		return;
	p->have_interp_bias = bias_from_maps(p, &p->interp, "interp", &p->interp_bias);
	check(p->have_interp_bias && p->interp_bias % PAGE_SIZE == 0, "interp.mapped");
	emit("interp.region=%s", region(p->interp_bias, PAGE_SIZE));
	emit_addr("interp_bias", p->interp_bias);
}

/* Segments of one file, relative to its bias, with the anonymous bss that
 * directly follows a segment. */
static void segments_report(const struct probe *p, const char *cls, const char *key,
			    unsigned long bias)
{
	int n = 0;

	for (int i = 0; i < p->nmaps; i++) {
		const struct mapping *m = &p->maps[i], *next = m + 1;

		if (p_strcmp(m->cls, cls) != 0)
			continue;
		emit("maps.%s.%d=%s at=0x%lx off=0x%lx size=0x%lx", key, n, m->perms,
		     m->start - bias, m->off, m->end - m->start);
		if (i + 1 < p->nmaps && p_strcmp(next->cls, "anon") == 0 && next->start == m->end)
			emit("maps.%s.%d.bss=%s size=0x%lx", key, n, next->perms,
			     next->end - next->start);
		n++;
	}
	emit("maps.%s.count=%d", key, n);
}

/* Other files (libc.so.6...): relative to their own first mapping. */
static void files_report(const struct probe *p)
{
	for (int i = 0; i < p->nmaps; i++) {
		const struct mapping *m = &p->maps[i];
		int seen = 0;

		if (p_strncmp(m->cls, "file:", 5) != 0)
			continue;
		for (int j = 0; j < i; j++)
			seen |= p_strcmp(p->maps[j].cls, m->cls) == 0;
		if (seen)
			continue;
		segments_report(p, m->cls, m->cls, m->start);
		emit_addr(m->cls, m->start);
	}
}

static int is_vdso_class(const char *cls)
{
	return p_strcmp(cls, "[vdso]") == 0 || p_strcmp(cls, "[vvar]") == 0 ||
	       p_strcmp(cls, "[vvar_vclock]") == 0;
}

/* The whole sequence, in address order: class, perms, size. */
static void sequence_report(const struct probe *p)
{
	int n = 0, nloader = 0;

	for (int i = 0; i < p->nmaps; i++) {
		const struct mapping *m = &p->maps[i];
		unsigned long size = m->end - m->start;
		char key[32];

		if (p_strcmp(m->cls, "loader") == 0) {
			emit("maps.loader.%d=%s %s size=0x%lx", nloader++, m->perms, m->name, size);
			continue;
		}
		if (is_vdso_class(m->cls)) {
			/* Not in the sequence: where the kernel puts the vDSO
			 * relative to an image with 2 MiB p_align depends on the
			 * random slack (above it, or in a hole between its
			 * segments ~2% of the time), so two runs of the kernel
			 * itself differ.  Exact under ADDR_NO_RANDOMIZE. */
			emit("maps.special.%s=%s size=0x%lx", m->cls, m->perms, size);
			p_snprintf(key, sizeof(key), "maps.%s", m->cls);
			emit_addr(key, m->start);
			continue;
		}
		if (p_strcmp(m->cls, "[stack]") == 0)
			emit("maps.special.[stack]=%s", m->perms);
		else if (p_strcmp(m->cls, "[heap]") == 0)
			emit("brk.heap_vma=%s size=0x%lx", m->perms, size);
		else if (m->cls[0] == '[')
			emit("maps.special.%s=%s size=0x%lx", m->cls, m->perms, size);
		/* [stack] and [heap] sizes are reported on their own. */
		if (p_strcmp(m->cls, "[stack]") != 0 && p_strcmp(m->cls, "[heap]") != 0)
			emit("maps.seq.%03d=%s %s size=0x%lx", n, m->cls, m->perms, size);
		else
			emit("maps.seq.%03d=%s %s", n, m->cls, m->perms);
		p_snprintf(key, sizeof(key), "maps.%03d", n);
		emit_addr(key, m->start);
		n++;
	}
	emit("maps.loader.count=%d", nloader);
	if (p->stack)
		emit("stack.vma_size=0x%lx", p->stack->end - p->stack->start);
}

/*
 * The vDSO relative to the image at the top of the mmap area (the
 * interpreter, or a static-pie): the kernel maps that image first and the
 * vDSO at the next fit, right below it (right above it in the bottom-up
 * layout of setarch -L) - unless the image's p_align leaves a hole the vDSO
 * can take, which depends on the random slack (see sequence_report()):
 * reported for page-aligned images only.
 */
static void vdso_report(const struct probe *p)
{
	const struct elf_file *f = p->prog.interp[0] ? &p->interp : &p->prog;
	const char *top = p->prog.interp[0] ? "interp" : "prog";
	unsigned long vdso_lo = ~0UL, vdso_end = 0, top_lo = ~0UL, top_hi = 0, align = 0;

	if (!f->present || (!p->prog.interp[0] && p->prog.ehdr.e_type != ET_DYN))
		return; /* no image at the top: an ET_EXEC without interpreter */
	for (int i = 0; i < f->ehdr.e_phnum && i < MAX_PHDRS; i++)
		if (f->phdr[i].p_type == PT_LOAD && f->phdr[i].p_align > align)
			align = f->phdr[i].p_align;
	if (!p->prog.interp[0] && align > PAGE_SIZE)
		return; /* (the interpreter's p_align the kernel ignores) */
	for (int i = 0; i < p->nmaps; i++) {
		const struct mapping *m = &p->maps[i];

		if (is_vdso_class(m->cls)) {
			if (m->end > vdso_end)
				vdso_end = m->end;
			if (m->start < vdso_lo)
				vdso_lo = m->start;
		}
		if (p_strcmp(m->cls, top) == 0 && m->start < top_lo)
			top_lo = m->start;
		if (p_strcmp(m->cls, top) == 0 && m->end > top_hi)
			top_hi = m->end;
	}
	if (vdso_end) /* below it top-down; above it bottom-up (setarch -L) */
		emit("maps.vdso_next_to_%s=%s", top,
		     vdso_end == top_lo	 ? "right below"
		     : vdso_lo == top_hi ? "right above"
					 : "apart");
}

/*
 * Where the [stack] VMA starts: setup_arg_pages() extends the pages holding
 * the argument strings by 128 KiB (less under a smaller RLIMIT_STACK), so
 * relative to the page of the lowest string that is a constant - unless a
 * loader leaves its own, larger or smaller, stack VMA behind.
 */
static void stack_vma_report(const struct probe *p)
{
	unsigned long low = p->argc > 0	  ? (unsigned long)p->argv[0]
			    : p->envc > 0 ? (unsigned long)p->envp[0]
					  : auxv_get(p, AT_EXECFN);

	if (p->stack && low)
		emit("stack.vma_below_strings=0x%lx", (low & ~(PAGE_SIZE - 1)) - p->stack->start);
}

void maps_report(struct probe *p)
{
	load_report(p);
	sequence_report(p);
	vdso_report(p);
	stack_vma_report(p);
	if (p->have_bias)
		segments_report(p, "prog", "prog", p->bias);
	if (p->have_interp_bias)
		segments_report(p, "interp", "interp", p->interp_bias);
	files_report(p);
}
