#!/bin/bash
# 10-probe.t - the differential probe: every flavour of tests/probe/ must
# describe itself identically run directly and run through uexec.
#
# Env: UEXEC = absolute path of the uexec command, B = absolute build dir.
# A stand-in UEXEC named "env" runs the program as exec(3) does, which checks
# the harness itself; the -R pairs are skipped then (env has no -R).
set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${UEXEC:?UEXEC must name the uexec command}"
: "${B:?B must name the build directory}"
probes=$B/fixtures/probe
excluded=$here/probe/excluded-keys
unpriv_excluded=$here/probe/unprivileged-keys
flavours=(glibc-pie glibc-nopie glibc-static glibc-spie
	glibc-pie-2m glibc-pie-16m glibc-spie-2m glibc-spie-16m
	glibc-ttext glibc-execstack musl-static musl-spie nolibc)
# Present in every flavour's output, so a probe that prints too little fails.
required=(argc=3 'argv.2=y z' env.count=2 env.1=B=2 auxv.AT_PHDR.matches_file=ok
	auxv.AT_ENTRY.at_bias=ok load.bias_aligned=ok stack.zero_word_at_top=ok
	stack.strings_contiguous=ok auxv.AT_RANDOM.nonzero=ok)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
keys_of() { sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$@"; }
prefixes=$(keys_of "$excluded")

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	shift
	[ $# -gt 0 ] && sed -e 's/^/# /' "$@" | head -n 60
	return 0
}
skip() { n=$((n + 1)); echo "ok $n # skip $1"; }

# Drops the excluded keys; FAIL lines always stay.
filter() {
	awk -v list="$prefixes" '
		BEGIN { n = split(list, p, "\n") }
		/^FAIL / { print; next }
		{
			key = $0; sub(/=.*/, "", key)
			for (i = 1; i <= n; i++)
				if (p[i] != "" && index(key, p[i]) == 1)
					next
			print
		}' "$1" | LC_ALL=C sort
}

# run NAME CMD...: stdout to $tmp/NAME, stderr to $tmp/NAME.err, status to
# $tmp/NAME.rc.  Same args, env, stdin and an extra open fd 3 each time.
run() {
	local name=$1
	shift
	env -i A=1 B=2 "$@" x 'y z' </dev/null 3</dev/null \
		>"$tmp/$name" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
}

sanity() {
	local f=$1 out=$tmp/$1.direct missing=
	for key in "${required[@]}"; do
		grep -qxF -- "$key" "$out" || missing="$missing $key"
	done
	case $f in
	nolibc) grep -qx 'reg.gprs_zero=ok' "$out" || missing="$missing reg.gprs_zero=ok" ;;
	*) grep -qx 'tls.thread_initialised=ok' "$out" || missing="$missing tls.thread_initialised=ok" ;;
	esac
	if [ "$(cat "$tmp/$f.direct.rc")" != 0 ] || grep -q '^FAIL' "$out" ||
		[ -n "$missing" ]; then
		{ echo "status $(cat "$tmp/$f.direct.rc"), missing:$missing"
		  grep '^FAIL' "$out"; cat "$tmp/$f.direct.err"; } >"$tmp/why"
		not_ok "$f: direct run is sane" "$tmp/why"
	else
		ok "$f: direct run is sane"
	fi
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
	  echo "diff (direct vs uexec, excluded keys dropped):"
	  diff "$tmp/$ref.f" "$tmp/$test.f"; } >"$tmp/why"
	not_ok "$label" "$tmp/why"
}

# loader_page NAME: uexec left exactly its one named hand-off page.
loader_page() {
	local out=$tmp/$1
	if grep -qx 'maps.loader.count=1' "$out" &&
		grep -qx 'maps.loader.0=r-xp /memfd:uexec (deleted) size=0x1000' "$out"; then
		ok "$1: only the /memfd:uexec hand-off page remains"
	else
		grep '^maps.loader' "$out" >"$tmp/why"
		not_ok "$1: only the /memfd:uexec hand-off page remains" "$tmp/why"
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

echo "1..$((5 * ${#flavours[@]}))"
for f in "${flavours[@]}"; do
	p=$probes/$f
	if [ ! -x "$p" ]; then
		# probe.mk leaves the musl flavours out without musl-gcc.
		for t in "direct run is sane" "uexec == direct" "hand-off page" \
			"uexec -R == setarch -R" "unprivileged uexec == direct"; do
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
	sanity "$f"
	compare "$f: uexec == direct" "$f.direct" "$f.uexec"
	if [ $have_r = 0 ]; then
		skip "$f: hand-off page (UEXEC is env)"
		skip "$f: uexec -R == setarch -R (UEXEC is env)"
		skip "$f: unprivileged uexec == direct (UEXEC is env)"
		continue
	fi
	loader_page "$f.uexec"
	if [ -n "$unpriv" ]; then
		cp "$p" "$unpriv/$f"
		run "$f.pdirect" "${SETPRIV[@]}" "$unpriv/$f"
		run "$f.puexec" "${SETPRIV[@]}" "$unpriv/uexec" "$unpriv/$f"
		saved=$prefixes
		prefixes=$(keys_of "$excluded" "$unpriv_excluded")
		compare "$f: unprivileged uexec == direct" "$f.pdirect" "$f.puexec"
		prefixes=$saved
	else
		skip "$f: unprivileged uexec == direct (needs root and setpriv)"
	fi
	run "$f.rdirect" setarch -R "$p"
	run "$f.ruexec" "$UEXEC" -R "$p"
	if ! grep -q '^R\.sp=' "$tmp/$f.rdirect"; then
		echo "setarch -R did not disable randomisation" >"$tmp/why"
		not_ok "$f: uexec -R == setarch -R" "$tmp/why"
		continue
	fi
	compare "$f: uexec -R == setarch -R" "$f.rdirect" "$f.ruexec"
done
