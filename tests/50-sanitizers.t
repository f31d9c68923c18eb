#!/bin/bash
# 50-sanitizers.t - stages 1-4 (identify, parse, plan) under AddressSanitizer
# and UBSan over every fixture: each valid program, each malformed variant and
# the files their PT_INTERP names, the probe flavours, the Go and Rust
# programs, some system programs and a few "#!" scripts.
#
# $B/san/check (tests/san/check.c) runs the dry run uexec_check_fd() on a
# file, then the same with the plan kept and checked against what map.c
# relies on, and the interpreter's rules on the same bytes.  Per file: no
# sanitizer report, exit 0 (a refusal is an answer), and for the programs
# that run, "ok".  What each refusal should be is tests/20-bad-input.t's
# business, not this test's.
#
# Env: B = absolute build directory.
set -u
: "${B:?B must name the build directory}"

CHECK=$B/san/check
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# "#!" scripts: followed by nobody (the dry run parses and stops).
script() { printf "$2" >"$tmp/$1"; chmod 755 "$tmp/$1"; }
script sh '#!/bin/sh\necho hi\n'
script env-arg '#!/usr/bin/env  python3 -u \nprint(1)\n'
script crlf '#!/bin/sh\r\necho hi\r\n'
script tabs '#!\t/bin/sh\t-e\t\n'
script nul-after-name '#!/bin/sh\0 -e\n'
script bang-alone '#!'
script bang-newline '#!\n'
script name-too-long "#!/$(printf 'a%.0s' {1..300})"
script arg-too-long "#!/bin/sh $(printf 'x%.0s' {1..300})"
script script-interp "#!$tmp/sh\n"

# Programs that run: their dry run must succeed.
RUNS=("$B"/fixtures/bad/hello-* "$B"/fixtures/probe/* "$B"/fixtures/real/* /bin/true
	/usr/bin/python3 "$tmp"/sh "$tmp"/env-arg "$tmp"/script-interp)
OTHERS=("$B"/fixtures/bad/variants/* "$B"/fixtures/bad/variants/interp/* "$tmp"/crlf
	"$tmp"/tabs "$tmp"/nul-after-name "$tmp"/bang-alone "$tmp"/bang-newline
	"$tmp"/name-too-long "$tmp"/arg-too-long)

files=()
for f in "${RUNS[@]}" "${OTHERS[@]}"; do
	[ -f "$f" ] && files+=("$f")
done
# the fixtures must be there, or this checks next to nothing
[ -x "$CHECK" ] || { echo "Bail out! $CHECK is not built"; exit 1; }
nvar=$(find "$B/fixtures/bad/variants" -maxdepth 1 -type f 2>/dev/null | wc -l)
nprobe=$(find "$B/fixtures/probe" -maxdepth 1 -type f 2>/dev/null | wc -l)
if [ "$nvar" -lt 40 ] || [ "$nprobe" -lt 10 ]; then
	echo "Bail out! fixtures missing: $nvar malformed variants, $nprobe probes (make check builds them)"
	exit 1
fi
echo "1..${#files[@]}"

n=0
for f in "${files[@]}"; do
	n=$((n + 1))
	out=$("$CHECK" "$f" 2>"$tmp/err")
	st=$?
	want_ok=
	for r in "${RUNS[@]}"; do [ "$r" = "$f" ] && want_ok=1; done
	first=${out%%$'\n'*}
	name=${f#"$B"/fixtures/}
	name=${name#"$tmp"/}
	if [ $st != 0 ] || [ -s "$tmp/err" ]; then
		echo "not ok $n - $name: exit $st"
		sed 's/^/# /' "$tmp/err" | head -40
	elif [ -n "$want_ok" ] && [ "$first" != "$f: ok" ]; then
		echo "not ok $n - $name: a program that runs is refused"
		echo "# $first"
	else
		echo "ok $n - $name: ${first#"$f": }"
	fi
done
