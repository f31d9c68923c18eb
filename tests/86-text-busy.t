#!/bin/bash
# 86-text-busy.t - ETXTBSY, kernel and uexec side by side.
#   1. running a file that is open for writing (the program, its PT_INTERP
#      interpreter, a "#!" script, a script's interpreter): the kernel
#      refuses with ETXTBSY; uexec sees it through a read lease (src/open.c);
#   2. what uexec cannot see: a file of another owner, without CAP_LEASE
#      (the README says so; the test shows it, as root only);
#   3. opening a running program's file for writing: the kernel refuses
#      (ETXTBSY); uexec's program is refused too when uexec could make
#      /proc/self/exe the program (it holds the file as the kernel does),
#      not otherwise (README).
# Env: UEXEC, B.
set -u
: "${UEXEC:?UEXEC must name the uexec command}" "${B:?B must name the build directory}"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.bash"
TRYEXEC=$B/fixtures/bad/tryexec

echo 1..8
tmp=$(mktemp -d /tmp/uexec-busy.XXXXXX)
chmod 755 "$tmp"
trap 'exec 9>&-; rm -rf "$tmp"' EXIT

# busy NAME FILE WRITTEN: FILE run by the kernel and by uexec while WRITTEN
# is open for writing (descriptor 9 of this shell, inherited by both)
busy() {
	local name=$1 f=$2 w=$3 kline uline kst ust
	exec 9>>"$w"
	kline=$("$TRYEXEC" "$f" 2>&1 >/dev/null); kst=$?
	uline=$("$UEXEC" "$f" 2>&1 >/dev/null); ust=$?
	exec 9>&-
	if [[ $kline == "tryexec: errno=ETXTBSY "* ]] && [ "$ust" = "$kst" ] &&
		[[ $uline == "uexec: $f: Text file busy ("*")" ]]; then
		ok "$name: ETXTBSY both ways"
	else
		not_ok "$name" "kernel: $kst $kline" "uexec: $ust $uline"
	fi
}

cp /bin/true "$tmp/prog"
busy "the program open for writing" "$tmp/prog" "$tmp/prog"

interp=$(readelf -l /bin/true | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
cp "$interp" "$tmp/ld.so"
printf 'int main(void) { return 0; }\n' >"$tmp/dyn.c"
cc -o "$tmp/dyn" -Wl,--dynamic-linker="$tmp/ld.so" "$tmp/dyn.c"
busy "its PT_INTERP interpreter open for writing" "$tmp/dyn" "$tmp/ld.so"

printf '#!%s\n' "$tmp/prog" >"$tmp/script"
chmod 755 "$tmp/script"
busy "a #! script open for writing" "$tmp/script" "$tmp/script"
busy "a #! script's interpreter open for writing" "$tmp/script" "$tmp/prog"

# a file that is not the runner's: a read lease is refused (EACCES) without
# CAP_LEASE, so uexec cannot tell; the kernel can
SETPRIV=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	exec 9>>"$tmp/prog"
	kst=$("${SETPRIV[@]}" "$TRYEXEC" "$tmp/prog" 2>&1; echo "status $?")
	ust=$("${SETPRIV[@]}" "$UEXEC" "$tmp/prog" 2>&1; echo "status $?")
	exec 9>&-
	if [[ $kst == *ETXTBSY*"status 126" ]] && [ "$ust" = "status 0" ]; then
		ok "another user's file open for writing: the kernel ETXTBSY, uexec cannot see it and runs it (documented)"
	else
		not_ok "another user's file open for writing" "kernel: $kst" "uexec: $ust"
	fi
else
	skip "another user's file open for writing (needs root and setpriv)"
fi

# 3. a running program's file opened for writing
cp /bin/sleep "$tmp/sleep"
# running CMD...: CMD in the background; then an open for writing of the
# file: "refused" (ETXTBSY) or "opened"
running() {
	local pid r
	"$@" 5 &
	pid=$!
	for _ in $(seq 50); do # until it runs the program (comm: sleep)
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] && break
		sleep 0.05
	done
	sleep 0.1
	if (exec 8>>"$tmp/sleep") 2>/dev/null; then r=opened; else r=refused; fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "$r"
}
k=$(running "$tmp/sleep")
u=$(running "$UEXEC" "$tmp/sleep")
if [ "$k" = refused ] && can_set_exe && [ "$u" = refused ]; then
	ok "a running program's file opened for writing: refused both ways (uexec sets /proc/self/exe)"
elif [ "$k" = refused ] && ! can_set_exe && [ "$u" = opened ]; then
	ok "a running program's file opened for writing: kernel refused; uexec without the capability to set /proc/self/exe: opened (documented)"
else
	not_ok "a running program's file opened for writing" "kernel: $k, uexec: $u"
fi
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$tmp/sleep"
	cp "$UEXEC" "$tmp/uexec"
	u=$(running "${SETPRIV[@]}" "$tmp/uexec" "$tmp/sleep")
	if [ "$k" = refused ] && [ "$u" = opened ]; then
		ok "... by an unprivileged uexec: opened (documented: no /proc/self/exe, nothing holds the file)"
	else
		not_ok "... by an unprivileged uexec" "kernel: $k, uexec: $u"
	fi
else
	skip "a running program's file, unprivileged uexec (needs root and setpriv)"
fi

# and not refused when nothing writes (the lease is given back at once)
cp /bin/true "$tmp/free"
"$UEXEC" "$tmp/free" && (exec 8>>"$tmp/free") 2>/dev/null &&
	ok "no writer: runs, and the file can be opened for writing afterwards" ||
	not_ok "no writer: runs, and the file can be opened for writing afterwards"
