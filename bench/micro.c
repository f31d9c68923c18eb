/*
 * bench/micro.c - what the steps uexec adds for a dynamic program cost on
 * this machine, each repeated in a loop: reading a sysctl, opening and
 * checking the interpreter, and ways of mapping an image.  Figures for
 * bench/RESULTS.md, never for tests.
 *
 *   build/bench/micro [INTERPRETER]      (default /lib64/ld-linux-x86-64.so.2)
 *
 * The mapping rows map the interpreter's PT_LOAD segments as read from its
 * headers: "reserve" maps an anonymous PROT_NONE span and each segment over
 * it with MAP_FIXED (what src/map.c did until commit c6d9d54); "reserve+tail"
 * maps the first segment over the reservation, unmaps the rest of it and
 * maps the others into the free space; "first+tail" maps the first
 * segment's file over the whole span with no reservation, then the same
 * (the order elf_map() uses; what the library still does); "first+over"
 * maps the first segment's file over the span and the others over it with
 * MAP_FIXED, giving nothing back; "each" maps every segment straight into
 * free space at an address known beforehand (what the command does since
 * commit 2145314).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define N  20000
#define PG 4096UL

static Elf64_Phdr load[16];
static int nload;
static unsigned long span;

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int prot_of(const Elf64_Phdr *ph)
{
	return (ph->p_flags & PF_R ? PROT_READ : 0) | (ph->p_flags & PF_W ? PROT_WRITE : 0) |
	       (ph->p_flags & PF_X ? PROT_EXEC : 0);
}

static unsigned long seg_start(const Elf64_Phdr *ph)
{
	return ph->p_vaddr & ~(PG - 1);
}

static unsigned long seg_len(const Elf64_Phdr *ph)
{
	return (ph->p_vaddr + ph->p_filesz + PG - 1) / PG * PG - seg_start(ph);
}

static void read_loads(int fd)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[32];

	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || eh.e_phnum > 32 ||
	    pread(fd, ph, eh.e_phnum * sizeof(*ph), (off_t)eh.e_phoff) !=
		(ssize_t)(eh.e_phnum * sizeof(*ph))) {
		fprintf(stderr, "micro: cannot read the program headers\n");
		exit(1);
	}
	for (int i = 0; i < eh.e_phnum && nload < 16; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_filesz)
			load[nload++] = ph[i];
	if (!nload || seg_start(&load[0]) != 0) {
		fprintf(stderr, "micro: expected a shared object whose first PT_LOAD is at 0\n");
		exit(1);
	}
	span = seg_start(&load[nload - 1]) + seg_len(&load[nload - 1]);
}

/* Segments FROM.. of the interpreter at base P, with FLAGS besides MAP_PRIVATE. */
static void map_segs(char *p, int from, int flags, int fd)
{
	for (int i = from; i < nload; i++)
		mmap(p + seg_start(&load[i]), seg_len(&load[i]), prot_of(&load[i]),
		     MAP_PRIVATE | flags, fd, (off_t)(load[i].p_offset & ~(PG - 1)));
}

static void map_reserve(int fd)
{
	char *p = mmap(0, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	map_segs(p, 0, MAP_FIXED, fd);
	munmap(p, span);
}

static void map_reserve_tail(int fd)
{
	char *p = mmap(0, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	unsigned long first = seg_len(&load[0]);

	mmap(p, first, prot_of(&load[0]), MAP_PRIVATE | MAP_FIXED, fd, 0);
	munmap(p + first, span - first);
	map_segs(p, 1, MAP_FIXED_NOREPLACE, fd);
	munmap(p, span);
}

static void map_first_tail(int fd)
{
	unsigned long first = seg_len(&load[0]);
	char *p = mmap(0, span, prot_of(&load[0]), MAP_PRIVATE, fd, 0);

	munmap(p + first, span - first);
	map_segs(p, 1, MAP_FIXED_NOREPLACE, fd);
	munmap(p, span);
}

static void map_first_over(int fd)
{
	char *p = mmap(0, span, prot_of(&load[0]), MAP_PRIVATE, fd, 0);

	map_segs(p, 1, MAP_FIXED, fd);
	munmap(p, span);
}

/* What the command does since commit 2145314: each segment straight into
 * free space at a known address (found once, here), no reservation. */
static void map_each(int fd)
{
	static char *at;

	if (!at) {
		at = mmap(0, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		munmap(at, span);
	}
	map_segs(at, 0, MAP_FIXED_NOREPLACE, fd);
	munmap(at, span);
}

static const struct {
	const char *name;
	void (*map)(int fd);
} ways[] = {
    {"reserve", map_reserve},
    {"reserve+tail", map_reserve_tail},
    {"first+tail", map_first_tail},
    {"first+over", map_first_over},
    {"each", map_each},
};

int main(int argc, char **argv)
{
	const char *interp = argc > 1 ? argv[1] : "/lib64/ld-linux-x86-64.so.2";
	char buf[1024];
	struct statx sx;
	double t;
	int fd = open(interp, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		perror(interp);
		return 1;
	}
	read_loads(fd);
	for (int round = 0; round < 2; round++) {
		printf("round %d (%d iterations each, microseconds per iteration)\n", round + 1, N);
		t = now_us();
		for (int i = 0; i < N; i++)
			syscall(SYS_getppid);
		printf("  null system call                          %6.2f\n", (now_us() - t) / N);
		t = now_us();
		for (int i = 0; i < N; i++) {
			int s = open("/proc/sys/vm/mmap_rnd_bits", O_RDONLY | O_CLOEXEC);

			if (read(s, buf, 16) < 0)
				return 1;
			close(s);
		}
		printf("  read vm.mmap_rnd_bits                     %6.2f\n", (now_us() - t) / N);
		t = now_us();
		for (int i = 0; i < N; i++) {
			int f = open(interp, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

			statx(f, "", AT_EMPTY_PATH, STATX_SIZE, &sx);
			syscall(SYS_faccessat2, f, "", X_OK, AT_EMPTY_PATH | AT_EACCESS);
			if (pread(f, buf, sizeof(buf), 0) < 0)
				return 1;
			close(f);
		}
		printf("  open+statx+faccessat2+pread of 1 KiB      %6.2f\n", (now_us() - t) / N);
		for (unsigned w = 0; w < sizeof(ways) / sizeof(ways[0]); w++) {
			t = now_us();
			for (int i = 0; i < N; i++)
				ways[w].map(fd);
			printf("  map %d segments, %-12s way, + munmap %6.2f\n", nload,
			       ways[w].name, (now_us() - t) / N);
		}
	}
	return 0;
}
