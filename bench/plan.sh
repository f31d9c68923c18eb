#!/bin/bash
# bench/plan.sh — uexec --plan --summary against readelf -lW over every ELF
# file in /usr/bin and /usr/lib/x86_64-linux-gnu and their subdirectories
# (regular files, as find -type f; relocatable objects included):
# files per second, one process per file for both, and uexec with all the
# files in one process.  Wall time of the whole loop, the page cache warm
# (one untimed pass first).  Run by make bench after the start-up rows.
#
#   UEXEC=.../uexec bash bench/plan.sh
set -eu -o pipefail
: "${UEXEC:?UEXEC must name the uexec command}"
list=$(mktemp)
trap 'rm -f "$list"' EXIT
find /usr/bin /usr/lib/x86_64-linux-gnu -type f -print0 | sort -z |
	while IFS= read -r -d '' f; do
		if [ "$(head -c4 "$f" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; then
			echo "$f"
		fi
	done >"$list"
files=$(wc -l <"$list")
command -v readelf >/dev/null || { echo "plan.sh: readelf is not installed" >&2; exit 1; }

# time_loop NAME CMD...: CMD FILE once per file; prints files/s
secs() { date +%s.%N; }
per_file() {
	local name=$1 t0 t1
	shift
	while IFS= read -r f; do "$@" "$f" >/dev/null 2>&1 || true; done <"$list"
	t0=$(secs)
	while IFS= read -r f; do "$@" "$f" >/dev/null 2>&1 || true; done <"$list"
	t1=$(secs)
	awk -v n="$files" -v a="$t0" -v b="$t1" -v name="$name" \
		'BEGIN { printf "%-48s %6d files %8.3f s %9.0f files/s\n", name, n, b - a, n / (b - a) }'
}
echo
echo "--plan --summary vs readelf -lW over /usr/bin and /usr/lib/x86_64-linux-gnu ($files ELF files)"
per_file "readelf -lW FILE (a process a file)" readelf -lW
per_file "uexec --plan --summary FILE (a process a file)" "$UEXEC" --plan --summary
xargs -d '\n' "$UEXEC" --plan --summary <"$list" >/dev/null 2>&1 || true
t0=$(secs)
xargs -d '\n' "$UEXEC" --plan --summary <"$list" >/dev/null 2>&1 || true
t1=$(secs)
awk -v n="$files" -v a="$t0" -v b="$t1" \
	'BEGIN { printf "%-48s %6d files %8.3f s %9.0f files/s\n", "uexec --plan --summary FILE... (xargs)", n, b - a, n / (b - a) }'
