#!/bin/bash
# 55-unit.t - the unit tests (tests/unit/*.c), built with AddressSanitizer
# and UBSan against the library's objects ($B/san/unit/*).  Each prints TAP;
# here their results are numbered into one stream, prefixed with the
# program's name, and each program must also exit 0 with nothing on stderr
# (a sanitizer report goes there).
#
# Env: B = absolute build directory.
set -u
: "${B:?B must name the build directory}"

export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# every tests/unit/NAME.c must have been built: a missing one is a failure,
# not a test that silently is not there
here=$(cd "$(dirname "$0")" && pwd)
n=0
for src in "$here"/unit/*.c; do
	t=$B/san/unit/$(basename "$src" .c)
	name=unit/${t##*/}
	if [ ! -x "$t" ]; then
		n=$((n + 1))
		echo "not ok $n - $name: not built ($t)"
		continue
	fi
	"$t" >"$tmp/out" 2>"$tmp/err"
	st=$?
	while IFS= read -r line; do
		case $line in
		"ok "*|"not ok "*)
			n=$((n + 1))
			ok=${line%%ok *}ok
			desc=${line#*ok }
			desc=${desc#* - }
			echo "$ok $n - $name: $desc" ;;
		"#"*)
			echo "$line" ;;
		esac
	done <"$tmp/out"
	n=$((n + 1))
	if [ $st = 0 ] && ! [ -s "$tmp/err" ]; then
		echo "ok $n - $name: exits 0, no sanitizer report"
	else
		echo "not ok $n - $name: exit $st"
		sed 's/^/# /' "$tmp/err" | head -40
	fi
done
echo "1..$n"
