#!/bin/bash
# 80-plan.t - uexec --plan: the address space it prints is the one the
# kernel builds, and it fails exactly as running the program does.
#
#  1. For every probe flavour and some 30 real programs (and a "#!" script):
#     `uexec --plan=json -R PROG x 'y z'` against the kernel's own exec of
#     PROG under setarch -R, stopped at its first instruction by
#     tests/plan/atexec: VMA for VMA (program, interpreter, stack, vDSO),
#     auxv, brk start, stack top and %rsp, the stack's layout top down
#     against the kernel's strings and auxv (tests/plan/compare.py).
#     Randomised: the ranges --plan prints hold the addresses of 20 of the
#     kernel's own randomised execs of each of 5 programs.
#  2. Every case of tests/20-bad-input's variants: --plan gives the same
#     status and error line as running it, or exit 0 and a plan when it runs.
#  3. The section-to-segment mapping of every ELF file in /usr/bin and
#     /usr/lib/x86_64-linux-gnu equals readelf -lW's (tests/plan/sections.py).
#  4. The 4K/16K/64K verdicts: hand-made files each failing one rule alone
#     at 16K (tests/plan/mkelf.c), libraries linked at each max-page-size
#     (separate-code or not, common-page-size, lld, aarch64), /bin/ls.
#     The merge saving's packed pages against readelf's sections packed at
#     their alignment (tests/plan/packed.py).
#  5. Every JSON document validates against doc/plan.schema.json
#     (python3-jsonschema), and a broken one does not.
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
as=() # a prefix for both sides: setpriv (the unprivileged rows)
compare_one() { # NAME PATH: both sides run; compared below, all in one python3
	local name=$1 prog=$2 k=$tmp/k.${#triples[@]} p=$tmp/p.${#triples[@]}
	if [ ! -x "$prog" ]; then
		skip "plan = kernel: $name: $prog not installed or not built"
		return
	fi
	env -i A=1 B=2 "${as[@]}" setarch -R "$ATEXEC" "$prog" x 'y z' >"$k" 2>"$k.err"
	env -i A=1 B=2 "${as[@]}" "$UEXEC" --plan=json -R "$prog" x 'y z' >"$p" 2>"$p.err"
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
# unprivileged: the same, as nobody without capabilities
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$tmp"
	as=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all)
	compare_one "unprivileged ls" /bin/ls
	compare_one "unprivileged probe glibc-pie" "$B/fixtures/probe/glibc-pie"
	compare_one "unprivileged #! script" "$tmp/script"
	as=()
else
	skip "unprivileged rows: not root (this run is unprivileged already)"
fi
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
# the chain of a script: the script with its "#!" line's interpreter and
# argument (none, one, one with blanks inside), then the interpreter
printf '#!/bin/sh\nexit 0\n' >"$tmp/script-noarg" && chmod 755 "$tmp/script-noarg"
printf '#!/usr/bin/env  -S  true\n' >"$tmp/script-blanks" && chmod 755 "$tmp/script-blanks"
for c in "script /bin/sh -e" "script-noarg /bin/sh" "script-blanks /usr/bin/env -S  true"; do
	read -r f interp arg <<<"$c"
	env -i "$UEXEC" --plan=json -R "$tmp/$f" >"$tmp/p" 2>&1
	if python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["chain"]
want = [{"handler": "script", "path": sys.argv[2], "interpreter": sys.argv[3],
         "arg": sys.argv[4] or None}, {"handler": "ELF", "path": sys.argv[3]}]
sys.exit(c != want)' "$tmp/p" "$tmp/$f" "$interp" "$arg" &&
		env -i "$UEXEC" --plan -R "$tmp/$f" | grep -qxF "  1. script $tmp/$f: #!$interp${arg:+ $arg}"; then
		ok "handler chain of $f: #!$interp${arg:+ $arg}, then $interp"
	else
		not_ok_file "handler chain of $f" "$tmp/p"
	fi
done
# with randomisation the addresses are said to be one sample, with the
# ranges the kernel draws from: the kernel's own randomised execs (20 a
# program) land in them (tests/plan/ranges.py)
pers=$(cat /proc/self/personality 2>/dev/null || echo 0)
if [ "$(cat /proc/sys/kernel/randomize_va_space)" = 0 ] || (((0x$pers & 0x0040000) != 0)); then
	skip "randomised plans: randomisation is off here"
else
	"$UEXEC" --plan /bin/true >"$tmp/p" 2>&1
	"$UEXEC" --plan=json /bin/true >"$tmp/pj" 2>&1
	if [ $? = 0 ] && grep -q '^addresses: ONE SAMPLE' "$tmp/p" && python3 -c '
import json, re, sys
r = json.load(open(sys.argv[1]))["ranges"]
human = open(sys.argv[2]).read()
for key, label in (("stack_top", "stack top"), ("mmap_base", "mmap_base"), ("pie_base", "PIE base"), ("brk_start", "brk start")):
    line = "\n  %-11s [%#x, %#x]" % (label, r[key]["lo"], r[key]["hi"])
    assert line in human, line' "$tmp/pj" "$tmp/p"; then
		ok "randomised: one sample, and the ranges (the table's = the JSON's)"
	else
		not_ok_file "randomised: one sample, and the ranges" "$tmp/p"
	fi
	for f in /bin/true "$B/fixtures/probe/glibc-nopie" "$B/fixtures/probe/glibc-static" \
		"$B/fixtures/probe/glibc-spie" "$B/fixtures/probe/glibc-pie-2m"; do
		env -i A=1 "$UEXEC" --plan=json "$f" x >"$tmp/rp.json" 2>&1
		runs=()
		for i in $(seq 20); do
			env -i A=1 "$ATEXEC" "$f" x >"$tmp/rk.$i" 2>&1
			runs+=("$tmp/rk.$i")
		done
		if python3 "$here/plan/ranges.py" "$tmp/rp.json" "${runs[@]}" >"$tmp/rr" 2>&1; then
			ok "randomised ${f##*/}: $(cat "$tmp/rr")"
		else
			not_ok_file "randomised ${f##*/}: the kernel's addresses outside the plan's ranges" "$tmp/rr"
		fi
	done
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

# ---- 4. page-size verdicts ----------------------------------------------
P=$B/fixtures/plan
# FILE, then at 16K and 64K the verdicts kernel_maps permissions_exact
# bionic_loads (y/n), as the file was made: a max-page-size of P makes the
# segments congruent and apart at P and p_align P; each hand-made file breaks
# one rule at 16K (tests/plan/plan.mk); /bin/ls (p_align 4K, laid out at 4K)
# happens to be congruent at 16K and 64K.
expect=(
	"$P/hand-share yny ynn" "$P/hand-incongruent nyy nyn" "$P/hand-align yyn yyn"
	"$P/hand-relro yyn nyn"
	"$P/lib-4k.so nnn nnn" "$P/lib-4k-nosep.so nnn nnn" "$P/lib-16k.so yyy nnn"
	"$P/lib-16k-sep.so yyy nnn" "$P/lib-16k-nosep.so yyy nnn" "$P/lib-16k-common.so yyy nnn"
	"$P/lib-64k.so yyy yyy" "$P/lib-lld-4k.so nnn nnn" "$P/lib-lld-16k.so yyy nnn"
	"$P/lib-aarch64-4k.so nnn nnn" "$P/lib-aarch64-16k.so yyy nnn" "/bin/ls ynn ynn")
for e in "${expect[@]}"; do
	read -r f want16 want64 <<<"$e"
	if [ ! -f "$f" ]; then
		skip "verdicts of ${f##*/}: not built (lld or gcc-aarch64-linux-gnu missing)"
		continue
	fi
	"$UEXEC" --plan=json --summary "$f" >"$tmp/v.json" 2>&1
	got=$(python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))["files"][0]
v = {x["page_size"]: x for x in o["verdicts"]}
yn = lambda x: "".join("y" if x[k] else "n" for k in ("kernel_maps", "permissions_exact", "bionic_loads"))
assert all(v[4096][k] for k in ("kernel_maps", "permissions_exact", "bionic_loads")), "4K fails"
# every failure is named, every success has no text
for x in v.values():
    for k in ("kernel_maps", "permissions_exact", "bionic_loads"):
        assert (k in x["failures"]) == (not x[k]), k
        assert k not in x["failures"] or "phdr " in x["failures"][k], x["failures"][k]
print(yn(v[16384]), yn(v[65536]))' "$tmp/v.json" 2>&1)
	if [ "$got" = "$want16 $want64" ]; then
		ok "verdicts of ${f##*/} at 16K, 64K: $got"
	else
		not_ok "verdicts of ${f##*/}" "want $want16 $want64" "got  $got"
	fi
done
# the hand-made sharing file: congruent, and the failure names both
# segments and the page
"$UEXEC" --plan --page-size=16K "$P/hand-share" >"$tmp/h" 2>&1
if grep -q 'permissions_exact: phdr 0 (LOAD R E) and phdr 1 (LOAD RW ) share the page at 0x400000' "$tmp/h" &&
	grep -q '^  at 16K pages: kernel_maps yes permissions_exact no bionic_loads yes' "$tmp/h"; then
	ok "hand-made file congruent at 16K, sharing a page: named"
else
	not_ok_file "hand-made file congruent at 16K, sharing a page" "$tmp/h"
fi
# --page-size: the VMAs at that size, a generic load said to be one
"$UEXEC" --plan --page-size=64K /bin/true >"$tmp/h" 2>&1
if grep -q 'a generic load' "$tmp/h" && grep -q '^  PT_LOAD -> VMAs (page size 0x10000)' "$tmp/h" &&
	grep -q 'cannot be mapped at this page size' "$tmp/h"; then
	ok "--page-size=64K: a generic load, VMAs at 64K, the segment it cannot map"
else
	not_ok_file "--page-size=64K /bin/true" "$tmp/h"
fi
expect_usage() { # ARG...: a usage error (125) with one line and the hint
	"$UEXEC" "$@" >/dev/null 2>"$tmp/e"
	local st=$?
	if [ $st = 125 ] && grep -q '^uexec: ' "$tmp/e"; then
		ok "usage error: $*"
	else
		not_ok_file "usage error: $* (status $st)" "$tmp/e"
	fi
}
expect "--page-size of a missing file: 127, one line" 127 "" "uexec: $tmp/missing: No such file or directory (?*)" \
	"$UEXEC" --plan --page-size=16K "$tmp/missing"
expect "--page-size of a script: 126, one line" 126 "" "uexec: $tmp/script: Exec format error (a script: ?*)" \
	"$UEXEC" --plan --page-size=16K "$tmp/script"
expect_usage --plan --page-size=8000 /bin/true
expect_usage --plan --page-size=128K /bin/true
expect_usage --summary /bin/true

# --summary: one line a file, scripts skipped with a note, then totals
"$UEXEC" --plan --summary /bin/true /bin/ls "$tmp/script" "$P/lib-aarch64-16k.so" >"$tmp/s" 2>&1
st=$?
if [ $st = 0 ] && [ "$(grep -c '^/bin/\(true\|ls\) .* no(k\?,\?p,b) ' "$tmp/s")" = 2 ] &&
	grep -q "^$tmp/script .*skipped: a script" "$tmp/s" &&
	grep -q '^total: [23] files planned, [12] skipped' "$tmp/s"; then
	ok "--summary: a line a file, the script skipped, totals"
else
	not_ok_file "--summary (status $st)" "$tmp/s"
fi

# the merge saving: pages packed one segment per permission set, sections
# at their alignment, as tests/plan/packed.py computes them from readelf
packed_files=("$P/aligned.so" /bin/true /bin/ls /usr/bin/python3 /usr/bin/perl /usr/bin/git
	/usr/lib/x86_64-linux-gnu/libc.so.6 "$P"/lib-*.so "$P"/hand-*)
for pg in 4096 16384 65536; do
	al=-
	[ $pg = 4096 ] && al=$P/aligned.so
	if python3 "$here/plan/packed.py" "$UEXEC" $pg "$al" "${packed_files[@]}" >"$tmp/pk" 2>&1; then
		ok "merge saving's packed pages = readelf's sections packed at their alignment: $(tail -1 "$tmp/pk")"
	else
		not_ok_file "merge saving's packed pages at $pg" "$tmp/pk"
	fi
done

# 32-bit ELF files are not planned (README): skipped with a note in a
# summary, one error line (126) for --page-size
python3 -c '
import struct, sys
eh = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8) + struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, 0x8048054, 52, 0, 0, 52, 32, 1, 40, 0, 0)
ph = struct.pack("<IIIIIIII", 1, 0, 0x8048000, 0x8048000, 0x60, 0x60, 5, 0x1000)
open(sys.argv[1], "wb").write(eh + ph + bytes(12))' "$tmp/elf32" && chmod 755 "$tmp/elf32"
"$UEXEC" --plan --summary /bin/true "$tmp/elf32" >"$tmp/s32" 2>&1
if [ $? = 0 ] && grep -q "^$tmp/elf32 .*skipped: ELF32 (not read)" "$tmp/s32" &&
	grep -q '^total: 1 files planned, 1 skipped' "$tmp/s32"; then
	ok "--summary: an i386 ELF32 file skipped with a note"
else
	not_ok_file "--summary of an ELF32 file" "$tmp/s32"
fi
expect "--page-size of an ELF32 file: 126, one line" 126 "" "uexec: $tmp/elf32: Exec format error (ELF32 (not read): ?*)" \
	"$UEXEC" --plan --page-size=16K "$tmp/elf32"

# ---- 5. JSON Schema ------------------------------------------------------
if ! python3 -c 'import jsonschema' 2>/dev/null; then
	not_ok "JSON Schema: python3-jsonschema is not installed"
else
	docs=()
	for a in "-R /bin/true" "-R $B/fixtures/probe/glibc-static" "-R $tmp/script a" "/bin/ls -l"; do
		# shellcheck disable=SC2086 # words on purpose
		"$UEXEC" --plan=json $a >"$tmp/j${#docs[@]}.json" 2>&1
		docs+=("$tmp/j${#docs[@]}.json")
	done
	"$UEXEC" --plan=json --summary /bin/true "$tmp/script" "$P"/hand-* "$P"/*.so >"$tmp/js.json" 2>&1
	"$UEXEC" --plan=json --page-size=16K "$P/hand-incongruent" >"$tmp/jp.json" 2>&1
	docs+=("$tmp/js.json" "$tmp/jp.json")
	if python3 "$here/plan/validate.py" "$here/../doc/plan.schema.json" "${docs[@]}" >"$tmp/val" 2>&1; then
		ok "JSON Schema: ${#docs[@]} documents valid"
	else
		not_ok_file "JSON Schema" "$tmp/val"
	fi
	# the check can fail: a plan without its maps is not valid
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["maps"]; json.dump(d, open(sys.argv[2], "w"))' \
		"$tmp/j0.json" "$tmp/broken.json"
	if python3 "$here/plan/validate.py" "$here/../doc/plan.schema.json" "$tmp/broken.json" >/dev/null 2>&1; then
		not_ok "JSON Schema: a plan without maps passed"
	else
		ok "JSON Schema: a plan without maps is invalid"
	fi
	# ... nor one whose stack layout lacks a part, nor a "#!" step without
	# its argument
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["stack"]["layout"][5]; json.dump(d, open(sys.argv[2], "w"))' \
		"$tmp/j0.json" "$tmp/broken1.json"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["chain"][0]["arg"]; json.dump(d, open(sys.argv[2], "w"))' \
		"$tmp/j2.json" "$tmp/broken2.json"
	for k in 1 2; do
		if python3 "$here/plan/validate.py" "$here/../doc/plan.schema.json" "$tmp/broken$k.json" >/dev/null 2>&1; then
			not_ok "JSON Schema: broken document $k passed"
		else
			ok "JSON Schema: broken document $k ($([ $k = 1 ] && echo 'a stack part missing' || echo 'a "#!" step without arg')) is invalid"
		fi
	done
fi

echo "1..$n"
