#!/bin/bash
# tests/30-real-programs.t — run installed programs directly and through uexec,
# and require the same stdout, exit status and (unless the row says otherwise)
# stderr.  The table is tests/real/programs.txt; its header explains the format.
#
# Environment: UEXEC = absolute path of the command under test, B = absolute
# build directory (for the Go and Rust fixtures).  Prints TAP.
#
# Each run gets the same fresh copy of a fixture directory at the same path,
# the same fixed environment and the same stdin, so the only difference
# between the two runs is uexec.  Knobs: REAL_KEEP=1 keeps the temp directory,
# REAL_SHOW=1 prints every direct run's output as comments (to review the
# table), REAL_PROCFS=1 runs the procfs rows even without the capabilities.

set -u
# shellcheck source=tests/tap.bash
. "$(dirname "$0")/tap.bash"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
table=$here/real/programs.txt
: "${UEXEC:?UEXEC must name the uexec command}"
: "${B:?B must name the build directory}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/uexec-real.XXXXXX") || exit 1
if [ -z "${REAL_KEEP:-}" ]; then
	trap 'rm -rf "$tmp"' EXIT
fi

# The environment every program sees.  Nothing from the caller leaks in, so
# pyenv shims, locales and time zones cannot make the runs differ.
fixed_env=(env -i PATH=/usr/bin:/bin HOME="$tmp/home" LC_ALL=C TZ=UTC
	UEXEC_REAL="real programs")

# A fixed timestamp for every fixture file, so ls -l, stat and tar print the
# same thing on every run.
stamp=@1000000000

# make_fixture DIR: the files the table's commands work on.
make_fixture() {
	local d=$1
	mkdir -p "$d/data/sub" "$d/mk" "$tmp/home"
	printf 'alpha\nbeta\n' >"$d/data/a.txt"
	printf 'alpha\ngamma\nbeta\n' >"$d/data/b.txt"
	printf 'nested file\n' >"$d/data/sub/c.txt"
	printf 'banana\napple\ncherry\napple\nbanana\nbanana\nmango orange\n' >"$d/lines.txt"
	printf 'root:x:0:0\ndaemon:x:1:1\nbin:x:2:2\nuexec:x:1000:1000\n' >"$d/passwd.txt"
	printf 'caf\303\251 \342\202\254 na\303\257ve\n' >"$d/utf8.txt"
	cat >"$d/hello.c" <<-'EOF'
		/* Compiled and run by the gcc and musl-gcc rows. */
		#include <stdio.h>
		#include <stdlib.h>
		int main(int argc, char **argv)
		{
			unsigned long long f = 1;
			const char *v = getenv("UEXEC_REAL");
			for (int i = 0; i < argc; i++)
				printf("argv[%d]=%s\n", i, argv[i]);
			for (int i = 2; i <= 20; i++)
				f *= i;
			printf("UEXEC_REAL=%s 20!=%llu\n", v ? v : "(unset)", f);
			return 10 + argc;
		}
	EOF
	printf '#!/bin/sh\necho "script $0 has $# args: $*"\nexit 9\n' >"$d/t.sh"
	printf '#!/usr/bin/env python3\nimport sys\nprint("py", sys.argv[1:])\n' >"$d/t.py"
	chmod +x "$d/t.sh" "$d/t.py"
	printf 'all: one two\n\t@echo done\none:\n\t@echo one $(MAKE_VERSION)\ntwo:\n\t@printf "%%s\\n" two\n' >"$d/mk/Makefile"
	make_git_repo "$d/repo"
	find "$d" -exec touch -h -d "$stamp" {} +
	tar -C "$d" -cf "$d/data.tar" --mtime="$stamp" --owner=0 --group=0 \
		--numeric-owner --sort=name data
	touch -d "$stamp" "$d/data.tar" "$d"
}

# make_git_repo DIR: two commits with fixed names and dates, so the hashes
# and `git log` are the same on every machine.
make_git_repo() {
	local r=$1
	local -a g=("${fixed_env[@]}" GIT_AUTHOR_NAME=Ada GIT_AUTHOR_EMAIL=ada@example.org
		GIT_COMMITTER_NAME=Ada GIT_COMMITTER_EMAIL=ada@example.org
		GIT_AUTHOR_DATE="1000000000 +0000" GIT_COMMITTER_DATE="1000000000 +0000"
		git -C "$r")
	mkdir -p "$r"
	"${g[@]}" init -q -b main . &&
		printf 'first\n' >"$r/README" &&
		"${g[@]}" add README &&
		"${g[@]}" commit -q -m 'first commit' &&
		printf 'second\n' >>"$r/README" &&
		"${g[@]}" commit -q -a -m 'second commit'
}

# first_program CMD: the first word of the command, for the installed check.
first_program() {
	local c=${1//@U@/}
	c=${c//@B@/$B}
	read -r c _ <<<"$c"
	printf '%s\n' "$c"
}

# missing_fixture CMD: prints the first @B@/... word of CMD that names no
# file, and succeeds; fails when there is none.
missing_fixture() {
	local w
	for w in ${1//@U@/}; do
		case $w in
		@B@/*) [ -e "$B${w#@B@}" ] || { printf '%s\n' "$B${w#@B@}"; return 0; } ;;
		esac
	done
	return 1
}

# installed PROG: as the row's PATH lookup would find it.
installed() {
	case $1 in
	/*) [ -x "$1" ] ;;
	*/*) [ -x "$tmp/fixture/$1" ] ;;
	*) PATH=/usr/bin:/bin command -v "$1" >/dev/null ;;
	esac
}

# run_row PREFIX CMD STDIN OUT: run one command with PREFIX ("" or uexec) in
# a fresh copy of the fixture; writes OUT.out, OUT.err, OUT.status.
run_row() {
	local prefix=$1 cmd=$2 in=$3 out=$4
	case $cmd in *@U@*) ;; *) cmd="@U@ $cmd" ;; esac
	cmd=${cmd//@U@/$prefix}
	cmd=${cmd//@B@/$(printf '%q' "$B")}
	rm -rf "$tmp/w" && cp -a "$tmp/fixture" "$tmp/w" || return 1
	(
		cd "$tmp/w" || exit 1
		[ "$in" = - ] && in=/dev/null
		exec timeout -k 5 60 "${fixed_env[@]}" /bin/sh -c "$cmd" \
			<"$in" >"$out.out" 2>"$out.err"
	)
	echo $? >"$out.status"
}

# show_diff WHAT A B: a short unified diff as TAP comments.
show_diff() {
	diff -u --label "direct $1" --label "uexec $1" "$2" "$3" | head -n 20 | sed 's/^/#   /'
}

make_fixture "$tmp/fixture" || {
	echo "1..0 # SKIP cannot build the fixture directory"
	exit 0
}
uexec_q=$(printf '%q' "$UEXEC")
have_set_mm=${REAL_PROCFS:-0}
can_set_exe && have_set_mm=1

mapfile -t rows < <(grep -v -e '^#' -e '^[[:space:]]*$' "$table")
[ "${#rows[@]}" -ge 50 ] || { echo "Bail out! $table has ${#rows[@]} rows"; exit 1; }
echo "1..${#rows[@]}"
declare -A seen
for row in "${rows[@]}"; do
	IFS=$'\t' read -r name cmd in flags <<<"$row"
	in=${in:--}
	flags=",${flags:-},"
	if [ -n "${seen[$name]:-}" ]; then
		not_ok "$name: a duplicate row name"
		continue
	fi
	seen[$name]=1
	prog=$(first_program "$cmd")
	if [[ $flags != *,always,* ]] && ! installed "$prog"; then
		skip "$name: $prog is not installed"
		continue
	fi
	# a build fixture the row names (a Go or Rust program) must exist: a
	# missing file would fail the same way both runs and prove nothing
	if missing=$(missing_fixture "$cmd"); then
		skip "$name: $missing is not built"
		continue
	fi
	if [[ $flags == *,procfs,* ]] && [ "$have_set_mm" = 0 ]; then
		skip "$name: exact /proc/self/exe needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE"
		continue
	fi
	run_row "" "$cmd" "$in" "$tmp/direct"
	run_row "$uexec_q" "$cmd" "$in" "$tmp/uexec"

	if [ -n "${REAL_SHOW:-}" ]; then
		echo "# $name: status $(cat "$tmp/direct.status")"
		head -n 12 "$tmp/direct.out" "$tmp/direct.err" | sed 's/^/#   /'
	fi
	bad=""
	# A row that cannot even run directly compares nothing: report it.
	if [[ $flags != *,always,* ]] && grep -qx -e 126 -e 127 "$tmp/direct.status"; then
		bad=" direct-run-failed-to-start"
	fi
	cmp -s "$tmp/direct.status" "$tmp/uexec.status" || bad="$bad status"
	cmp -s "$tmp/direct.out" "$tmp/uexec.out" || bad="$bad stdout"
	if [[ $flags != *,nostderr,* ]]; then
		cmp -s "$tmp/direct.err" "$tmp/uexec.err" || bad="$bad stderr"
	fi
	if [ -z "$bad" ]; then
		ok "$name"
		continue
	fi
	not_ok "$name (differs:$bad)"
	echo "#   command: $cmd"
	echo "#   status: direct $(cat "$tmp/direct.status"), uexec $(cat "$tmp/uexec.status")"
	for what in $bad; do
		case $what in
		stdout) show_diff stdout "$tmp/direct.out" "$tmp/uexec.out" ;;
		stderr) show_diff stderr "$tmp/direct.err" "$tmp/uexec.err" ;;
		esac
	done
done
