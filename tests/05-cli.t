#!/bin/bash
# 05-cli.t - the command line: options, PATH lookup, messages, exit codes.
# Env: UEXEC = absolute path of uexec, B = absolute build directory.
set -u
: "${UEXEC:?UEXEC must name the uexec binary}" "${B:?B must name the build directory}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.bash"

echo 1..33

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

# uexec running uexec (linked at the same address): the inner one is mapped
# elsewhere and moved into place at the hand-off, as many levels deep as asked
expect "uexec uexec PROGRAM" 7 "[$tmp/argv0][x]" "" "$UEXEC" "$UEXEC" "$tmp/argv0" x
expect "uexec uexec uexec uexec PROGRAM" 7 "[$tmp/argv0][x]" "" \
	"$UEXEC" "$UEXEC" "$UEXEC" "$UEXEC" "$tmp/argv0" x
