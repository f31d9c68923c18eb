/* --plan: the printer (src/show_plan.c; the writers src/show_plan_human.c, src/show_plan_json.c).
 */
#ifndef UEXEC_SHOW_PLAN_H
#define UEXEC_SHOW_PLAN_H

#include <stdint.h>
#include "util.h"

struct bprm;
struct host;

struct plan_opts {
	int json;      /* --plan=json */
	int summary;   /* --summary: one line per file */
	uint64_t page; /* --page-size: 0 for the running kernel's */
};
extern HIDDEN struct plan_opts uexec_plan_opts;

/* host->plan: the plan of the exec that was about to commit. */
HIDDEN int show_plan(struct bprm *b, struct host *h);
/* The dry run's plan of a file, at a generic place (uexec_dry_run_fd()). */
HIDDEN int show_plan_file(struct bprm *b, void *ctx);

/* --plan of files not run (--summary, another architecture, --page-size):
 * each opened and planned by a dry run.  0, or -errno for the first file
 * that fails when not a summary (why(errno) words a skipped file's error). */
HIDDEN int plan_files(char **paths, int n, const char *(*why)(int err));

#endif
