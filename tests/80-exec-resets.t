#!/bin/bash
# 80-exec-resets.t - library mode drops what execve drops: credentials and
# per-process state, and refuses the callers it cannot serve.  Each case puts
# a caller (tests/reset/caller.c) in a state, then runs tests/reset/showstate
# by the kernel's execve and by uexec_execve(); the two outputs must be
# equal, or the library must have refused with the reason the case expects
# and the caller intact (it prints REFUSED itself).
#
#   1. the credentials matrix: {root, non-root, ruid=0 euid!=0, euid=0
#      ruid!=0} x {no securebits, SECBIT_NOROOT, SECBIT_NO_SETUID_FIXUP} x
#      {ambient empty, CAP_NET_ADMIN} x {KEEPCAPS off, on} x {no_new_privs
#      off, on}; a refusal is accepted only when the kernel's program holds
#      permitted capabilities that the caller did not (user space cannot
#      raise them).  Where the kernel's rule changed in Linux 6.16 (effective
#      ids other than the real ones, with an ambient set or no_new_privs) the
#      library tells the rule by running a probe program (src/creds.c): the
#      results must be the kernel's, and under a seccomp filter that denies
#      execve the call is refused.
#   2. single cases: fsuid, an emptied effective set, a reduced permitted set
#      (refused; equal under no_new_privs), setpriv's ambient case from the
#      issue, keyrings, CPUID faulting, syscall user dispatch, LDT, TLS
#      entries, the parent-death signal and RLIMIT_STACK of a secure exec.
#   3. callers that cannot be served: mseal, vfork, clone(CLONE_VM), the main
#      thread gone; and clone(CLONE_FILES), whose table is unshared.
#   4. the unprivileged path: a non-root caller's run (setpriv).
#
# Env: UEXEC (unused but for the harness's convention), B = build directory.
set -u
export LC_ALL=C
: "${B:?B must name the build directory}"
. "$(dirname "$0")/tap.bash"
R=$B/fixtures/reset
for f in caller showstate shared; do
	if [ ! -x "$R/$f" ]; then
		echo "Bail out! $R/$f is not built (make reset-fixtures)"
		exit 1
	fi
done
show=$R/showstate
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

# tap_check NAME STATUS: ok when STATUS is 0
tap_check() { if [ "$2" = 0 ]; then ok "$1"; else not_ok "$1"; fi; }

ids=(root user ruid0 euid0)
sbs=(none noroot nofixup)
planned=$((${#ids[@]} * ${#sbs[@]} * 2 * 2 * 2 + 14 + 13 + 1))
echo "1..$planned"

if [ "$(id -u)" != 0 ]; then
	for ((i = 0; i < planned - 1; i++)); do skip "the setups need root"; done
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$R/caller" -u -- "$show" 2>&1)
	want=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$R/caller" -- "$show" 2>&1)
	tap_check "unprivileged caller: the same state" "$([ "$out" = "$want" ] && echo 0 || echo 1)"
	exit 0
fi

# hex_subset A B: whether every bit of A is in B
hex_subset() { (( (0x$1 & ~0x$2) == 0 )); }

# compare NAME SETUP...: kernel vs library, refusal allowed only for a gain
compare() {
	local name=$1 k u prm kprm
	shift
	k=$("$R/caller" "$@" -- "$show" 2>&1)
	u=$("$R/caller" -u "$@" -- "$show" 2>&1)
	case $k in SKIP*) skip "$name: ${k#SKIP }"; return ;; esac
	if [ "$k" = "$u" ]; then
		ok "$name"
	elif [[ $u == REFUSED*EPERM* ]]; then
		prm=$(sed -n 's/.*prm=\([0-9a-f]*\).*/\1/p' <<<"$u")
		kprm=$(sed -n 's/^status.CapPrm=//p' <<<"$k")
		if hex_subset "$kprm" "$prm"; then
			not_ok "$name: refused though the kernel gives no more than the caller holds ($kprm in $prm): $u"
		else
			ok "$name (refused: the kernel raises CapPrm to $kprm from $prm)"
		fi
	else
		not_ok "$name"
		diff <(echo "$k") <(echo "$u") | sed 's/^/# /'
	fi
}

for i in "${ids[@]}"; do
	for sb in "${sbs[@]}"; do
		for amb in 0 1; do
			for keep in 0 1; do
				for nnp in 0 1; do
					compare "creds ids=$i sb=$sb amb=$amb keep=$keep nnp=$nnp" \
						ids=$i sb=$sb amb=$amb keep=$keep nnp=$nnp
				done
			done
		done
	done
done

# expect NAME WANT_GLOB SETUP...: the library's run must match WANT_GLOB
# (a refusal), while the kernel's runs the program
expect_refusal() {
	local name=$1 want=$2 k u
	shift 2
	k=$("$R/caller" "$@" -- "$show" 2>&1)
	u=$("$R/caller" -u "$@" -- "$show" 2>&1)
	case $k in SKIP*) skip "$name: ${k#SKIP }"; return ;; esac
	# shellcheck disable=SC2053 # a glob on purpose
	if [[ $k == status.* && $u == $want ]]; then
		ok "$name"
	else
		fail "$name"
		printf '# kernel: %s\n# uexec:  %s\n' "${k%%$'\n'*}" "$u"
	fi
}

compare "fsuid 1000 of a root caller" fsuid=1000
compare "root with an empty effective set" emptyeff
compare "euid=0 ruid!=0, empty effective set" ids=euid0 emptyeff
expect_refusal "root with CAP_NET_RAW out of the permitted set: refused" \
	"REFUSED errno=EPERM*raise the permitted*" dropprm
compare "the same under no_new_privs (the kernel's downgrade)" dropprm nnp=1
compare "euid=0 ruid!=0 under no_new_privs (effective ids reset)" ids=euid0 nnp=1
compare "ruid=0 euid!=0 under no_new_privs" ids=ruid0 nnp=1 amb=1
expect_refusal "a key in the thread keyring: refused" "REFUSED errno=EPERM*thread keyring*" \
	keyring=thread
expect_refusal "a key in the process keyring: refused" "REFUSED errno=EPERM*process keyring*" \
	keyring=process
compare "CPUID faulting" cpuid
compare "syscall user dispatch" sud
compare "an LDT entry" ldt
compare "a GDT TLS entry" tls
compare "PR_SPEC_DISABLE_NOEXEC" ssb

# An empty thread keyring stays: the documented difference (uexec(3)).
k=$("$R/caller" keyring=thread-empty -- "$show" | grep '^keyring.thread=')
u=$("$R/caller" -u keyring=thread-empty -- "$show" | grep '^keyring.thread=')
tap_check "an empty thread keyring: gone by the kernel, kept by uexec (documented)" \
	"$([ "$k" = keyring.thread=none ] && [ "$u" = keyring.thread=yes ] && echo 0 || echo 1)"

# The issue's setpriv case: ambient CAP_NET_ADMIN for uid 1000.
sp=(setpriv --reuid=1000 --regid=1000 --clear-groups --inh-caps=+net_admin
	--ambient-caps=+net_admin)
k=$("${sp[@]}" "$show" 2>&1)
u=$("${sp[@]}" "$R/caller" -u -- "$show" 2>&1)
tap_check "setpriv --reuid=1000 --inh-caps=+net_admin --ambient-caps=+net_admin" \
	"$([ "$k" = "$u" ] && grep -qx 'status.CapEff=0000000000001000' <<<"$u" && echo 0 || echo 1)"
# A secure exec (ruid != euid): no parent-death signal, RLIMIT_STACK <= 8 MiB.
compare "secure exec: pdeath signal and RLIMIT_STACK" ids=euid0 pdeath stack=67108864
compare "no secure exec: both kept" pdeath stack=67108864

expect_refusal "a sealed mapping: refused" "REFUSED errno=EPERM*sealed*" mseal
u=$("$R/caller" -u ids=euid0 nnp=1 noexec -- "$show" 2>&1)
tap_check "the version-dependent rule with execve denied: refused" \
	"$([[ $u == REFUSED*EPERM*"could not be run"* ]] && echo 0 || echo 1)"

# shared CASE: kernel and library, what the sharer sees.
for c in vfork clonevm; do
	k=$("$R/shared" $c k "$show" | grep -c '^status.Uid=')
	k_parent=$("$R/shared" $c k "$show" | grep '^parent=')
	u=$("$R/shared" $c u "$show")
	tap_check "$c child: the kernel runs the program and the parent lives ($k_parent)" \
		"$([ "$k" = 1 ] && [ "$k_parent" = 'parent=alive child=exit:0' ] && echo 0 || echo 1)"
	tap_check "$c child: uexec refuses (EINVAL), the parent lives" \
		"$(grep -q 'child-refused errno=EINVAL.*shared with another process' <<<"$u" &&
			grep -qx 'parent=alive child=exit:122' <<<"$u" && echo 0 || echo 1)"
done
prog=(/bin/sh -c 'exec 5</dev/null; echo ready >&8; read x <&9')
k=$("$R/shared" files k "${prog[@]}" | grep '^parent\.')
u=$("$R/shared" files u "${prog[@]}" | grep '^parent\.')
tap_check "clone(CLONE_FILES): the table unshared ($k)" \
	"$([ "$k" = "$u" ] && [ "$k" = 'parent.cloexec_fd=open parent.program_fd5=no' ] && echo 0 || echo 1)"
k=$("$R/shared" leaderexit k "$show" | grep -c '^status.Uid=')
u=$("$R/shared" leaderexit u "$show")
tap_check "main thread exited: the kernel runs the program" "$([ "$k" = 1 ] && echo 0 || echo 1)"
tap_check "main thread exited: uexec refuses (EBUSY)" \
	"$(grep -q 'child-refused errno=EBUSY.*main thread has exited' <<<"$u" && echo 0 || echo 1)"
# the unprivileged path
chmod 755 "$B" "$B/fixtures" "$R" 2>/dev/null
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$R/caller" -u -- "$show" 2>&1)
want=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$R/caller" -- "$show" 2>&1)
tap_check "unprivileged caller: the same state" "$([ "$out" = "$want" ] && echo 0 || echo 1)"
