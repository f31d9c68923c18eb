#!/bin/bash
# 80-plan.t - uexec --plan: the address space it prints is the one the
# kernel builds, and it fails exactly as running the program does.
#
#  1. For every probe flavour and some 30 real programs (and a "#!" script):
#     `uexec --plan=json -R PROG x 'y z'` against the kernel's own exec of
#     PROG under setarch -R, stopped at its first instruction by
#     tests/plan/atexec: VMA for VMA (program, interpreter, stack, vDSO),
#     auxv, brk start, stack top and %rsp (tests/plan/compare.py).
#  2. Every case of tests/20-bad-input's variants: --plan gives the same
#     status and error line as running it, or exit 0 and a plan when it runs.
#  3. The section-to-segment mapping of every ELF file in /usr/bin and
#     /usr/lib/x86_64-linux-gnu equals readelf -lW's (tests/plan/sections.py).
#
# Env: UEXEC = absolute path of uexec, B = absolute build directory.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${UEXEC:?UEXEC must name the uexec command}" "${B:?B must name the build directory}"
# shellcheck source=tests/tap.bash
. "$here/tap.bash"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ATEXEC=$B/fixtures/plan/atexec

# ---- 1. plan == kernel -------------------------------------------------
flavours=(glibc-pie glibc-nopie glibc-static glibc-spie glibc-pie-2m glibc-pie-16m
	glibc-spie-2m glibc-spie-16m glibc-ttext glibc-execstack musl-static musl-spie nolibc
	nolibc-robss)
real=(/bin/true /bin/ls /usr/bin/python3 /usr/bin/perl /usr/bin/git /usr/bin/gcc
	"$B/fixtures/real/hello-go" "$B/fixtures/real/hello-go-dynamic" "$B/fixtures/real/hello-rust"
	/usr/bin/java /usr/bin/bash /usr/bin/dash /usr/bin/cat /usr/bin/grep /usr/bin/sed
	/usr/bin/make /usr/bin/tar /usr/bin/gzip /usr/bin/find /usr/bin/sort /usr/bin/env
	/usr/bin/setarch /usr/bin/readelf /usr/bin/as /usr/bin/ld.bfd /usr/bin/ssh /usr/bin/openssl
	/usr/bin/prove /lib64/ld-linux-x86-64.so.2 /usr/lib/x86_64-linux-gnu/libc.so.6 "$UEXEC")
printf '#!/bin/sh -e\nexit 0\n' >"$tmp/script" && chmod 755 "$tmp/script"

triples=()
compare_one() { # NAME PATH: both sides run; compared below, all in one python3
	local name=$1 prog=$2 k=$tmp/k.${#triples[@]} p=$tmp/p.${#triples[@]}
	if [ ! -x "$prog" ]; then
		skip "plan = kernel: $name: $prog not installed or not built"
		return
	fi
	env -i A=1 B=2 setarch -R "$ATEXEC" "$prog" x 'y z' >"$k" 2>"$k.err"
	env -i A=1 B=2 "$UEXEC" --plan=json -R "$prog" x 'y z' >"$p" 2>"$p.err"
	if [ $? != 0 ] || [ -s "$p.err" ]; then
		not_ok_file "plan = kernel: $name: --plan failed" "$p.err"
		return
	fi
	triples+=("plan = kernel: $name" "$p" "$k")
}
for f in "${flavours[@]}"; do
	compare_one "probe $f" "$B/fixtures/probe/$f"
done
for p in "${real[@]}"; do
	compare_one "${p##*/}" "$p"
done
compare_one "#! script" "$tmp/script"
planned=0
while IFS= read -r line; do
	case $line in
	"ok "*) ok "${line#ok }"; planned=$((planned + 1)) ;;
	"not ok "*) not_ok "${line#not ok }" ;;
	*) echo "$line" ;;
	esac
done < <(python3 "$here/plan/compare.py" "${triples[@]}")
if [ "$planned" -ge 34 ]; then
	ok "plan = kernel for $planned programs (at least 20 real ones)"
else
	not_ok "plan = kernel for only $planned programs, fewer than 34"
fi
# the chain of a script: script, then its interpreter
env -i "$UEXEC" --plan=json -R "$tmp/script" >"$tmp/p" 2>&1
if python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["chain"]; sys.exit(not (len(c) == 2 and c[0]["handler"] == "script" and c[1] == {"handler": "ELF", "path": "/bin/sh"}))' "$tmp/p"; then
	ok "handler chain of a script: script, then /bin/sh"
else
	not_ok_file "handler chain of a script" "$tmp/p"
fi
# with randomisation the addresses are said to be one sample, with the ranges
"$UEXEC" --plan /bin/true >"$tmp/p" 2>&1
if [ $? = 0 ] && grep -q '^addresses: ONE SAMPLE' "$tmp/p" && grep -q '^  mmap_base   \[' "$tmp/p"; then
	ok "randomised: one sample, and the ranges"
elif setarch -R true 2>/dev/null && [ "$(cat /proc/sys/kernel/randomize_va_space)" = 0 ]; then
	skip "randomisation is off on this machine"
else
	not_ok_file "randomised: one sample, and the ranges" "$tmp/p"
fi

# ---- 2. errors as running gives them ------------------------------------
cases=("$B"/fixtures/bad/variants/* "$B"/fixtures/bad/hello-* "$tmp/missing" "$tmp" /dev/null)
cp "$B/fixtures/bad/hello-static" "$tmp/mode-0644" && chmod 644 "$tmp/mode-0644"
cases+=("$tmp/mode-0644")
same=0 differ=0
: >"$tmp/bad-diff"
for f in "${cases[@]}"; do
	{ timeout 10 "$UEXEC" "$f" one 'two words' >/dev/null 2>"$tmp/r.err" </dev/null; } 2>/dev/null
	rst=$?
	timeout 10 "$UEXEC" --plan "$f" one 'two words' >"$tmp/p.out" 2>"$tmp/p.err" </dev/null
	pst=$?
	if [[ ($rst == 126 || $rst == 127) && $(head -c6 "$tmp/r.err") == uexec: ]]; then
		if [ "$pst" = "$rst" ] && cmp -s "$tmp/r.err" "$tmp/p.err" && [ ! -s "$tmp/p.out" ]; then
			same=$((same + 1))
			continue
		fi
	elif [ "$pst" = 0 ] && [ ! -s "$tmp/p.err" ] && grep -q '^address space' "$tmp/p.out"; then
		same=$((same + 1))
		continue
	fi
	differ=$((differ + 1))
	{ echo "${f##*/}: run status $rst: $(head -1 "$tmp/r.err")"
	  echo "  --plan status $pst: $(head -1 "$tmp/p.err")"; } >>"$tmp/bad-diff"
done
if [ "$differ" = 0 ] && [ "$same" -gt 20 ]; then
	ok "--plan of ${#cases[@]} bad-input cases: the error running gives, or a plan"
else
	not_ok_file "--plan of bad input: $differ of ${#cases[@]} differ from running" "$tmp/bad-diff"
fi

# ---- 3. section to segment = readelf -lW --------------------------------
if ! command -v readelf >/dev/null; then
	skip "readelf not installed"
else
	python3 "$here/plan/sections.py" "$UEXEC" /usr/bin /usr/lib/x86_64-linux-gnu >"$tmp/sec" 2>&1
	if [ $? = 0 ]; then
		ok "section to segment = readelf -lW: $(tail -1 "$tmp/sec")"
	else
		not_ok_file "section to segment = readelf -lW" "$tmp/sec"
	fi
fi

echo "1..$n"
