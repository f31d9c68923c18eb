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
# shellcheck source=tests/tap.bash
. "$(dirname "$0")/tap.bash"

outcome() {
	local out
	out=$(cat)
	case $out in
	errno=*) printf '%s' "$out" | tr '\n' ' ' ;;
	*) echo "ran, ${out##*$'\n'}, output $(printf '%s' "${out%$'\n'*}" | md5sum | cut -c1-12)" ;;
	esac
}

# same NAME WANT STACK_KIB KIND SIZE: the kernel ends as WANT says ("runs":
# the program's own status 42, from tests/bad/hello.c; E2BIG), and uexec ends the same way.
same() {
	local name=$1 want=$2 k u
	shift 2
	# the outcome: "errno=..." or a digest of the program's output, and the status
	k=$({ "$E2" kernel "$1" "$2" "$3" "$PROG"; echo "status=$?"; } 2>&1 | outcome)
	u=$({ "$E2" uexec "$1" "$2" "$3" "$PROG"; echo "status=$?"; } 2>&1 | outcome)
	case $want:$k in
	runs:ran,\ status=42,*|E2BIG:errno=E2BIG*) ;;
	*)
		not_ok "$name: the kernel did not end as expected ($want)" "kernel: $k"
		return
		;;
	esac
	if [ "$k" = "$u" ]; then
		ok "$name: $k"
	else
		not_ok "$name" "kernel: $k" "uexec:  $u"
	fi
}

echo 1..8
# both sides failing alike on a missing file would prove nothing
[ -x "$PROG" ] && [ -x "$E2" ] || { echo "Bail out! $PROG or $E2 is not built"; exit 1; }
same "an argument of exactly MAX_ARG_STRLEN" runs 8192 arg 131072
same "an argument one byte over MAX_ARG_STRLEN" E2BIG 8192 arg 131073
same "an environment string of exactly MAX_ARG_STRLEN" runs 8192 env 131072
same "an environment string one byte over" E2BIG 8192 env 131073
same "240 KiB of arguments, RLIMIT_STACK 1 MiB (limit 256 KiB)" runs 1024 many $((240 * 1024))
same "280 KiB of arguments, RLIMIT_STACK 1 MiB" E2BIG 1024 many $((280 * 1024))
same "120 KiB of arguments, RLIMIT_STACK 256 KiB (ARG_MAX floor)" runs 256 many $((120 * 1024))
same "200 KiB of arguments, RLIMIT_STACK 256 KiB" E2BIG 256 many $((200 * 1024))
