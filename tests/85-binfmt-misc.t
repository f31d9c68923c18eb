#!/bin/bash
# 85-binfmt-misc.t - handlers registered in binfmt_misc, kernel and uexec side
# by side.  Each case registers its handler under a name of its own
# (uexec-tPID-...), matching only files this test makes, and every one is
# removed on every way out (trap); no other entry is touched, and binfmt_misc
# is unmounted again if this test mounted it.  The interpreter is the
# differential probe: its whole output (argv, auxv with AT_EXECFD and
# AT_FLAGS, descriptors, maps, ...) must be the same both ways but for the
# hand-off page and the kernel's internal __FMODE_EXEC bit (0x20) in the
# flags of the AT_EXECFD descriptor, which open() cannot set.
# Needs root (registering is root's); skips with the reason otherwise.
# Env: UEXEC, B.
set -u
: "${UEXEC:?UEXEC must name the uexec command}" "${B:?B must name the build directory}"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.bash"

PROBE=$B/fixtures/probe/glibc-pie
TRYEXEC=$B/fixtures/bad/tryexec
MISC=/proc/sys/fs/binfmt_misc
tag=uexec-t$$
cases=15
echo "1..$cases"

skip_all() {
	for _ in $(seq 1 $cases); do skip "binfmt_misc: $1"; done
	exit 0
}
[ "$(id -u)" = 0 ] || skip_all "needs root to register handlers"
[ -x "$PROBE" ] && [ -x "$TRYEXEC" ] || skip_all "fixtures not built"

tmp=$(mktemp -d /tmp/uexec-misc.XXXXXX)
chmod 755 "$tmp"
mounted=0
cleanup() {
	local e
	for e in "$MISC/$tag"-*; do
		[ -e "$e" ] && echo -1 >"$e"
	done
	[ $mounted = 1 ] && umount "$MISC"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
if [ ! -e "$MISC/register" ]; then
	mount -t binfmt_misc binfmt_misc "$MISC" 2>/dev/null && mounted=1 ||
		skip_all "binfmt_misc is not mounted and cannot be"
fi
[ "$(head -n 1 "$MISC/status")" = enabled ] || skip_all "binfmt_misc is switched off (status)"

# register NAME TYPE OFFSET MAGIC MASK INTERPRETER FLAGS (the kernel's format)
register() {
	printf ':%s-%s:%s:%s:%s:%s:%s:%s\n' "$tag" "$1" "$2" "$3" "$4" "$5" "$6" "$7" >"$MISC/register"
}
unregister() { echo -1 >"$MISC/$tag-$1"; }

# The hand-off page dropped; the AT_EXECFD descriptor's __FMODE_EXEC dropped.
filter() {
	awk '/^maps\.loader\.0=/ { next }
		/^maps\.loader\.count=1$/ { print "maps.loader.count=0"; next }
		{ print }' "$1" | sed -E 's/^(fd\.[0-9]+=file cloexec=0 flags=0x[0-9a-f]*)2([0-9a-f] off=)/\10\2/' |
		LC_ALL=C sort
}

# same NAME FILE [KEY]...: FILE run by the kernel and by uexec (run_fixed:
# fixed environment, arguments and descriptors); the same output, and the
# kernel's has every KEY (so that the handler was really used).
same() {
	local name=$1 f=$2 k=$tmp/k.$n u=$tmp/u.$n key why=$tmp/why
	shift 2
	run_fixed "$k" "$TRYEXEC" "$f"
	run_fixed "$u" "$UEXEC" "$f"
	: >"$why"
	for key in "$@"; do
		grep -qxF -- "$key" "$k" || echo "kernel: no line '$key'" >>"$why"
	done
	[ "$(cat "$k.rc")" = "$(cat "$u.rc")" ] ||
		echo "status: kernel $(cat "$k.rc"), uexec $(cat "$u.rc")" >>"$why"
	diff <(filter "$k") <(filter "$u") >>"$why" || true
	if [ -s "$why" ]; then
		{ echo "uexec stderr:"; cat "$u.err"; } >>"$why"
		not_ok_file "$name" "$why"
	else
		ok "$name"
	fi
}

# data files no other handler, format or test matches
magic=UEXECMISC$$
printf '%s: not ELF, not a script\n' "$magic" >"$tmp/m.bin"
printf 'xxxx%s but masked\n' "${magic/MISC/misc}" >"$tmp/mask.bin"
printf 'matched by its name only\n' >"$tmp/file.ux$$"
chmod 755 "$tmp/m.bin" "$tmp/mask.bin" "$tmp/file.ux$$"
cd "$tmp" || exit 1
hexmagic=$(printf '%s' "$magic" | od -An -tx1 | tr -d ' \n' | sed 's/../\\x&/g')

register magic M "" "$hexmagic" "" "$PROBE" ""
same "magic at offset 0: argv [interpreter, path, argv[1..]]" ./m.bin \
	"argv.0=$PROBE" "argv.1=./m.bin" "argv.2=x" "auxv.AT_FLAGS=0x0"
unregister magic

# offset 4, and a mask that ignores the case of "misc" (bit 0x20)
maskhex=$(printf '%s' "$magic" | od -An -tx1 | tr -d ' \n' |
	sed -E 's/../ff/g; s/^(.{10}).{8}/\1dfdfdfdf/' | sed 's/../\\x&/g')
register mask M 4 "$hexmagic" "$maskhex" "$PROBE" ""
same "magic at offset 4 under a mask" ./mask.bin "argv.1=./mask.bin"
unregister mask

register ext E "" "ux$$" "" "$PROBE" ""
same "extension .ux$$" "./file.ux$$" "argv.1=./file.ux$$"
# uexec --plan: the handler in the chain, with its interpreter (JSON valid)
(cd "$tmp" && "$UEXEC" --plan=json -R "./file.ux$$" >"$tmp/plan.json" 2>&1)
if python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["chain"]
sys.exit(c != [{"handler": "misc", "path": "./file.ux" + sys.argv[2], "interpreter": sys.argv[3], "arg": None},
               {"handler": "ELF", "path": sys.argv[3]}])' "$tmp/plan.json" $$ "$PROBE" &&
	python3 "$here/plan/validate.py" "$here/../doc/plan.schema.json" "$tmp/plan.json" >"$tmp/val" 2>&1; then
	ok "--plan: the binfmt_misc handler in the chain, then its interpreter"
else
	not_ok_file "--plan of a binfmt_misc file: the chain" "$tmp/plan.json"
fi
unregister ext

register p M "" "$hexmagic" "" "$PROBE" P
same "flag P: argv [interpreter, path, argv[0], ...], AT_FLAGS_PRESERVE_ARGV0" ./m.bin \
	"argv.1=./m.bin" "argv.2=./m.bin" "argv.3=x" "auxv.AT_FLAGS=0x1"
unregister p

register o M "" "$hexmagic" "" "$PROBE" O
same "flag O: the file open for the interpreter, AT_EXECFD" ./m.bin "auxv.AT_EXECFD=0x4"
unregister o

register c M "" "$hexmagic" "" "$PROBE" C
same "flag C (credentials from the file; implies O)" ./m.bin "auxv.AT_EXECFD=0x4"
unregister c

cp "$PROBE" "$tmp/probe-f"
register f M "" "$hexmagic" "" "$tmp/probe-f" F
same "flag F: runs" ./m.bin "argv.0=$tmp/probe-f"
# F: the kernel holds the interpreter opened when it was registered; uexec
# opens it by its path at each run (README): gone, it is not found.
mv "$tmp/probe-f" "$tmp/probe-f.moved"
run_fixed "$tmp/fk" "$TRYEXEC" ./m.bin
run_fixed "$tmp/fu" "$UEXEC" ./m.bin
if grep -qxF "argv.0=$tmp/probe-f" "$tmp/fk" && [ "$(cat "$tmp/fu.rc")" = 127 ] &&
	grep -q "binfmt_misc interpreter $tmp/probe-f: " "$tmp/fu.err"; then
	ok "flag F, interpreter moved away: the kernel still runs it, uexec: not found (documented)"
else
	not_ok "flag F, interpreter moved away" "kernel: $(head -c 300 "$tmp/fk.err")" \
		"uexec: status $(cat "$tmp/fu.rc") $(cat "$tmp/fu.err")"
fi
unregister f

register off M "" "$hexmagic" "" "$PROBE" ""
echo 0 >"$MISC/$tag-off"
kline=$("$TRYEXEC" ./m.bin 2>&1); kst=$?
uline=$("$UEXEC" ./m.bin 2>&1); ust=$?
if [ "$kst" = 126 ] && [ "$ust" = 126 ] && [[ $kline == *errno=ENOEXEC* ]] &&
	[[ $uline == "uexec: ./m.bin: Exec format error ("* ]]; then
	ok "a disabled handler is not used: ENOEXEC both ways"
else
	not_ok "a disabled handler" "kernel: $kst $kline" "uexec: $ust $uline"
fi
unregister off

# the handler's interpreter is a "#!" script: binfmt_script takes it from there
printf '#!%s from-script\n' "$PROBE" >"$tmp/interp.sh"
chmod 755 "$tmp/interp.sh"
register sh M "" "$hexmagic" "" "$tmp/interp.sh" ""
same "the handler's interpreter is a #! script" ./m.bin \
	"argv.0=$PROBE" "argv.1=from-script" "argv.2=$tmp/interp.sh" "argv.3=./m.bin"
unregister sh

# two handlers for the same file: the newest wins
register old M "" "$hexmagic" "" "$PROBE" ""
register new M "" "$hexmagic" "" "$tmp/interp.sh" ""
same "two handlers match: the newest is used" ./m.bin "argv.1=from-script"
unregister new
unregister old

# binfmt_misc comes before ELF: an x86-64 ELF that a handler matches (by a
# mark in EI_PAD, which the ELF loader ignores) goes to the handler
python3 - "$B/fixtures/probe/nolibc" "$tmp/marked" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[9:16] = b'UXMISC!'
open(sys.argv[2], 'wb').write(d)
PY
chmod 755 "$tmp/marked"
register elf M 9 '\x55\x58\x4d\x49\x53\x43\x21' "" "$PROBE" ""
same "an ELF file a handler matches: the handler first, as the kernel" ./marked \
	"argv.0=$PROBE" "argv.1=./marked"
unregister elf

# two levels that each want the file open (O): the kernel refuses the second
printf '%s2 second level\n' "$magic" >"$tmp/level2"
chmod 755 "$tmp/level2"
register o1 M "" "$hexmagic" "" "$tmp/level2" O
register o2 M "" "$hexmagic"'\x32' "" "$PROBE" O
kline=$("$TRYEXEC" ./m.bin 2>&1); kst=$?
uline=$("$UEXEC" ./m.bin 2>&1); ust=$?
kerr=${kline#tryexec: errno=}
kerr=${kerr%% *}
if [ "$kst" = "$ust" ] && [ "$kst" -ge 126 ] && [[ $uline == "uexec: ./m.bin: "* ]]; then
	ok "two levels with flag O: refused both ways ($kerr)"
else
	not_ok "two levels with flag O" "kernel: $kst $kline" "uexec: $ust $uline"
fi
unregister o2
unregister o1

# qemu-user for a foreign program: a static aarch64 program with a mark of its
# own in EI_PAD, so that no other aarch64 file on the system is affected
qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64)
if [ -z "$qemu" ] || ! command -v aarch64-linux-gnu-gcc >/dev/null; then
	skip "qemu-user runs an aarch64 static program (needs qemu-user and gcc-aarch64-linux-gnu)"
else
	printf '#include <stdio.h>\nint main(int c, char **v) { for (int i = 0; i < c; i++) printf("[%%s]", v[i]); puts(""); return 3; }\n' >"$tmp/a64.c"
	aarch64-linux-gnu-gcc -static -O2 -o "$tmp/a64" "$tmp/a64.c"
	python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[9:16] = b"UXQEMU!"; open(sys.argv[1], "wb").write(d)' "$tmp/a64"
	register qemu M 9 '\x55\x58\x51\x45\x4d\x55\x21' "" "$qemu" F
	kout=$("$tmp/a64" a 'b c'; echo " status $?")
	uout=$("$UEXEC" "$tmp/a64" a 'b c'; echo " status $?")
	kout=${kout//$'\n'/} uout=${uout//$'\n'/}
	if [ "$kout" = "$uout" ] && [[ $kout == *"status 3" ]]; then
		ok "qemu-user runs an aarch64 static program: $kout"
	else
		not_ok "qemu-user runs an aarch64 static program" "kernel: $kout" "uexec: $uout"
	fi
	unregister qemu
fi
