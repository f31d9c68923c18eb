/*
 * The state of one exec as it moves through the pipeline (the kernel's
 * struct linux_binprm plus the plan).  Stages, one file each:
 *
 *   open.c        1. open the file, check it is a regular, executable file
 *   binfmt.c      2. read the file's first bytes and ask each format handler
 *                    (binfmt_misc.c, binfmt_script.c, binfmt_elf.c)
 *   binfmt_elf.c  3. validate the program's and interpreter's headers
 *   plan.c        4. compute every mapping, the brk and the entry point
 *   stack.c       4. build the initial stack image and auxv
 *   map.c         5. carry the plan out next to the old image
 *   reset.c       6. what exec resets (library mode), after the point of no return
 *   commit.c      6. point of no return: reset, tear down, jump
 */
#ifndef UEXEC_BPRM_H
#define UEXEC_BPRM_H

#include <elf.h>
#include <linux/prctl.h>
#include <stdint.h>
#include "util.h"
#include "uexec.h"

#define BINPRM_BUF_SIZE 256
/* How much of a file is read at first: the handlers look at BINPRM_BUF_SIZE
 * bytes of it, the ELF loader takes its program headers and PT_INTERP from
 * the rest when they lie there (one pread() each less). */
#define HEAD_BYTES	1024
#define MAX_PHDR_BYTES	65536 /* load_elf_phdrs(): the table is at most 64 KiB */
#define MAX_INTERP_PATH 4096  /* PATH_MAX: PT_INTERP p_filesz limit */
#define MAX_AUXV	48
#define HANDOFF_MOVES	12 /* segment moves the hand-off page has room for */

/* One VMA-to-be: what map.c creates, in order. */
struct seg_map {
	uint64_t addr, len; /* page aligned, absolute */
	uint64_t off;	    /* file offset (file-backed only) */
	int prot;
	int anon;		   /* 1: anonymous zero pages */
	uint64_t zero_lo, zero_hi; /* bytes to clear inside the last file page (writable only) */
};

/* One ELF file: the program or its interpreter. */
struct elf_image {
	int fd;
	const char *path; /* for messages */
	uint64_t file_size;
	Elf64_Ehdr eh;
	const Elf64_Phdr *ph; /* in the first bytes read when they hold it, else a copy */
	unsigned phnum;
	int is_interp;
	const unsigned char *head; /* the file's first head_len bytes, while loading */
	long head_len;

	/* plan */
	uint64_t lo, hi;    /* page-aligned unbiased span of all PT_LOADs */
	uint64_t align;	    /* largest power-of-two p_align, at least a page */
	uint64_t bias;	    /* load_bias: added to every p_vaddr */
	int fixed;	    /* bias + lo is where the span must go */
	int reserved;	    /* map.c holds [bias + lo, bias + hi) */
	unsigned nmapped;   /* or these first segments, mapped one by one */
	uint64_t area_top;  /* placed top-down: where that stretch ended (mmap_base) */
	int displaced;	    /* library mode: its fixed place was taken, mapped elsewhere */
	uint64_t want_bias; /* ... the bias it must have in the end */
	int moved;	    /* the hand-off moves it (plan_late_placement) */
	uint64_t old_bias;  /* ... from this bias */
	int complete_image; /* from memory: every segment must be inside the file */
	uint64_t entry;	    /* biased e_entry */
	uint64_t phdr_addr; /* AT_PHDR */
	uint64_t brk;	    /* end of the highest segment (biased) */
	unsigned nseg;
	struct seg_map *seg; /* two per PT_LOAD at most: file pages, then bss */
};

/* A parsed "#!" line: pointers into the 256-byte buffer. */
struct shebang {
	const char *name, *name_end;
	const char *arg, *arg_end; /* arg is NULL when there is none */
};

/* capset()'s header and data, in one piece (the hand-off page holds one) */
struct exec_capset {
	uint32_t version;
	int pid;
	uint32_t data[6]; /* effective, permitted, inheritable: low words, then high */
};

/* Library mode: the caller's credentials and the program's (creds.c). */
struct exec_creds {
	uint32_t ruid, euid, suid, fsuid, rgid, egid, sgid, fsgid;
	uint32_t new_euid, new_egid; /* the effective ids the program gets */
	uint64_t p, e, i;	     /* the caller's permitted, effective, inheritable sets */
	uint64_t np, ne, amb;	     /* the program's permitted, effective and ambient sets */
	uint64_t mid_p, mid_e;	     /* held until the hand-off has set /proc/self/exe */
	unsigned securebits;
	int secureexec; /* AT_SECURE */
	int set_uids, set_gids, set_caps, final_caps;
	int keepcaps_dance, raise_ambient, clear_ambient, clear_keepcaps;
};

struct bprm {
	const char *filename;  /* the path as given, or /dev/fd/N[/path]: AT_EXECFN */
	const char *comm;      /* the new comm: basename of filename, or the file's name */
	int path_inaccessible; /* /dev/fd/N of a close-on-exec N: "#!" cannot work */
	int comm_from_dentry;  /* comm from the final file's own name (fd, empty path) */
	int complete_image;    /* an image from memory: every segment must be in it */
	int fd;
	uint64_t file_size;	       /* of the file b->fd refers to */
	unsigned char buf[HEAD_BYTES]; /* the file's first buf_len bytes; the first
					* BINPRM_BUF_SIZE zero past the file's end */
	long buf_len;

	char **argv; /* the program's argv: argv0 applied, scripts spliced */
	char *const *envp;
	int argc, envc;
	const char *interp_name; /* bprm->interp: this level's path, pushed by "#!" */
	int have_execfd;	 /* binfmt_misc O: the file stays open for its interpreter ... */
	int execfd;		 /* ... on this descriptor: AT_EXECFD */
	int preserve_argv0;	 /* binfmt_misc P: AT_FLAGS_PRESERVE_ARGV0 */
	int again;		 /* a "#!" handler named the next file to run */
	int dry_run;		 /* check and plan only: open no interpreter, map nothing */
	int may_displace;	 /* a fixed place held by what the hand-off unmaps is no error */
	int map_each;		 /* command mode: segments mapped one by one (map.c) */
	uint64_t mmap_top;	 /* ... and mmap_base, when the mmap area is empty */
	int vdso_stays;		 /* ... the top image goes right next to the vDSO (exec.c) */
	int legacy;		 /* ... in the bottom-up mmap layout */
	int vdso_sealed;	 /* library mode: the vDSO is mseal()ed (it cannot move) */
	uint64_t rlim_stack;	 /* RLIMIT_STACK's soft limit */
	int depth;
	int any_machine; /* --plan of a file: an ELF64 of any e_machine is read */
	unsigned nchain; /* the handler chain search_binary_handler() walked */
	struct {
		const char *path, *handler;
		const char *interp, *arg; /* a "#!" or binfmt_misc step: its interpreter,
					   * the "#!" line's argument */
	} chain[8];

	int randomize;	   /* PF_RANDOMIZE */
	unsigned va_space; /* kernel.randomize_va_space */
	int exec_stack;	   /* PT_GNU_STACK with PF_X */
	int has_interp;
	char *interp_path;

	struct elf_image exe, interp;
	struct exec_creds creds; /* library mode */
	struct arena arena;

	/* the stack */
	uint64_t stack_top;	 /* end of the [stack] VMA */
	uint64_t stack_lo;	 /* where the kernel's stack VMA would start */
	uint64_t sp;		 /* %rsp at entry */
	unsigned char *image;	 /* its bytes in the arena: [sp, gap_lo) then [gap_hi, top) */
	uint64_t gap_lo, gap_hi; /* the zero gap inside it, never written */

	/* auxv: the running kernel's, in its order, with the program's values */
	uint64_t auxv[MAX_AUXV * 2];
	unsigned nauxv;
	uint64_t vdso;		/* AT_SYSINFO_EHDR to give the program */
	struct prctl_mm_map mm; /* what /proc/self/{exe,cmdline,environ,auxv,stat} and brk report */

	/* library mode: moves the hand-off makes once the caller is gone */
	struct {
		uint64_t from, len, to;
	} * move;
	unsigned nmove;
	int vdso_move;
	uint64_t vdso_new; /* where [vvar*][vdso] go */

	uint64_t handoff; /* the hand-off page and its memfd */
	int handoff_fd;
	uint64_t entry; /* where the first instruction runs */
};

/* Process facts the loader reads once: the caller's auxv and its [stack]. */
struct host {
	const uint64_t *auxv; /* key/value pairs up to AT_NULL */
	uint64_t stack_top;
	uint64_t vdso_lo, vdso_hi; /* [vvar*] and [vdso] together */
	uint64_t vdso_text;	   /* offset of the vDSO ELF image in that block */
	int vdso_exact;		   /* vdso_lo is known, not guessed (host_vdso_exact()) */
	int move_vdso;		   /* command mode: re-place the vDSO like the kernel */
	int can_move_vdso;	   /* ARCH_MAP_VDSO_64 works */
	int vdso_parked;
	int vdso_above_stack; /* the kernel put it right above [stack] (host.c) */
	int va_space;	      /* kernel.randomize_va_space if known, else -1 */
	uint64_t mmap_top;    /* library mode: where the mmap area starts (mmap_base) */
	int fresh;	      /* command mode: a process just exec'd, with nothing to reset */
	int complete_image;   /* the next exec is of an image from memory ... */
	int image_fd;	      /* ... written to this memfd */
	int close_fd;	      /* command mode: a descriptor the hand-off closes (-1: none) */
	/* --plan: called with the finished plan instead of the commit */
	int (*plan)(struct bprm *b, struct host *h);
};

HIDDEN int open_exec(const char *path, int *fdp, uint64_t *size);
HIDDEN int open_exec_at(int dirfd, const char *path, int at_flags, int *fdp, uint64_t *size);
HIDDEN int bprm_read_buf(struct bprm *b);
HIDDEN int search_binary_handler(struct bprm *b);
HIDDEN int elf_load_headers(struct bprm *b, struct elf_image *im, int fd, const char *path,
			    const unsigned char *buf, long buf_len);
HIDDEN int load_elf_binary(struct bprm *b);
HIDDEN int load_script(struct bprm *b);
HIDDEN int load_misc_binary(struct bprm *b);
HIDDEN int parse_shebang(const char *buf, struct shebang *sb);
HIDDEN struct elf_image *top_image(struct bprm *b);
HIDDEN void plan_image(struct bprm *b, struct elf_image *im);
HIDDEN void plan_mm(struct bprm *b);
HIDDEN unsigned plan_load_pages(const struct elf_image *im, uint64_t page, struct seg_map *out);
HIDDEN int map_image(struct bprm *b, struct elf_image *im);
HIDDEN void unmap_image(struct elf_image *im);
HIDDEN int build_stack(struct bprm *b, struct host *h);
HIDDEN int host_init(struct host *h);
HIDDEN int host_vdso_exact(struct host *h);
HIDDEN int host_vdso_park(struct host *h);
HIDDEN int host_vdso_place(struct host *h, uint64_t *vdso, const struct elf_image *top);
HIDDEN uint64_t mmap_base_max(uint64_t rlim_stack, int randomize);
HIDDEN uint64_t top_down_slot(const struct elf_image *im, uint64_t mmap_base, uint64_t len);
HIDDEN int file_map_thp_aligned(int fd, uint64_t off, uint64_t len);
HIDDEN uint64_t thp_slot(uint64_t top, uint64_t len, uint64_t off);
HIDDEN int plan_late_placement(struct bprm *b, struct host *h, uint64_t *avoid, int library);
HIDDEN int handoff_map(struct bprm *b, const struct host *h, const uint64_t *avoid);
HIDDEN void handoff_unmap(struct bprm *b);
HIDDEN int prepare_exec_creds(struct exec_creds *c);
HIDDEN int commit_exec_creds(const struct exec_creds *c);
HIDDEN void cap_fill(struct exec_capset *c, uint64_t p, uint64_t e, uint64_t i);
HIDDEN int prepare_reset(struct bprm *b);
/* uexec_spawn()'s child (spawn.c): the signal mask reset_process() sets once
 * the handlers are reset */
extern HIDDEN uint64_t uexec_spawn_mask;
extern HIDDEN int uexec_spawn_mask_set;
HIDDEN int reset_process(const struct bprm *b);
HIDDEN int arch_check_caller(void);
HIDDEN void arch_reset_process(void);
HIDDEN __attribute__((noreturn)) void commit_exec(struct bprm *b, struct host *h);

extern HIDDEN struct host uexec_host;

#endif
