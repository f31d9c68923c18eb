#!/bin/bash
# 45-creds.t - AT_SECURE and AT_UID/AT_EUID/AT_GID/AT_EGID follow the
# caller's credentials as the kernel's do, for a program without set-id
# bits: AT_SECURE is 1 when the real and effective uid (or gid) differ.
# Each case runs the probe under setpriv directly, through uexec, and through
# the library (examples/execve), and compares the five auxv entries.
#
# Env: UEXEC = absolute path of uexec, B = absolute build directory.
set -u
: "${UEXEC:?UEXEC must name the uexec binary}" "${B:?B must name the build directory}"

probe=$B/fixtures/probe/glibc-static
cases=("--ruid=65534 --euid=0" "--rgid=65534 --egid=0 --clear-groups"
	"--reuid=65534 --regid=65534 --clear-groups" "--reuid=0 --regid=0 --keep-groups")
# shellcheck source=tests/tap.bash
. "$(dirname "$0")/tap.bash"
echo "1..$((2 * ${#cases[@]}))"
# setpriv sets other ids only with CAP_SETUID and CAP_SETGID: as root.
if [ "$(id -u)" != 0 ]; then
	for c in "${cases[@]}"; do
		for how in command library; do
			skip "setpriv $c ($how): not root"
		done
	done
	exit 0
fi

ids()
{
	# shellcheck disable=SC2086 # the options are words
	setpriv $1 "${@:2}" a b 2>/dev/null |
		grep -E '^auxv\.AT_(SECURE|UID|EUID|GID|EGID)=' | sort | tr '\n' ' '
}

for c in "${cases[@]}"; do
	want=$(ids "$c" "$probe")
	for how in command library; do
		if [ $how = command ]; then
			got=$(ids "$c" "$UEXEC" "$probe")
		else
			got=$(ids "$c" "$B/examples/execve" "$probe")
		fi
		# five entries, or the comparison proves nothing
		if [ "$(wc -w <<<"$want")" = 5 ] && [ "$got" = "$want" ]; then
			ok "setpriv $c ($how): $want"
		else
			not_ok "setpriv $c ($how)" "kernel: $want" "uexec:  $got"
		fi
	done
done
