#!/bin/bash
# 65-regress.t - inputs that once made uexec misbehave (tests/regress/).
# A case marked TODO still fails: the bug is known and not fixed yet.
#
#   far-segments   PT_LOADs spread over a huge, almost empty span (made by
#                  tests/regress/mkfar.c): the kernel runs it at once; uexec's
#                  drop_holes() once walked the span a page at a time,
#                  checking every segment for each page (16 s for 1 TiB and
#                  60 segments); it now goes from segment to segment.
#
# Env: UEXEC = absolute path of uexec, B = absolute build directory.
set -u
: "${UEXEC:?UEXEC must name the uexec binary}" "${B:?B must name the build directory}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ulimit -c 0
n=0

# far NAME NLOW GAP_GIB LIMIT [TODO]: the kernel and uexec both exit 7, uexec
# within LIMIT seconds.
far()
{
	local name=$1 f=$tmp/$1 st t0 t1 todo=${5:+ # TODO $5}

	n=$((n + 1))
	if ! "$B/regress/mkfar" "$f" "$2" "$3" || ! chmod 755 "$f"; then
		echo "not ok $n - $name: mkfar failed"
		return
	fi
	"$f"
	st=$?
	if [ $st != 7 ]; then
		echo "ok $n - $name # SKIP the kernel itself does not run it (status $st)"
		return
	fi
	t0=$(date +%s.%N)
	timeout "$4" "$UEXEC" "$f"
	st=$?
	t1=$(date +%s.%N)
	if [ $st = 7 ]; then
		echo "ok $n - $name: $2 segments over $3 GiB run within $4 s$todo"
	else
		echo "not ok $n - $name: $2 segments over $3 GiB run within $4 s$todo"
		echo "# status $st (124: timed out) after $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
	fi
}

echo 1..2
far far-segments-small 2 1 5
far far-segments 200 4096 5
