#!/bin/bash
# 25-limits.t - argument limits like the kernel's (bprm_stack_limits,
# copy_strings): a string over MAX_ARG_STRLEN (32 pages, NUL included) or
# arguments and environment over a quarter of RLIMIT_STACK (never less than
# ARG_MAX) give E2BIG; at the limits the program runs.  tests/limits/e2big.c
# builds the vectors itself and calls the kernel's execve or uexec_execve.
# Env: UEXEC = absolute path of uexec, B = absolute build directory.
set -u
: "${UEXEC:?UEXEC must name the uexec binary}" "${B:?B must name the build directory}"
E2=$B/fixtures/limits/e2big
PROG=$B/fixtures/bad/hello-static
n=0

outcome() {
	local out
	out=$(cat)
	case $out in
	errno=*) printf '%s' "$out" | tr '\n' ' ' ;;
	*) echo "ran, output $(printf '%s' "$out" | md5sum | cut -c1-12)" ;;
	esac
}

# same NAME STACK_KIB KIND SIZE: kernel and uexec end the same way.
same() {
	local k u
	# the outcome: "errno=..." or a digest of the program's output, and the status
	k=$({ "$E2" kernel "$2" "$3" "$4" "$PROG"; echo "status=$?"; } 2>&1 | outcome)
	u=$({ "$E2" uexec "$2" "$3" "$4" "$PROG"; echo "status=$?"; } 2>&1 | outcome)
	n=$((n + 1))
	if [ "$k" = "$u" ]; then
		echo "ok $n - $1: $k"
	else
		echo "not ok $n - $1"
		echo "# kernel: $k"
		echo "# uexec:  $u"
	fi
}

echo 1..8
# both sides failing alike on a missing file would prove nothing
[ -x "$PROG" ] && [ -x "$E2" ] || { echo "Bail out! $PROG or $E2 is not built"; exit 1; }
same "an argument of exactly MAX_ARG_STRLEN" 8192 arg 131072
same "an argument one byte over MAX_ARG_STRLEN" 8192 arg 131073
same "an environment string of exactly MAX_ARG_STRLEN" 8192 env 131072
same "an environment string one byte over" 8192 env 131073
same "240 KiB of arguments, RLIMIT_STACK 1 MiB (limit 256 KiB)" 1024 many $((240 * 1024))
same "280 KiB of arguments, RLIMIT_STACK 1 MiB" 1024 many $((280 * 1024))
same "120 KiB of arguments, RLIMIT_STACK 256 KiB (ARG_MAX floor)" 256 many $((120 * 1024))
same "200 KiB of arguments, RLIMIT_STACK 256 KiB" 256 many $((200 * 1024))
