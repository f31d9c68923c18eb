#!/bin/bash
# 35-self-exe.t - real programs that find themselves through /proc/self/exe
# must find the same path run directly and run through uexec.
#
# uexec replaces /proc/self/exe with prctl(PR_SET_MM_MAP), which needs
# CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE; without them (or not root) this
# is a known difference (README), so every row is skipped.  A program that
# is not installed skips its row.
#
# Env: UEXEC = absolute path of the uexec command, B = absolute build dir.
set -u

: "${UEXEC:?UEXEC must name the uexec command}"
: "${B:?B must name the build directory}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.bash"

why_skip=
can_set_exe || why_skip="neither CAP_SYS_ADMIN nor CAP_CHECKPOINT_RESTORE"

# row NAME FILTER PROG [ARG]...: PROG's output (stdout and stderr, through
# the shell command FILTER) is the same run directly and through uexec.
row() {
	local name=$1 filter=$2 prog=$3
	shift 3
	if [ -n "$why_skip" ]; then
		skip "$name: same path through uexec ($why_skip)"
		return
	fi
	if [ ! -x "$prog" ]; then
		skip "$name: same path through uexec ($prog not installed)"
		return
	fi
	"$prog" "$@" </dev/null >"$tmp/direct.raw" 2>&1
	echo $? >"$tmp/direct.rc"
	"$UEXEC" "$prog" "$@" </dev/null >"$tmp/uexec.raw" 2>&1
	echo $? >"$tmp/uexec.rc"
	bash -c "$filter" <"$tmp/direct.raw" >"$tmp/direct"
	bash -c "$filter" <"$tmp/uexec.raw" >"$tmp/uexec"
	if [ "$(cat "$tmp/direct.rc")" = 0 ] && [ "$(cat "$tmp/uexec.rc")" = 0 ] &&
		[ -s "$tmp/direct" ] && cmp -s "$tmp/direct" "$tmp/uexec"; then
		ok "$name: same path through uexec ($(head -n 1 "$tmp/direct"))"
		return
	fi
	{ echo "status direct $(cat "$tmp/direct.rc"), uexec $(cat "$tmp/uexec.rc")"
	  echo "direct:"; head -n 5 "$tmp/direct.raw"
	  echo "uexec:"; head -n 5 "$tmp/uexec.raw"; } >"$tmp/why"
	not_ok_file "$name: same path through uexec" "$tmp/why"
}

echo 1..5
row "readlink /proc/self/exe" cat /bin/readlink /proc/self/exe
# The java launcher finds java.home from its own path (/proc/self/exe).
java=$(command -v java || echo /usr/bin/java)
row "java java.home" "grep -F java.home" "$java" -XshowSettings:properties -version
row "rust current_exe()" cat "$B/fixtures/probe/current_exe"
# sys.executable comes from argv[0]; the second line from /proc/self/exe.
row "python3 sys.executable" cat /usr/bin/python3 -c \
	'import os, sys; print(sys.executable); print(os.readlink("/proc/self/exe"))'
# What the JVM builds from java.home: it must start, find its modules and run.
row "java -version" "grep -i -e version -e error" "$java" -version
