/*
 * bench.c — start-up cost of programs run directly and through uexec.
 *
 *   bench [-n N] [-w WARMUP] [-H] -u UEXEC LABEL PROG [ARG]... [--- LABEL PROG [ARG]...]...
 *
 * For each LABEL, spawns `PROG ARG...` (direct) and `UEXEC PROG ARG...`
 * (through uexec) N times each, interleaved (direct, uexec, direct, ...), so
 * that drifts in CPU frequency, caches and background load hit both sides
 * alike.  Each sample is the wall time of posix_spawn + waitpid, read from
 * CLOCK_MONOTONIC.  Prints one line per LABEL: the median of each side, their
 * difference and their ratio, and the interquartile range of the direct
 * runs (iqr_us: when it is far above the difference, so is the difference's
 * uncertainty).  Medians, because a spawn's time has a long tail (scheduler,
 * page-cache misses) that would dominate a mean.
 *
 * The programs' stdin, stdout and stderr are /dev/null: terminal output
 * would cost more than the start-up being measured.  Every spawn must exit
 * with status 0; anything else makes the figures meaningless, so it is
 * reported and bench exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* One program to measure: its label and both command lines. */
struct pair {
	const char *label;
	char **direct; /* PROG ARG... NULL */
	char **uexec;  /* UEXEC PROG ARG... NULL */
};

struct options {
	long n;	     /* measured spawns per side */
	long warmup; /* unmeasured spawns per side first */
	int header;  /* print the column header */
	const char *uexec;
};

static void usage(void)
{
	fprintf(stderr, "usage: bench [-n N] [-w WARMUP] [-H] -u UEXEC LABEL PROG [ARG]... "
			"[--- LABEL PROG [ARG]...]...\n");
	exit(2);
}

static long parse_count(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 0 || v > 10000000) {
		fprintf(stderr, "bench: bad %s: %s\n", what, s);
		exit(2);
	}
	return v;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/*
 * Spawn ARGV with fds 0-2 on /dev/null, wait for it, and return the elapsed
 * microseconds; -1 (with a message) when it cannot start or does not exit 0.
 */
static double spawn_wait(char **argv, const posix_spawn_file_actions_t *fa)
{
	double t0, t1;
	pid_t pid;
	int status, err;

	t0 = now_us();
	err = posix_spawnp(&pid, argv[0], fa, NULL, argv, environ);
	if (err) {
		fprintf(stderr, "bench: %s: %s\n", argv[0], strerror(err));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("bench: waitpid");
			return -1;
		}
	}
	t1 = now_us();
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return t1 - t0;
	if (WIFEXITED(status))
		fprintf(stderr, "bench: %s exited with status %d\n", argv[0], WEXITSTATUS(status));
	else
		fprintf(stderr, "bench: %s killed by signal %d\n", argv[0], WTERMSIG(status));
	return -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts V in place. */
static double median(double *v, long n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Run one pair: warm-up, then N interleaved samples per side; 0 or -1. */
static int bench_pair(const struct pair *p, const struct options *o,
		      const posix_spawn_file_actions_t *fa)
{
	double *direct = calloc(o->n ? o->n : 1, sizeof(double));
	double *uexec = calloc(o->n ? o->n : 1, sizeof(double));
	double md, mu;
	int ret = -1;

	if (!direct || !uexec) {
		perror("bench");
		goto out;
	}
	/* Warm-up: page cache, dynamic-loader caches, CPU frequency. */
	for (long i = 0; i < o->warmup; i++)
		if (spawn_wait(p->direct, fa) < 0 || spawn_wait(p->uexec, fa) < 0)
			goto out;
	for (long i = 0; i < o->n; i++) {
		direct[i] = spawn_wait(p->direct, fa);
		uexec[i] = spawn_wait(p->uexec, fa);
		if (direct[i] < 0 || uexec[i] < 0)
			goto out;
	}
	if (o->n == 0) {
		ret = 0;
		goto out;
	}
	md = median(direct, o->n);
	mu = median(uexec, o->n);
	/* how much the program's own start varies: the direct runs' middle half
	 * (median() sorted them) */
	printf("%-22s %7ld %11.1f %11.1f %+10.1f %7.3f %9.1f\n", p->label, o->n, md, mu, mu - md,
	       mu / md, direct[o->n * 3 / 4] - direct[o->n / 4]);
	fflush(stdout);
	ret = 0;
out:
	free(direct);
	free(uexec);
	return ret;
}

/* A NULL-terminated copy of N words, after an optional FIRST word. */
static char **argv_copy(const char *first, char **words, int n)
{
	int off = first ? 1 : 0;
	char **v = calloc(n + off + 1, sizeof(char *));

	if (!v) {
		perror("bench");
		exit(1);
	}
	if (first)
		v[0] = (char *)first;
	memcpy(&v[off], words, n * sizeof(char *));
	return v;
}

/*
 * Split the operands into pairs at each "---".  The uexec command line is
 * UEXEC followed by the direct one's words.
 */
static struct pair *parse_pairs(int argc, char **argv, const char *uexec, int *npairs)
{
	struct pair *pairs = calloc(argc, sizeof(*pairs));
	int n = 0, i = 0;

	if (!pairs) {
		perror("bench");
		exit(1);
	}
	while (i < argc) {
		int start = i;

		while (i < argc && strcmp(argv[i], "---") != 0)
			i++;
		if (i - start < 2)
			usage(); /* a LABEL needs a PROG */
		pairs[n].label = argv[start];
		pairs[n].direct = argv_copy(NULL, &argv[start + 1], i - start - 1);
		pairs[n].uexec = argv_copy(uexec, &argv[start + 1], i - start - 1);
		n++;
		i++; /* past the "---" */
	}
	*npairs = n;
	return pairs;
}

static void free_pairs(struct pair *pairs, int n)
{
	for (int i = 0; i < n; i++) {
		free(pairs[i].direct);
		free(pairs[i].uexec);
	}
	free(pairs);
}

/* fds 0, 1 and 2 of every child become /dev/null, opened once here. */
static void setup_file_actions(posix_spawn_file_actions_t *fa)
{
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (devnull < 0) {
		perror("bench: /dev/null");
		exit(1);
	}
	posix_spawn_file_actions_init(fa);
	for (int fd = 0; fd <= 2; fd++)
		posix_spawn_file_actions_adddup2(fa, devnull, fd);
}

int main(int argc, char **argv)
{
	struct options o = {.n = 1000, .warmup = -1, .header = 1, .uexec = NULL};
	posix_spawn_file_actions_t fa;
	struct pair *pairs;
	int c, npairs, failed = 0;

	/* '+': stop at the first operand, so a PROG's own options stay its own. */
	while ((c = getopt(argc, argv, "+n:w:Hu:")) != -1) {
		switch (c) {
		case 'n':
			o.n = parse_count(optarg, "N");
			break;
		case 'w':
			o.warmup = parse_count(optarg, "WARMUP");
			break;
		case 'H':
			o.header = 0;
			break;
		case 'u':
			o.uexec = optarg;
			break;
		default:
			usage();
		}
	}
	if (!o.uexec || optind >= argc)
		usage();
	if (o.warmup < 0)
		o.warmup = o.n / 20 > 10 ? o.n / 20 : 10;
	pairs = parse_pairs(argc - optind, argv + optind, o.uexec, &npairs);
	setup_file_actions(&fa);

	if (o.header)
		printf("%-22s %7s %11s %11s %10s %7s %9s\n", "program", "n", "direct_us",
		       "uexec_us", "diff_us", "ratio", "iqr_us");
	for (int i = 0; i < npairs; i++) {
		if (bench_pair(&pairs[i], &o, &fa) < 0) {
			printf("%-22s FAILED (see stderr)\n", pairs[i].label);
			failed = 1;
		}
	}
	posix_spawn_file_actions_destroy(&fa);
	free_pairs(pairs, npairs);
	return failed;
}
