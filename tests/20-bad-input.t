#!/bin/bash
# 20-bad-input.t - malformed or unrunnable programs: uexec must fail the way
# the kernel does, and never crash or hang.
#
# Every case is run twice under `timeout 10`: by tryexec (execv in place, so
# its outcome is the running kernel's) and by $UEXEC.  Expectations, by what
# the kernel did:
#   errno E          uexec exits 126 (127 for ENOENT: the PROGRAM or its
#                    interpreter not found, like env) and prints exactly one line
#                    "uexec: PATH: strerror(E) (REASON)", REASON not empty;
#   exited N         uexec exits N with the same stdout and stderr;
#   killed by SIG    (the kernel gave up after its point of no return, or the
#                    program it started faulted at once) uexec refuses before
#                    its own point of no return: exits 126, one line
#                    "uexec: PATH: ANY ERROR (REASON)";
# and in every case uexec itself is never killed and never times out.
#
# The cases are $B/fixtures/bad/variants/* (made by tests/bad/mkbad.c, see
# there for what each one breaks), the valid fixtures they come from, and
# files that are wrong because of where or what they are (directory, FIFO,
# device, mode 0644, noexec mount, missing, ENOTDIR, ELOOP, ENAMETOOLONG).
#
# Env: UEXEC = absolute path of uexec, B = absolute build directory.

set -u
# shellcheck source=tests/tap.bash
. "$(dirname "$0")/tap.bash"
: "${UEXEC:?UEXEC must name the uexec binary}" "${B:?B must name the build directory}"

BAD=$B/fixtures/bad
TRY=$BAD/tryexec
ARGS=(one 'two words')

# Variants the kernel loads without complaint and whose program then faults at
# once: overlapping PT_LOADs are mapped in order, a later one replacing the
# pages of an earlier one, in the kernel and in uexec alike.  uexec must start
# the program just the same, so both die of the same signal.
declare -A SAME_CRASH=(
	[static-overlap-shifted]="text mapped over the first segment"
	[spie-overlap-shifted]="text mapped over the first segment"
)

# A crashing program must not leave core files in the build tree.
ulimit -c 0

TMP=$(mktemp -d "$BAD/tmp.XXXXXX") || exit 1
NOEXEC_MNT=
cleanup()
{
	[ -n "$NOEXEC_MNT" ] && umount "$NOEXEC_MNT" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
# Make an interrupted run exit through cleanup too, so the mount is undone.
trap 'exit 130' INT TERM

# ---- the cases: NAME and PATH, in order --------------------------------

NAMES=()
PATHS=()
SKIPS=()
REASONS=()

add_case() # NAME PATH [SKIP-REASON [GLOB the reason in parentheses must match]]
{
	NAMES+=("$1")
	PATHS+=("$2")
	SKIPS+=("${3:-}")
	REASONS+=("${4:-?*}")
}

add_files()
{
	local f

	for f in "$BAD"/hello-dyn "$BAD"/hello-static "$BAD"/hello-static-pie; do
		add_case "valid-${f##*/hello-}" "$f"
	done
	for f in "$BAD"/variants/*; do
		[ -f "$f" ] && add_case "${f##*/}" "$f"
	done
}

# A file on a tmpfs mounted noexec: root only, and the mount is undone on exit.
add_noexec()
{
	local why=

	if [ "$(id -u)" != 0 ]; then
		why="not root: cannot mount a noexec tmpfs"
	elif ! mkdir "$TMP/noexec" || ! mount -t tmpfs -o noexec,size=4m uexec-noexec "$TMP/noexec"; then
		why="mount -t tmpfs -o noexec failed"
	else
		NOEXEC_MNT=$TMP/noexec
		cp "$BAD/hello-static" "$NOEXEC_MNT/hello" && chmod 755 "$NOEXEC_MNT/hello"
	fi
	add_case noexec-mount "$TMP/noexec/hello" "$why" "*noexec*"
}

add_environment()
{
	local long

	mkdir "$TMP/dir" && chmod 755 "$TMP/dir"
	add_case directory "$TMP/dir"
	# uexec must not open a FIFO for reading: that would block forever.
	mkfifo -m 755 "$TMP/fifo"
	add_case fifo "$TMP/fifo"
	add_case dev-null /dev/null
	# /dev/null has no x bit; an executable device node shows the file type alone is refused.
	if [ "$(id -u)" != 0 ]; then
		add_case device-mode-755 "$TMP/null-x" "not root: cannot mknod"
	elif mknod -m 755 "$TMP/null-x" c 1 3; then
		add_case device-mode-755 "$TMP/null-x"
	else
		add_case device-mode-755 "$TMP/null-x" "mknod failed"
	fi
	cp "$BAD/hello-static" "$TMP/mode-0644" && chmod 644 "$TMP/mode-0644"
	add_case collide-uexec "$BAD/collide-uexec"
	add_case collide-scratch "$BAD/collide-scratch"
	add_case mode-0644 "$TMP/mode-0644" "" "no execute permission*"
	add_noexec
	add_case missing "$TMP/missing"
	add_case not-a-dir "$BAD/hello-static/x"
	ln -s loop "$TMP/loop"
	add_case symlink-loop "$TMP/loop"
	long=$(printf 'x%.0s' {1..300})
	add_case name-too-long "$TMP/$long"
}

# ---- running one side --------------------------------------------------

# run PREFIX CMD...: outputs in $TMP/PREFIX.{out,err}, status in $TMP/PREFIX.st
run()
{
	local prefix=$TMP/$1

	shift
	# The group's 2>/dev/null swallows bash's own "Segmentation fault" notice.
	{ timeout 10 "$@" >"$prefix.out" 2>"$prefix.err" </dev/null; } 2>/dev/null
	echo $? >"$prefix.st"
}

# Classify the kernel's outcome into K_KIND (errno/exit/signal/timeout),
# K_STATUS, K_ERRNO, K_TEXT (strerror), K_DESC (for the table).
kernel_outcome()
{
	local line=

	K_STATUS=$(<"$TMP/k.st")
	K_ERRNO='' K_TEXT=''
	IFS= read -r line <"$TMP/k.err"
	if [[ ($K_STATUS == 126 || $K_STATUS == 127) && $line =~ ^tryexec:\ errno=([A-Z0-9]+)\ (.*)$ ]]; then
		K_KIND=errno K_ERRNO=${BASH_REMATCH[1]} K_TEXT=${BASH_REMATCH[2]}
		K_DESC=$K_ERRNO
	elif [ "$K_STATUS" = 124 ]; then
		K_KIND=timeout K_DESC="hang (timeout)"
	elif [ "$K_STATUS" -ge 128 ]; then
		K_KIND=signal K_DESC="SIG$(kill -l $((K_STATUS - 128)))"
	else
		K_KIND=exit K_DESC="exit $K_STATUS"
	fi
}

# uexec_errno LINE: the errno name whose strerror text a uexec error line
# carries ("uexec: PATH: <text> (<reason>)"), or "-" when it ran.
ERRNO_NAMES=$(perl -MErrno -e 'for my $e (keys %!) { local $! = Errno->can($e)->(); print "$e\t$!\n" }')
uexec_errno() {
	local text
	[[ $1 == uexec:* ]] || { echo -; return; }
	text=${1#uexec: }
	text=${text#*: }
	text=${text%% (*}
	awk -F'\t' -v t="$text" '$2 == t { print $1; found = 1; exit } END { if (!found) print "?" }' \
		<<<"$ERRNO_NAMES"
}

# ---- checking uexec ------------------------------------------------------

WHY=

# one_line_matches PATTERN: uexec's stderr is exactly one line matching the
# bash glob PATTERN (with REASON non-empty: PATTERN ends in " (?*)").
one_line_matches()
{
	local -a lines
	local pattern=$1

	mapfile -t lines <"$TMP/u.err"
	if [ "${#lines[@]}" != 1 ] || [ -n "$(tail -c1 "$TMP/u.err")" ]; then
		WHY="stderr is not exactly one line"
		return 1
	fi
	# shellcheck disable=SC2053 # a glob match is the point
	if [[ ${lines[0]} != $pattern ]]; then
		WHY="stderr line does not match: $pattern"
		return 1
	fi
}

glob_quote()
{
	printf '%s' "$1" | sed 's/[][*?\\]/\\&/g'
}

# check_uexec PATH: compare $TMP/u.* with the kernel's outcome; WHY on failure.
check_uexec()
{
	local path=$1 name=$2 want qpath

	U_STATUS=$(<"$TMP/u.st")
	WHY=
	qpath=$(glob_quote "$path")
	if [ "$U_STATUS" = 124 ]; then
		WHY="uexec timed out"
		return 1
	fi
	if [ -n "${SAME_CRASH[$name]:-}" ] && [ "$K_KIND" = signal ]; then
		[ "$U_STATUS" = "$K_STATUS" ] && return 0
		WHY="status $U_STATUS, want $K_STATUS like the kernel (${SAME_CRASH[$name]})"
		return 1
	fi
	if [ "$U_STATUS" -ge 128 ]; then
		WHY="uexec was killed by SIG$(kill -l $((U_STATUS - 128)))"
		return 1
	fi
	case $K_KIND in
	errno)
		want=126
		[ "$K_ERRNO" = ENOENT ] && want=127
		if [ "$U_STATUS" != "$want" ]; then
			WHY="status $U_STATUS, want $want"
			return 1
		fi
		one_line_matches "uexec: $qpath: $(glob_quote "$K_TEXT") ($REASON)"
		;;
	signal)
		if [ "$U_STATUS" != 126 ]; then
			WHY="status $U_STATUS, want 126 (the kernel's process died of $K_DESC)"
			return 1
		fi
		one_line_matches "uexec: $qpath: ?* (?*)"
		;;
	exit)
		if [ "$U_STATUS" != "$K_STATUS" ]; then
			WHY="status $U_STATUS, want $K_STATUS"
		elif ! cmp -s "$TMP/k.out" "$TMP/u.out"; then
			WHY="stdout differs"
		elif ! cmp -s "$TMP/k.err" "$TMP/u.err"; then
			WHY="stderr differs"
		fi
		[ -z "$WHY" ]
		;;
	*)
		WHY="the kernel itself hung: the case is broken"
		return 1
		;;
	esac
}

# ---- main ----------------------------------------------------------------

# Every fixture a case names must be there: a missing one gives ENOENT on
# both sides, which would pass as agreement.
for f in "$TRY" "$BAD"/hello-dyn "$BAD"/hello-static "$BAD"/hello-static-pie \
	"$BAD"/collide-uexec "$BAD"/collide-scratch; do
	[ -x "$f" ] || { echo "Bail out! $f is not built (make check builds it)"; exit 1; }
done
nvariants=$(find "$BAD/variants" -maxdepth 1 -type f 2>/dev/null | wc -l)
[ "$nvariants" -ge 100 ] ||
	{ echo "Bail out! $BAD/variants has $nvariants files, not the 126 mkbad makes"; exit 1; }

add_files
add_environment

echo "1..${#NAMES[@]}"
TABLE=()
for i in "${!NAMES[@]}"; do
	name=${NAMES[$i]} path=${PATHS[$i]}
	if [ -n "${SKIPS[$i]}" ]; then
		skip "$name: ${SKIPS[$i]}"
		TABLE+=("$name|skipped||")
		continue
	fi
	REASON=${REASONS[$i]}
	run k "$TRY" "$path" "${ARGS[@]}"
	run u "$UEXEC" "$path" "${ARGS[@]}"
	kernel_outcome
	if check_uexec "$path" "$name"; then
		ok "$name: kernel $K_DESC"
	else
		{ echo "  $WHY"; sed 's/^/  uexec stderr: /' "$TMP/u.err" | head -5; } >"$TMP/why"
		not_ok_file "$name: kernel $K_DESC" "$TMP/why"
	fi
	msg=$(head -1 "$TMP/u.err")
	TABLE+=("$name|$K_DESC|$U_STATUS|$(uexec_errno "$msg")|${msg:0:160}")
done

echo "#"
printf '# %-32s | %-16s | %-6s | %-12s | %s\n' variant kernel status "uexec errno" "uexec message"
for row in "${TABLE[@]}"; do
	IFS='|' read -r name kern st uerr msg <<<"$row"
	printf '# %-32s | %-16s | %-6s | %-12s | %s\n' "$name" "$kern" "$st" "$uerr" "$msg"
done
