#!/bin/bash
# 05-cli.t - the command line: options, PATH lookup, messages, exit codes.
# Env: UEXEC = absolute path of uexec, B = absolute build directory.
set -u
: "${UEXEC:?UEXEC must name the uexec binary}" "${B:?B must name the build directory}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.bash"

echo 1..39

# a program that shows argv[0..] and one variable
printf '#!/bin/sh\nprintf "[%%s]" "$0" "$@"; echo\n' >"$tmp/show"
chmod +x "$tmp/show"
cat >"$tmp/argv0.c" <<'C'
#include <stdio.h>
int main(int argc, char **argv) { for (int i = 0; i < argc; i++) printf("[%s]", argv[i]); puts(""); return 7; }
C
cc -o "$tmp/argv0" "$tmp/argv0.c" || exit 1
mkdir "$tmp/bin" "$tmp/bin2"
cp "$tmp/argv0" "$tmp/bin/prog"
printf 'not executable\n' >"$tmp/bin2/prog"   # mode 644: skipped by the search
cp "$tmp/argv0" "$tmp/bin2/other"
chmod 644 "$tmp/bin2/other"

help=$("$UEXEC" --help 2>"$tmp/err")
st=$?
if [ $st = 0 ] && ! [ -s "$tmp/err" ] && [ "$(printf '%s\n' "$help" | wc -l)" -ge 15 ]; then
	ok "--help exits 0, prints the help (15 lines or more), nothing on stderr"
else
	not_ok "--help exits 0, prints the help (15 lines or more), nothing on stderr" \
		"status $st, $(printf '%s\n' "$help" | wc -l) lines" "stderr: $(cat "$tmp/err")"
fi
"$UEXEC" --help | grep -q '^Usage: uexec \[OPTION\]... \[--\] PROGRAM \[ARG\]...' &&
	ok "--help starts with the usage line" || not_ok "--help starts with the usage line"
for opt in -a -R --version --; do
	"$UEXEC" --help | grep -qE -- "(^|[ ,])$opt( |$)" && ok "--help documents $opt" ||
		not_ok "--help documents $opt"
done
expect "--version" 0 "uexec 0.1.0" "" "$UEXEC" --version
expect "-V" 0 "uexec 0.1.0" "" "$UEXEC" -V
expect "runs a program with its arguments and status" 7 "[$tmp/argv0][a][b c]" "" \
	"$UEXEC" "$tmp/argv0" a 'b c'
expect "-a NAME sets argv[0]" 7 "[NAME][x]" "" "$UEXEC" -a NAME "$tmp/argv0" x
expect "-aNAME sets argv[0]" 7 "[NAME][x]" "" "$UEXEC" -aNAME "$tmp/argv0" x
expect "-- ends the options" 7 "[$tmp/argv0][-R]" "" "$UEXEC" -- "$tmp/argv0" -R
expect "options after PROGRAM belong to it" 7 "[$tmp/argv0][--help]" "" \
	"$UEXEC" "$tmp/argv0" --help
expect "PATH lookup: argv[0] stays as given" 7 "[prog][1]" "" \
	env PATH="$tmp/bin2:$tmp/bin" "$UEXEC" prog 1
expect "PATH lookup skips files that are not executable" 7 "[prog]" "" \
	env PATH="$tmp/bin2:$tmp/bin" "$UEXEC" prog
expect "not in PATH: 127 and one line" 127 "" \
	"uexec: nosuchprog: No such file or directory (not found in PATH)" \
	env PATH="$tmp/bin" "$UEXEC" nosuchprog
expect "in PATH but not executable: 126" 126 "" \
	"uexec: other: Permission denied (found in PATH but not executable)" \
	env PATH="$tmp/bin2" "$UEXEC" other
expect "missing file: 127" 127 "" "uexec: $tmp/none: No such file or directory (*)" \
	"$UEXEC" "$tmp/none"
expect "a directory: 126 EACCES" 126 "" "uexec: $tmp: Permission denied (a directory, not a regular file)" \
	"$UEXEC" "$tmp"
expect "unknown option: 125" 125 "" "uexec: unknown option: -x*" "$UEXEC" -x "$tmp/argv0"
expect "missing PROGRAM: 125" 125 "" "uexec: missing PROGRAM*" "$UEXEC"
expect "-a without NAME: 125" 125 "" "uexec: option requires an argument -- 'a'*" "$UEXEC" -a
expect "a #! script gets [interp, script, args]" 0 "[$tmp/show][q]" "" "$UEXEC" "$tmp/show" q

# --fd N and - (the program from standard input)
expect "--fd N runs the file open on N" 7 "[fdprog][a]" "" \
	bash -c 'exec 7<"$1"; shift; exec "$@"' _ "$tmp/argv0" "$UEXEC" --fd 7 fdprog a
expect "--fd=N works too" 7 "[fdprog]" "" \
	bash -c 'exec 7<"$1"; shift; exec "$@"' _ "$tmp/argv0" "$UEXEC" --fd=7 fdprog
expect "--fd of a closed descriptor: 126 EBADF" 126 "" \
	"uexec: --fd 99: Bad file descriptor (descriptor 99 is not open)" "$UEXEC" --fd 99 x
expect "- reads the program from standard input" 7 "[-][a][b]" "" \
	bash -c 'exec "$@" <"$0"' "$tmp/argv0" "$UEXEC" - a b
want_fds=$(bash -c 'exec "$@" <"$0"' /bin/ls /bin/ls /proc/self/fd | tr '\n' ' ')
expect "- leaves no descriptor open but the caller's (the memfd is closed)" 0 "$want_fds" "" \
	bash -c 'exec "$@" <"$0" | tr "\n" " "' /bin/ls "$UEXEC" - /proc/self/fd
expect "- with -a NAME" 7 "[NAME][a]" "" bash -c 'exec "$@" <"$0"' "$tmp/argv0" "$UEXEC" -a NAME - a
head -c 3000 "$tmp/argv0" >"$tmp/short"
expect "- with a truncated image: 126, not a complete ELF image" 126 "" \
	"uexec: -: Exec format error (*not a complete ELF image)" \
	bash -c 'exec "$@" <"$0"' "$tmp/short" "$UEXEC" -
expect "- with empty input: 126" 126 "" "uexec: -: Exec format error (standard input is empty)" \
	bash -c 'exec "$@" </dev/null' _ "$UEXEC" -

# Errors beside the kernel's (tryexec: execv in its own process): the same
# status (127 for ENOENT, as env, bash and dash give; else 126), the kernel's
# strerror, and the reason uexec gives.
TRYEXEC=$B/fixtures/bad/tryexec
kernel_vs_uexec() { # NAME REASON_GLOB FILE
	local name=$1 why=$2 f=$3 kst ust kline uline pat
	kline=$("$TRYEXEC" "$f" 2>&1 >/dev/null); kst=$?
	uline=$("$UEXEC" "$f" 2>&1 >/dev/null); ust=$?
	kline=${kline#tryexec: errno=* }
	# shellcheck disable=SC2053 # the reason is a glob
	pat="uexec: $f: $kline ($why)"
	if [ "$kst" = "$ust" ] && [[ $uline == $pat ]]; then
		ok "$name: status $ust and '$kline' as the kernel's"
	else
		not_ok "$name" "kernel: status $kst, $kline" "uexec: status $ust, $uline" \
			"want:  uexec: $f: $kline ($why)"
	fi
}
printf '#!%s/no-such-interpreter\n' "$tmp" >"$tmp/no-interp"
chmod +x "$tmp/no-interp"
kernel_vs_uexec "#! interpreter missing: 127" "interpreter \"$tmp/no-such-interpreter\": *" \
	"$tmp/no-interp"
printf '\177ELF' >"$tmp/elf4"
chmod +x "$tmp/elf4"
kernel_vs_uexec "a 4-byte \\x7fELF file" "the file is 4 bytes, too short for an ELF header (64 bytes)" \
	"$tmp/elf4"
# the running program with its header made big-endian: EI_DATA 2, e_type and
# e_machine byte-swapped
python3 - "$tmp/argv0" "$tmp/be" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[5] = 2
d[16:18] = d[16:18][::-1]
d[18:20] = d[18:20][::-1]
open(sys.argv[2], 'wb').write(d)
PY
chmod +x "$tmp/be"
kernel_vs_uexec "a big-endian ELF" "a big-endian ELF file (EI_DATA 2), not little-endian like x86-64" \
	"$tmp/be"
# the kernel reads neither EI_DATA nor EI_OSABI: only EI_DATA 2 still runs
python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[5] = 2; open(sys.argv[2], "wb").write(d)' \
	"$tmp/argv0" "$tmp/be-only-ei"
chmod +x "$tmp/be-only-ei"
kst=$("$tmp/be-only-ei" a; echo "status $?")
expect "EI_DATA 2 alone: runs, as the kernel runs it" 0 "$kst" "" \
	bash -c '"$@"; echo "status $?"' _ "$UEXEC" "$tmp/be-only-ei" a

# no /bin/sh fallback: a file of shell commands without "#!" is the kernel's
# ENOEXEC (execvp and shells would run it with /bin/sh)
printf 'echo ran by a shell\n' >"$tmp/no-shebang"
chmod +x "$tmp/no-shebang"
kernel_vs_uexec "shell commands without #!: no /bin/sh fallback" \
	"not an ELF executable (no ELF magic)" "$tmp/no-shebang"

# a "#!" script from standard input: run like fexecve() of a memfd without
# close-on-exec (the kernel refuses a close-on-exec one: ENOENT); the
# interpreter gets /dev/fd/N, which stays open for it.  uexec read its
# standard input to the end: the script finds it empty.
printf '#!/bin/sh\necho "[$#][$1][$2]"; case $0 in /dev/fd/[0-9]*) echo "fd path";; *) echo "$0";; esac\nwc -c\n' >"$tmp/piped.sh"
kout=$(python3 -c '
import os, sys
fd = os.memfd_create("k", 0)
os.write(fd, open(sys.argv[1], "rb").read())
os.execve(fd, ["k", "a", "b c"], os.environ)' "$tmp/piped.sh" </dev/null 2>&1)
expect "- with a #! script: runs like the kernel's fexecve of a memfd, stdin empty" 0 "$kout" "" \
	bash -c 'cat "$0" | "$@"' "$tmp/piped.sh" "$UEXEC" - "a" "b c"

# uexec running uexec (linked at the same address): the inner one is mapped
# elsewhere and moved into place at the hand-off, as many levels deep as asked
expect "uexec uexec PROGRAM" 7 "[$tmp/argv0][x]" "" "$UEXEC" "$UEXEC" "$tmp/argv0" x
expect "uexec uexec uexec uexec PROGRAM" 7 "[$tmp/argv0][x]" "" \
	"$UEXEC" "$UEXEC" "$UEXEC" "$UEXEC" "$tmp/argv0" x
