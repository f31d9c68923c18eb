#!/bin/bash
# 65-regress.t - inputs that once made uexec misbehave (tests/regress/), each
# run by the kernel, by the command and by the library (examples/execve).
#
#   far-segments   PT_LOADs spread over a huge, almost empty span (made by
#                  tests/regress/mkfar.c): the kernel runs it at once; uexec's
#                  drop_holes() once walked the span a page at a time,
#                  checking every segment for each page (16 s for 1 TiB and
#                  60 segments); it now goes from segment to segment, and a
#                  reserved span is given back in one piece.
#   far-desc       the same with the bss PT_LOADs in descending order and
#                  more pieces than the hand-off keeps one by one: the
#                  teardown once unmapped the lowest of them, which the
#                  program writes to (SIGSEGV); it now keeps the whole span.
#   handoff-noexec the command's hand-off page file on a noexec mount (a
#                  bind mount in a private mount namespace, as root): the
#                  page could not be made executable after the point of no
#                  return and the command died with SIGSEGV; it now falls
#                  back to a memfd.
#   stack-vma-trim the command run through a path of over 2 KiB: its own
#                  [stack] VMA (128 KiB below its longer strings) reached a
#                  page below the program's, and once only the command's own
#                  range was unmapped the program kept that page; the
#                  hand-off now trims it.
#   stack-vma-grow a "#!" script whose interpreter's strings end a page
#                  lower than the command's did: the [stack] VMA must grow
#                  to the program's (the clearing of it fails, a read grows
#                  it, the clearing is done again).
#   scratch-low    a command whose scratch address lies right below its
#                  image (build/lowscratch/uexec): start.S cannot map its
#                  1 MiB there, maps the variables' page alone, the arenas go
#                  elsewhere, and the hand-off must still unmap all of it
#                  (it once started its range at the image and left the
#                  variables' page behind).
#   scratch-taken  a command whose scratch address is its own image
#                  (build/badscratch/uexec): one line on stderr, status 126.
#
# Env: UEXEC = absolute path of uexec, B = absolute build directory.
set -u
: "${UEXEC:?UEXEC must name the uexec binary}" "${B:?B must name the build directory}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ulimit -c 0
# shellcheck source=tests/tap.bash
. "$(dirname "$0")/tap.bash"

# far NAME NLOW GAP_GIB LIMIT [desc]: the kernel exits 7, and so does the
# program run by uexec and by uexec_execve(), each within LIMIT seconds.
far()
{
	local name=$1 f=$tmp/$1 st rs t0 t1 how run

	if ! "$B/regress/mkfar" "$f" "$2" "$3" ${5:+"$5"} || ! chmod 755 "$f"; then
		not_ok "$name: mkfar failed"
		return
	fi
	"$f"
	st=$?
	for how in command library; do
		if [ $st != 7 ]; then
			not_ok "$name ($how): the kernel itself does not run it (status $st)"
			continue
		fi
		run=$UEXEC
		[ $how = library ] && run=$B/examples/execve
		t0=$(date +%s.%N)
		timeout "$4" "$run" "$f" 2>"$tmp/err"
		rs=$?
		t1=$(date +%s.%N)
		if [ $rs = 7 ]; then
			ok "$name ($how): $2 segments over $3 GiB${5:+, $5}, status 7 within $4 s"
		else
			not_ok "$name ($how): $2 segments over $3 GiB${5:+, $5}, status 7 within $4 s" \
				"status $rs (124: timed out, 139: SIGSEGV) after $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s: $(head -c 300 "$tmp/err")"
		fi
	done
}

echo 1..13
# (64 segments, not more: 5.10, 6.1 and 6.12 refuse more than 4096 bytes of
# program headers, 73 of them)
far far-segments-small 2 1 5
far far-segments 64 4096 5
far far-desc-small 12 1 5 desc
far far-desc 64 4096 5 desc

# handoff-noexec: a copy of the command outside the build directory, the
# build directory (with uexec-handoff in it) remounted noexec.
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null ||
	! unshare -m sh -c 'mount --bind / /mnt && mount -o remount,bind,noexec /mnt' 2>/dev/null; then
	skip "handoff-noexec: needs root, unshare and mount namespaces"
else
	cp "$UEXEC" "$tmp/uexec"
	out=$(unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,noexec "$1" &&
		"$2" /bin/cat /proc/self/maps' - "$B" "$tmp/uexec" 2>&1)
	rs=$?
	pages=$(printf '%s\n' "$out" | grep -c uexec)
	if [ $rs = 0 ] && [ "$pages" = 1 ] && printf '%s\n' "$out" | grep -q '/memfd:uexec (deleted)$'; then
		ok "handoff-noexec: runs, one hand-off page (a memfd's)"
	else
		printf '%s\n' "$out" | grep -e uexec -e fault | head -n 5 >"$tmp/why"
		not_ok_file "handoff-noexec: status $rs, $pages uexec mappings" "$tmp/why"
	fi
fi

# stack_vma NAME WANT PROG...: the probe's stack.vma_below_strings, run so.
stack_vma()
{
	local name=$1 want=$2 got
	shift 2
	got=$(env -i PAD="$PAD" "$@" 2>&1 | grep '^stack.vma_below_strings=')
	if [ "$got" = "stack.vma_below_strings=$want" ]; then
		ok "$name: [stack] starts $want below the page of the lowest string, as the kernel's"
	else
		not_ok "$name: want $want" "got '${got:-nothing}'"
	fi
}
probe=$B/fixtures/probe/glibc-pie
PAD=
kernel=$("$probe" | grep '^stack.vma_below_strings=' | cut -d= -f2)
deep=$tmp
while [ ${#deep} -lt 2100 ]; do
	deep=$deep/$(printf 'd%.0s' $(seq 200))
done
mkdir -p "$deep" && ln -s "$UEXEC" "$deep/uexec"
stack_vma stack-vma-trim "$kernel" "$deep/uexec" "$probe"

# The script's strings: interpreter (a 200-byte path), script, and the
# script again as AT_EXECFN; the command's: its own path twice and the
# script.  PAD puts the command's just under a page multiple (+ the zero
# word at the top), the program's over it.
long=$tmp/$(printf 'i%.0s' $(seq 190))
ln -s "$probe" "$long" && ln -s "$UEXEC" "$tmp/u"
printf '#!%s\n' "$long" >"$tmp/s" && chmod 755 "$tmp/s"
cmd=$(( (${#tmp} + 3) * 2 + ${#tmp} + 3 ))   # "$tmp/u" twice, "$tmp/s"
prog=$(( ${#long} + 1 + (${#tmp} + 3) * 2 ))  # interpreter, "$tmp/s" twice
pad=$(( (4096 - (cmd + 8 + 4) % 4096 - 1 + 4096) % 4096 ))
[ $((prog - cmd)) -gt 64 ] && [ $pad -gt 0 ] || pad=$((pad + 4096))
PAD=$(head -c "$pad" /dev/zero | tr '\0' p)
stack_vma stack-vma-grow "$kernel" "$tmp/u" "$tmp/s"

maps=$("$B/lowscratch/uexec" /bin/cat /proc/self/maps 2>&1)
rs=$?
left=$(printf '%s\n' "$maps" | grep -E -e uexec -e '^3ef' -e '^3f0')
if [ $rs = 0 ] && [ "$(printf '%s\n' "$left" | wc -l)" = 1 ] &&
	printf '%s\n' "$left" | grep -q 'uexec-handoff$' &&
	! "$B/lowscratch/uexec" "$probe" | grep -q FAIL; then
	ok "scratch-low: runs, the probe finds nothing wrong, only the hand-off page is left"
else
	printf 'status %s; left:\n%s\n' "$rs" "$left" >"$tmp/why"
	not_ok_file "scratch-low" "$tmp/why"
fi
err=$("$B/badscratch/uexec" /bin/true 2>&1)
rs=$?
if [ $rs = 126 ] && [ "$err" = "uexec: cannot map its memory at the scratch address (something is mapped there)" ]; then
	ok "scratch-taken: status 126 and one line"
else
	not_ok "scratch-taken: status 126 and one line" "status $rs: $err"
fi
