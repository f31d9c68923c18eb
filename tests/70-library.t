#!/bin/bash
# 70-library.t - libuexec called from programs (tests/lib/, built by
# tests/lib/lib.mk into $B/fixtures/lib/).
#
#   1. Every probe flavour run by build/fixtures/lib/run, a dynamically
#      linked glibc caller with rseq, TLS, malloc'd memory, handlers, a timer,
#      an atexit handler and unflushed stdio, once through the kernel and once
#      through libuexec, by each call: uexec_execve, uexec_fexecve (inherited
#      and close-on-exec descriptor), uexec_execveat (dirfd + basename),
#      uexec_execve_mem (against the kernel's execveat of a memfd copy) and
#      uexec_execve from a fork()ed child; uexec_spawn (execve-free, and with
#      UEXEC_SPAWN_FRESH_LAYOUT through the uexec command) against glibc's
#      posix_spawn, with the same attributes and file actions.  The probe's output must be the
#      same but for what is listed under "Exclusions" below.
#   2. tests/lib/intact.c: each call with bad input fails with the right
#      errno and a reason, and the caller is intact afterwards.
#   3. tests/lib/null_argv.c: port of the kernel selftest exec/null-argv.c.
#   4. tests/lib/execveat.c: port of the path and fd cases of the kernel
#      selftest exec/execveat.c, each case against the kernel's execveat.
#
# Exclusions (the one place they are stated), in part 1:
#   * maps.loader.*: compared as a set of mappings (numbers and count
#     dropped) after removing uexec's one hand-off page
#     "r-xp /memfd:uexec (deleted) size=0x1000", which must be there.  (The
#     program run from a memfd is listed there too, kernel and uexec alike.)
#   (maps.seq.*, the order of the mappings, is compared like every key: the
#   hand-off moves the interpreter or static-pie and the vDSO to the kernel's
#   places once the caller is gone.  With ADDR_NO_RANDOMIZE - setarch -R,
#   part 1b - even the addresses must be the kernel's, though the caller, a
#   PIE itself, sits where a PIE program must go while it is loaded.)
#   * spawn: sig.act.32, sig.act.33 and sig.ignored.  glibc's posix_spawn
#     sets its two internal signals (SIGCANCEL, SIGSETXID), which have
#     handlers in every glibc process, to SIG_IGN in the child, and the
#     program inherits that; uexec_spawn gives them SIG_DFL, as exec does
#     for a handled signal (uexec(3)).
#   * spawn-fresh: the hand-off page is the command's, a copy of a page of
#     $B/uexec-handoff (the command's rule, README).
# AT_EXECFN, comm and the strings' size need no exclusion: each uexec run is
# compared with the kernel's run by the same kind of call (execveat or
# fexecve give /dev/fd/N there too), and fd.* none either: the caller is the
# same program.
#
# Env: UEXEC = absolute path of uexec (unused but for the harness's
# convention), B = absolute build directory.
# Needs: make all probe-fixtures bad-fixtures lib-fixtures.
set -u
export LC_ALL=C
: "${UEXEC:?UEXEC must name the uexec command}" "${B:?B must name the build directory}"

here=$(cd "$(dirname "$0")" && pwd)
L=$B/fixtures/lib
probes=$B/fixtures/probe
# The programs of tests/lib/ are built here when missing (make lib-fixtures),
# so that "make all probe-fixtures bad-fixtures" is enough before this test.
repo=$(cd "$here/.." && pwd)
for f in "$L/run" "$L/intact" "$L/null_argv" "$L/execveat" "$L/showargs" "$L/family"; do
	if [ ! -x "$f" ] && [ "$B" -ef "$repo/build" ]; then
		make -s -C "$repo" lib-fixtures >&2
		break
	fi
done
for f in "$L/run" "$L/intact" "$L/null_argv" "$L/execveat" "$L/showargs" \
	"$B/fixtures/bad/variants/dyn-filesz-gt-memsz"; do
	if [ ! -x "$f" ]; then
		echo "Bail out! $f is not built (make all probe-fixtures bad-fixtures lib-fixtures)"
		exit 1
	fi
done
flavours=(glibc-pie glibc-nopie glibc-static glibc-spie
	glibc-pie-2m glibc-pie-16m glibc-spie-2m glibc-spie-16m
	glibc-ttext glibc-execstack musl-static musl-spie nolibc nolibc-robss)
# kernel-MODE vs uexec-MODE of tests/lib/run.c
modes=(execve fexecve fexecve-cloexec execveat-rel mem fork spawn spawn-fresh)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.bash"

HANDOFF='r-xp /memfd:uexec (deleted) size=0x1000'

# filter FILE IS_UEXEC: the probe's output with the exclusions applied.
# Without the capabilities that make /proc/self/exe exact (can_set_exe),
# that one key is left out too (tests/probe/unprivileged-keys).
no_exe=0
can_set_exe || no_exe=1
filter() {
	awk -v is_uexec="$2" -v handoff="${3:-$HANDOFF}" -v no_exe=$no_exe -v spawn="${4:-0}" '
		/^FAIL / { print; next }
		{
			key = $0; sub(/=.*/, "", key)
			if (no_exe && key == "proc.exe_is_prog")
				next
			if (spawn && (key == "sig.act.32" || key == "sig.act.33" || key == "sig.ignored"))
				next
			val = substr($0, length(key) + 2)
			if (key == "maps.loader.count")
				next
			if (key ~ /^maps\.loader\.[0-9]+$/) {
				sub(/\.[0-9]+$/, "", key)
				if (is_uexec && key == "maps.loader" && val == handoff && !seen++)
					next
				print key "=" val
				next
			}
			print
		}
		END { if (is_uexec && !seen) print "MISSING the hand-off page " handoff }
		' "$1" | sort
}

# The same arguments, environment, stdin and inherited fd 3 for every run.
run() {
	local name=$1
	shift
	run_fixed "$tmp/$name" ${RUN_DROP:+RUN_DROP=$RUN_DROP} \
		${RUN_CLOEXEC0:+RUN_CLOEXEC0=1} ${RUN_UEXEC:+RUN_UEXEC=$RUN_UEXEC} "$L/run" "$@"
}

# run_r NAME MODE PROG: the same without address randomisation.
run_r() {
	local name=$1
	shift
	run_fixed "$tmp/$name" setarch -R "$L/run" "$@"
}

# ---- 1b. setarch -R: exact addresses, kernel vs uexec_execve ------------
for f in "${flavours[@]}"; do
	p=$probes/$f
	label="$f: uexec-execve == kernel-execve under setarch -R (exact addresses)"
	if [ ! -x "$p" ]; then
		skip "$label (fixture not built)"
		continue
	fi
	run_r "$f.kr" kernel-execve "$p"
	run_r "$f.ur" uexec-execve "$p"
	filter "$tmp/$f.kr" 0 >"$tmp/$f.kr.f"
	filter "$tmp/$f.ur" 1 >"$tmp/$f.ur.f"
	if [ "$(cat "$tmp/$f.kr.rc")" = "$(cat "$tmp/$f.ur.rc")" ] && grep -q '^R\.sp=' "$tmp/$f.kr" &&
		cmp -s "$tmp/$f.kr.f" "$tmp/$f.ur.f"; then
		ok "$label"
	else
		{ echo "status kernel $(cat "$tmp/$f.kr.rc"), uexec $(cat "$tmp/$f.ur.rc")"
		  head -n 3 "$tmp/$f.ur.err"
		  diff "$tmp/$f.kr.f" "$tmp/$f.ur.f"; } >"$tmp/why"
		not_ok_file "$label" "$tmp/why"
	fi
done

# ---- 1c. a caller that dropped its ids and locked its memory ------------
# RUN_DROP (tests/lib/run.c): mlockall(MCL_FUTURE), then every id 65534: the
# caller is non-dumpable (its /proc/self/auxv is root's), and an exec makes
# it dumpable again and unlocks all; and its stdin is close-on-exec.  As root only; the
# process has no privilege then, so /proc/self/exe is not compared.  Such a
# caller cannot read its /proc/self/auxv: the library needs PR_GET_AUXV
# (Linux 6.4), which the running kernel is asked for.
get_auxv=$(python3 -c 'import ctypes; b = ctypes.create_string_buffer(1024)
print("yes" if ctypes.CDLL(None).prctl(0x41555856, b, 1024, 0, 0) > 0 else "no")' 2>/dev/null)
for f in glibc-pie glibc-static nolibc; do
	p=$probes/$f
	label="$f: uexec-execve == kernel-execve from a caller that dropped to uid 65534 after mlockall(MCL_FUTURE), stdin close-on-exec"
	if [ "$(id -u)" != 0 ]; then
		skip "$label (not root)"
		continue
	fi
	if [ "$get_auxv" != yes ]; then
		skip "$label (no PR_GET_AUXV: Linux 6.4)"
		continue
	fi
	RUN_DROP=65534 RUN_CLOEXEC0=1 run "$f.kd" kernel-execve "$p"
	RUN_DROP=65534 RUN_CLOEXEC0=1 run "$f.ud" uexec-execve "$p"
	# without privilege then: /proc/self/exe stays (tests/probe/unprivileged-keys)
	filter "$tmp/$f.kd" 0 | grep -v '^proc\.exe_is_prog=' >"$tmp/$f.kd.f"
	filter "$tmp/$f.ud" 1 | grep -v '^proc\.exe_is_prog=' >"$tmp/$f.ud.f"
	krc=$(cat "$tmp/$f.kd.rc") urc=$(cat "$tmp/$f.ud.rc")
	if [ "$krc" = "$urc" ] && [ "$krc" -lt 126 ] &&
		grep -qx 'auxv.AT_UID=0xfffe' "$tmp/$f.kd" && grep -qx 'task.dumpable=1' "$tmp/$f.kd" &&
		grep -qx 'task.vmlck_kb=0' "$tmp/$f.kd" && ! grep -q '^fd\.0=' "$tmp/$f.kd" && cmp -s "$tmp/$f.kd.f" "$tmp/$f.ud.f"; then
		ok "$label"
	else
		{ echo "status kernel $krc, uexec $urc"
		  head -n 5 "$tmp/$f.kd.err" "$tmp/$f.ud.err"
		  echo "diff (kernel vs uexec, after the exclusions):"
		  diff "$tmp/$f.kd.f" "$tmp/$f.ud.f"; } >"$tmp/why"
		not_ok_file "$label" "$tmp/why"
	fi
done

# ---- 1. the probe, kernel vs libuexec, by every call --------------------
for f in "${flavours[@]}"; do
	p=$probes/$f
	for m in "${modes[@]}"; do
		label="$f: uexec-$m == kernel-$m"
		if [ ! -x "$p" ]; then
			if [ "${f#musl}" != "$f" ] && ! command -v musl-gcc >/dev/null; then
				skip "$label (no musl-gcc)"
			else
				not_ok "$label (fixture $p not built)"
			fi
			continue
		fi
		km=$m ho=$HANDOFF sp=0
		case $m in
		spawn) sp=1 ;;
		spawn-fresh) km=spawn ho="r-xp $B/uexec-handoff size=0x1000" sp=1 ;;
		esac
		RUN_UEXEC=$UEXEC run "$f.k.$m" "kernel-$km" "$p"
		RUN_UEXEC=$UEXEC run "$f.u.$m" "uexec-$m" "$p"
		filter "$tmp/$f.k.$m" 0 "$ho" $sp >"$tmp/$f.k.$m.f"
		filter "$tmp/$f.u.$m" 1 "$ho" $sp >"$tmp/$f.u.$m.f"
		krc=$(cat "$tmp/$f.k.$m.rc") urc=$(cat "$tmp/$f.u.$m.rc")
		if [ "$krc" = "$urc" ] && [ "$krc" -lt 126 ] &&
			grep -qx 'argc=3' "$tmp/$f.k.$m" &&
			! grep -q '^LEAK' "$tmp/$f.k.$m" "$tmp/$f.u.$m" &&
			cmp -s "$tmp/$f.k.$m.f" "$tmp/$f.u.$m.f"; then
			ok "$label"
		else
			{ echo "status kernel $krc, uexec $urc"
			  head -n 5 "$tmp/$f.k.$m.err" "$tmp/$f.u.$m.err"
			  grep '^LEAK' "$tmp/$f.k.$m" "$tmp/$f.u.$m"
			  echo "diff (kernel vs uexec, after the exclusions):"
			  diff "$tmp/$f.k.$m.f" "$tmp/$f.u.$m.f"; } >"$tmp/why"
			not_ok_file "$label" "$tmp/why"
		fi
	done
done

# ---- 2-4. the C programs' own cases -------------------------------------
# Their lines are "ok - ..." / "not ok - ..." / "# ...": numbered here.
# A program that dies or exits non-zero without saying why fails once more.
cprog() {
	local name=$1 want=$2 line rc
	shift 2
	(cd "$tmp" && "$@") >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "$name: ${line#ok - }" ;;
		"not ok - "*) not_ok "$name: ${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done <"$tmp/$name.out"
	if [ $rc -ne 0 ] && ! grep -q '^not ok - ' "$tmp/$name.out"; then
		echo "exit status $rc" >"$tmp/why"
		cat "$tmp/$name.err" >>"$tmp/why"
		not_ok_file "$name: ran to the end" "$tmp/why"
	elif [ "$(grep -c -e '^ok - ' -e '^not ok - ' "$tmp/$name.out")" != "$want" ]; then
		echo "$(grep -c -e '^ok - ' -e '^not ok - ' "$tmp/$name.out") cases, not $want" >"$tmp/why"
		cat "$tmp/$name.err" >>"$tmp/why"
		not_ok_file "$name: ran to the end ($want cases)" "$tmp/why"
	fi
	[ -s "$tmp/$name.err" ] && sed -e 's/^/# stderr: /' "$tmp/$name.err" | head -n 20
	return 0
}
cprog intact 168 "$L/intact" "$B"
cprog null_argv 96 "$L/null_argv" "$L/showargs"
cprog execveat 96 "$L/execveat" "$L/showargs"
cprog family 25 "$L/family" "$L/showargs" "$UEXEC"

echo "1..$n"
