#!/bin/bash
# bench/run.sh — the start-up benchmark: each program run directly and through
# uexec, interleaved, N times each (bench/bench.c), one table row per program.
#
#   make bench          (runs: UEXEC=.../uexec B=.../build bash bench/run.sh)
#   BENCH_N=500 make bench             fewer runs (default 2000; python 1000)
#   UEXEC=/usr/bin/env B=$PWD/build bash bench/run.sh
#                       the stand-in: the cost of one extra exec
#   BENCH_BUDGET_US=80  the budget the last lines hold each row to (a row whose
#                       direct runs spread over more than that is called noisy:
#                       its difference is then that uncertain too)
#
# The budget (README "Performance"): uexec PROGRAM costs at most 80 us more than
# PROGRAM, for every kind of program.  Figures from a busy machine are noise:
# run it on an idle one.

set -eu -o pipefail
: "${UEXEC:?UEXEC must name the uexec command}"
: "${B:?B must name the build directory}"

bench=$B/bench/bench
if [ ! -x "$bench" ]; then
	echo "run.sh: $bench is missing; build it with make bench" >&2
	exit 1
fi
n=${BENCH_N:-2000}
# python3 starts in ~10 ms and varies by much more than uexec adds: 300
# runs a side gave medians +44..+160 us apart in one afternoon, 1000-3000
# runs +74..+104 (bench/RESULTS.md).  Fewer runs than the others, still.
n_py=${BENCH_N_PYTHON:-1000}
if [ "$n" -lt "$n_py" ]; then
	n_py=$n
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "uexec:   $UEXEC"
echo "machine: $(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r)"
echo "method:  posix_spawn + waitpid, wall time, interleaved, median of n per side"
echo

# row LABEL N PROG [ARG]...: one line of the table, or a note when PROG is
# not there (musl-tools not installed).
header=""
row() {
	local label=$1 count=$2
	shift 2
	if [ ! -x "$1" ]; then
		printf '%-22s skipped: %s is missing\n' "$label" "$1"
		return 0
	fi
	local st=0
	"$bench" $header -n "$count" -u "$UEXEC" "$label" "$@" | tee -a "$rows" || st=$?
	header=-H
	return $st
}

# The budget, row by row, from the table's diff_us column.
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
verdict() {
	echo
	awk -v budget="${BENCH_BUDGET_US:-80}" '
		$1 != "program" && NF >= 6 {
			d = $5 + 0
			printf "%-22s %+7.1f us: %s%s\n", $1, d,
				d <= budget ? "within the " budget " us budget" : sprintf("over the %d us budget by %.1f", budget, d - budget),
				((NF >= 7 && $7 + 0 > budget + 0) ? sprintf(" (noisy: the direct runs spread over %.0f us)", $7) : "")
		}' "$rows"
}

status=0
row true-glibc-dynamic "$n" /bin/true || status=1
row hello-glibc-static "$n" "$B/bench/hello-glibc-static" || status=1
row hello-musl-static "$n" "$B/bench/hello-musl-static" || status=1
row nolibc-static "$n" "$B/bench/hello-nolibc-static" || status=1
row python3-c-pass "$n_py" /usr/bin/python3 -c pass || status=1
verdict
# uexec_spawn() against posix_spawn, library mode (bench/spawn.c)
if [ -x "$B/bench/spawn" ]; then
	echo
	"$B/bench/spawn" -n "$((n / 2))" "$UEXEC" /bin/true || status=1
	"$B/bench/spawn" -n "$((n / 2))" "$UEXEC" "$B/bench/hello-nolibc-static" | tail -n +2 || status=1
fi
bash "$(dirname "$0")/plan.sh" || status=1
exit $status
