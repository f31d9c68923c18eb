#!/bin/bash
# 10-probe.t - the differential probe: every flavour of tests/probe/ must
# describe itself identically run directly and run through uexec.
#
# Env: UEXEC = absolute path of the uexec command, B = absolute build dir.
# A stand-in UEXEC named "env" runs the program as exec(3) does, which checks
# the harness itself; the -R pairs are skipped then (env has no -R).
#
# The launcher pairs start each probe from build/fixtures/probe/launch, a
# process with handlers, ignored, blocked and pending signals, close-on-exec
# and inherited descriptors, POSIX and interval timers, a sigaltstack, umask,
# rlimits, nice and prctl settings (tests/probe/launch.c), once with
# execv(probe) and once with execv(uexec probe): the kernel's execve runs once
# either way, so whatever uexec does to that state must not show.
set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${UEXEC:?UEXEC must name the uexec command}"
: "${B:?B must name the build directory}"
probes=$B/fixtures/probe
unpriv_excluded=$here/probe/unprivileged-keys
# The one difference the design allows: uexec's hand-off page, exactly this:
# a private copy of a page of the build's $B/uexec-handoff, or a memfd's
# when that file cannot be used ($B/nofile/uexec, section at the end).
HANDOFF="maps.loader.0=r-xp $B/uexec-handoff size=0x1000"
HANDOFF_MEMFD='maps.loader.0=r-xp /memfd:uexec (deleted) size=0x1000'
flavours=(glibc-pie glibc-nopie glibc-static glibc-spie
	glibc-pie-2m glibc-pie-16m glibc-spie-2m glibc-spie-16m
	glibc-ttext glibc-execstack musl-static musl-spie nolibc nolibc-robss)
# Present in every flavour's output, so a probe that prints too little fails.
required=(argc=3 'argv.2=y z' env.count=2 env.1=B=2 auxv.AT_PHDR.matches_file=ok
	auxv.AT_ENTRY.at_bias=ok load.bias_aligned=ok stack.zero_word_at_top=ok
	stack.strings_contiguous=ok auxv.AT_RANDOM.nonzero=ok)

launch=$probes/launch
# The signals ignored in the launched program: what this shell inherited
# ignored (make ignores 32 and 33, say) plus the launcher's own.
ignored_with() {
	local mask list= i
	mask=$(awk '/^SigIgn:/ { print $2 }' /proc/self/status) # a child's view
	for i in $(seq 1 64); do
		if (( (16#$mask >> (i - 1)) & 1 )) || [[ " $* " == *" $i "* ]]; then
			list=${list:+$list,}$i
		fi
	done
	echo "$list"
}
# Present in the launched direct run: what execve keeps or resets of the
# launcher's state (linux-exec-semantics.md section 3), so a launcher that
# set up too little fails.
launched=('sig.act.10=dfl flags=0x0 mask=0x0 restorer=null'
	'sig.act.40=dfl flags=0x0 mask=0x0 restorer=null'
	'sig.act.01=dfl flags=0x0 mask=0x0 restorer=null'
	'sig.act.12=ign flags=0x0 mask=0x0 restorer=null'
	'sig.act.13=ign flags=0x0 mask=0x0 restorer=null'
	'sig.act.45=ign flags=0x0 mask=0x0 restorer=null'
	sig.handled= "sig.ignored=$(ignored_with 12 13 45)"
	sig.blocked=0x2000008400200 sig.pending=0x2000008400000
	'sig.queued.00=sig 28 code -6 from self value 0'
	'sig.queued.01=sig 23 code 0 from self value 0'
	'sig.queued.02=sig 50 code -1 from self value 11'
	'sig.queued.03=sig 50 code -1 from self value 22'
	sig.queued.count=4 'sig.altstack=disabled sp=null size=0x0'
	'fd.7=pipe cloexec=0 flags=0x0 unread=7'
	'itimer.real=armed interval=1234.500000'
	'itimer.prof=armed interval=0.250000'
	task.umask=0027 task.nice=3 task.pdeathsig=1 task.timerslack=123456
	task.subreaper=1 stack.grows=ok stack.grown_vma_is_stack=ok)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.bash
. "$here/tap.bash"
keys_of() { sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$@"; }
# No key is excluded from the comparisons, but for /proc/self/exe when this
# shell lacks what makes it exact (tests/tap.bash can_set_exe).
prefixes=""
can_set_exe || prefixes=$(keys_of "$unpriv_excluded")

# Drops the hand-off page (as if it were not there: loader_page checks it
# separately) and the keys in $prefixes; FAIL lines always stay.
filter() {
	awk -v handoff="$HANDOFF" -v memfd="$HANDOFF_MEMFD" '
		($0 == handoff || $0 == memfd) && !dropped { dropped = 1; next }
		$0 == "maps.loader.count=1" && dropped { print "maps.loader.count=0"; next }
		{ print }' "$1" | drop_keys "$prefixes" | LC_ALL=C sort
}

# run NAME CMD...: run_fixed (tests/tap.bash) to $tmp/NAME.
run() {
	local name=$1
	shift
	run_fixed "$tmp/$name" "$@"
}

# sanity LABEL NAME KEY...: NAME exited 0 with no FAIL line and every KEY;
# $also_wrong, if set, is one more thing found wrong.
also_wrong=
sanity() {
	local label=$1 out=$tmp/$2 key missing=$also_wrong
	also_wrong=
	shift 2
	for key in "$@"; do
		grep -qxF -- "$key" "$out" || missing="$missing [$key]"
	done
	if [ "$(cat "$out.rc")" != 0 ] || grep -q '^FAIL' "$out" ||
		[ -n "$missing" ]; then
		{ echo "status $(cat "$out.rc"), missing:$missing"
		  grep '^FAIL' "$out"; cat "$out.err"; } >"$tmp/why"
		not_ok_file "$label" "$tmp/why"
	else
		ok "$label"
	fi
}

# required_of FLAVOUR: the keys every run of that flavour prints.
required_of() {
	printf '%s\n' "${required[@]}"
	case $1 in
	nolibc*) echo 'reg.gprs_zero=ok'; [ "$1" = nolibc-robss ] && echo 'maps.prog.1.bss=rwxp size=0x2000' ;;
	*) echo 'tls.thread_initialised=ok' ;;
	esac
}

# launch_pair FLAVOUR: the probe started by the launcher, directly and
# through uexec.  The direct run must show the launcher's state as execve
# leaves it; the uexec run must be the same but for the excluded keys.
launch_pair() {
	local f=$1 p=$probes/$1 keys
	if [ ! -x "$launch" ]; then
		not_ok "$f: launched direct run is sane (fixture $launch not built)"
		not_ok "$f: launch --uexec == launch (fixture $launch not built)"
		return
	fi
	run "$f.ldirect" "$launch" "$p"
	run "$f.luexec" "$launch" --uexec "$UEXEC" "$p"
	# The close-on-exec fds 5 and 8 are gone; fd 6 kept its offset.
	if grep -q '^fd\.[58]=' "$tmp/$f.ldirect" ||
		! grep -q '^fd\.6=file cloexec=0 flags=0x[0-9a-f]* off=1234$' \
			"$tmp/$f.ldirect"; then
		also_wrong=" [fds: $(grep '^fd\.[5-8]=' "$tmp/$f.ldirect" | tr '\n' ';')]"
	fi
	mapfile -t keys < <(required_of "$f")
	sanity "$f: launched direct run is sane" "$f.ldirect" "${keys[@]}" \
		"${launched[@]}"
	compare "$f: launch --uexec == launch" "$f.ldirect" "$f.luexec"
}

# compare LABEL REF TEST: both exit 0 and describe the same process.
compare() {
	local label=$1 ref=$2 test=$3
	filter "$tmp/$ref" >"$tmp/$ref.f"
	filter "$tmp/$test" >"$tmp/$test.f"
	if [ "$(cat "$tmp/$ref.rc")" = 0 ] && [ "$(cat "$tmp/$test.rc")" = 0 ] &&
		cmp -s "$tmp/$ref.f" "$tmp/$test.f" && [ -s "$tmp/$ref.f" ]; then
		ok "$label"
		return
	fi
	{ echo "status direct $(cat "$tmp/$ref.rc"), uexec $(cat "$tmp/$test.rc")"
	  head -n 5 "$tmp/$test.err"
	  echo "diff (direct vs uexec, the hand-off page dropped):"
	  diff "$tmp/$ref.f" "$tmp/$test.f"; } >"$tmp/why"
	not_ok_file "$label" "$tmp/why"
}

# loader_page NAME [LINE]: uexec left exactly its one named hand-off page
# (LINE: $HANDOFF).
loader_page() {
	local out=$tmp/$1 want=${2:-$HANDOFF}
	if grep -qx 'maps.loader.count=1' "$out" && grep -qxF "$want" "$out"; then
		ok "$1: only the hand-off page remains (${want#maps.loader.0=})"
	else
		grep '^maps.loader' "$out" >"$tmp/why"
		not_ok_file "$1: only the hand-off page remains (${want#maps.loader.0=})" "$tmp/why"
	fi
}

have_r=1
[ "$(basename "$UEXEC")" = env ] && have_r=0

# The unprivileged pair runs copies of uexec and the probes from a directory
# that user nobody can reach, with every capability dropped.
unpriv=
if [ "$(id -u)" = 0 ] && [ $have_r = 1 ] && command -v setpriv >/dev/null; then
	unpriv=$(mktemp -d /tmp/uexec-probe.XXXXXX)
	chmod 755 "$unpriv"
	cp "$UEXEC" "$unpriv/uexec"
	trap 'rm -rf "$tmp" "$unpriv"' EXIT
fi
SETPRIV=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all)

nofile_flavours=(glibc-pie nolibc)
legacy_flavours=(glibc-pie glibc-nopie glibc-spie glibc-static)
nested_flavours=(glibc-pie glibc-spie nolibc)
echo "1..$((8 * ${#flavours[@]} + 2 * ${#nofile_flavours[@]} + 2 * ${#legacy_flavours[@]} +
	6 * ${#nested_flavours[@]}))"
for f in "${flavours[@]}"; do
	p=$probes/$f
	if [ ! -x "$p" ]; then
		# probe.mk leaves the musl flavours out without musl-gcc.
		for t in "direct run is sane" "uexec == direct" "hand-off page" \
			"uexec -R == setarch -R" "setarch -R uexec == setarch -R" \
			"unprivileged uexec == direct" \
			"launched direct run is sane" "launch --uexec == launch"; do
			if [ "${f#musl}" != "$f" ] && ! command -v musl-gcc >/dev/null; then
				skip "$f: $t (no musl-gcc)"
			else
				not_ok "$f: $t (fixture $p not built)"
			fi
		done
		continue
	fi
	run "$f.direct" "$p"
	run "$f.uexec" "$UEXEC" "$p"
	mapfile -t keys < <(required_of "$f")
	sanity "$f: direct run is sane" "$f.direct" "${keys[@]}"
	compare "$f: uexec == direct" "$f.direct" "$f.uexec"
	launch_pair "$f"
	if [ $have_r = 0 ]; then
		skip "$f: hand-off page (UEXEC is env)"
		skip "$f: uexec -R == setarch -R (UEXEC is env)"
		skip "$f: setarch -R uexec == setarch -R (UEXEC is env)"
		skip "$f: unprivileged uexec == direct (UEXEC is env)"
		continue
	fi
	loader_page "$f.uexec"
	if [ -n "$unpriv" ]; then
		cp "$p" "$unpriv/$f"
		run "$f.pdirect" "${SETPRIV[@]}" "$unpriv/$f"
		run "$f.puexec" "${SETPRIV[@]}" "$unpriv/uexec" "$unpriv/$f"
		saved=$prefixes
		prefixes=$(keys_of "$unpriv_excluded")
		compare "$f: unprivileged uexec == direct" "$f.pdirect" "$f.puexec"
		prefixes=$saved
	else
		skip "$f: unprivileged uexec == direct (needs root and setpriv)"
	fi
	run "$f.rdirect" setarch -R "$p"
	run "$f.ruexec" "$UEXEC" -R "$p"
	run "$f.rsuexec" setarch -R "$UEXEC" "$p"
	if ! grep -q '^R\.sp=' "$tmp/$f.rdirect"; then
		echo "setarch -R did not disable randomisation" >"$tmp/why"
		not_ok_file "$f: uexec -R == setarch -R" "$tmp/why"
		not_ok_file "$f: setarch -R uexec == setarch -R" "$tmp/why"
		continue
	fi
	compare "$f: uexec -R == setarch -R" "$f.rdirect" "$f.ruexec"
	# the personality inherited, not set by uexec: no re-exec of uexec
	compare "$f: setarch -R uexec == setarch -R" "$f.rdirect" "$f.rsuexec"
done

# ---- a command whose hand-off page file is missing ----------------------
# $B/nofile/uexec looks for /nonexistent/uexec-handoff: it must run the
# program all the same, from a memfd's page.
for f in "${nofile_flavours[@]}"; do
	p=$probes/$f
	if [ ! -x "$B/nofile/uexec" ] || [ ! -x "$p" ]; then
		not_ok "$f: uexec without its hand-off file == direct (not built)"
		not_ok "$f.nofile: only the hand-off page remains (not built)"
		continue
	fi
	run "$f.nofile" "$B/nofile/uexec" "$p"
	compare "$f: uexec without its hand-off file == direct" "$f.direct" "$f.nofile"
	loader_page "$f.nofile" "$HANDOFF_MEMFD"
done

# ---- the legacy (bottom-up) mmap layout ----------------------------------
# setarch -L: the interpreter or static-pie at the bottom of the mmap area
# and the vDSO right above it; exact addresses with -R as well.
for f in "${legacy_flavours[@]}"; do
	p=$probes/$f
	if [ $have_r = 0 ]; then
		skip "$f: setarch -L uexec == setarch -L (UEXEC is env)"
		skip "$f: setarch -L -R uexec == setarch -L -R (UEXEC is env)"
		continue
	fi
	run "$f.ldirect_l" setarch -L "$p"
	run "$f.luexec_l" setarch -L "$UEXEC" "$p"
	compare "$f: setarch -L uexec == setarch -L" "$f.ldirect_l" "$f.luexec_l"
	run "$f.ldirect_lr" setarch -L -R "$p"
	run "$f.luexec_lr" setarch -L -R "$UEXEC" "$p"
	compare "$f: setarch -L -R uexec == setarch -L -R" "$f.ldirect_lr" "$f.luexec_lr"
done

# ---- uexec started by uexec: one hand-off page, never one per level ---------
# Each level's page is dead once it has jumped; the next level takes its
# place over (above [stack]) or sweeps it (next to the scratch memory, or the
# library's), so the program finds exactly one, as after a single uexec:
# randomised, under setarch -R (no room above the stack: the scratch page),
# with the memfd page, and for a command started by the library.
for f in "${nested_flavours[@]}"; do
	p=$probes/$f
	if [ $have_r = 0 ]; then
		for t in "uexec uexec uexec == direct" "uexec uexec uexec: one page" \
			"setarch -R uexec uexec uexec == setarch -R" "setarch -R uexec uexec uexec: one page" \
			"nofile uexec x3: one page" "library -> uexec: one page"; do
			skip "$f: $t (UEXEC is env)"
		done
		continue
	fi
	run "$f.nest3" "$UEXEC" "$UEXEC" "$UEXEC" "$p"
	compare "$f: uexec uexec uexec == direct" "$f.direct" "$f.nest3"
	loader_page "$f.nest3"
	run "$f.rnest3" setarch -R "$UEXEC" "$UEXEC" "$UEXEC" "$p"
	compare "$f: setarch -R uexec uexec uexec == setarch -R" "$f.rdirect" "$f.rnest3"
	loader_page "$f.rnest3"
	run "$f.fnest3" "$B/nofile/uexec" "$B/nofile/uexec" "$B/nofile/uexec" "$p"
	loader_page "$f.fnest3" "$HANDOFF_MEMFD"
	run "$f.lnest" "$B/examples/execve" "$UEXEC" "$p"
	loader_page "$f.lnest"
done
