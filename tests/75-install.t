#!/bin/bash
# 75-install.t - the examples (one per library call) run programs, and an
# installed tree (make install DESTDIR=...) builds them through pkg-config,
# against the static and the shared library.
# Env: UEXEC = absolute path of uexec, B = absolute build directory.
set -u
: "${UEXEC:?UEXEC must name the uexec binary}" "${B:?B must name the build directory}"
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.bash"

examples=(execve execveat fexecve execve_mem)
echo "1..$((2 * ${#examples[@]} + 8 + 2))"

# The examples as built by make (static library).
for e in "${examples[@]}"; do
	x=$B/examples/$e
	if [ "$e" = execveat ]; then
		expect "$e runs /bin/echo" 0 "hello  world" "" "$x" /bin echo hello " world"
		expect "$e: missing program fails cleanly" 126 "" \
			"execveat: nope: No such file or directory (*)" "$x" /bin nope
	else
		expect "$e runs /bin/echo" 0 "hello  world" "" "$x" /bin/echo hello " world"
		want=126
		[ "$e" != execve ] && want=127 # they open the file themselves first
		expect "$e: missing program fails cleanly" $want "" "*No such file or directory*" \
			"$x" "$tmp/nope"
	fi
done

# examples/spawn.c: uexec_spawn() with a file action.
expect "spawn runs /bin/echo with its stdout to a file" 0 "hello  world" "" \
	sh -c '"$1" "$2" /bin/echo hello " world" && cat "$2"' sh "$B/examples/spawn" "$tmp/spawn.out"
expect "spawn: a missing program is the call's error" 127 "" \
	"spawn: $tmp/nope: No such file or directory (*)" "$B/examples/spawn" "$tmp/spawn.out" "$tmp/nope"

# Install into a temporary root.
if make -s -C "$top" install DESTDIR="$tmp/root" PREFIX=/usr >"$tmp/install.log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/usr"
else
	not_ok_file "make install DESTDIR=... PREFIX=/usr" <(tail -5 "$tmp/install.log")
fi
r=$tmp/root/usr
missing=
for f in bin/uexec lib/libuexec.a lib/libuexec.so lib/libuexec.so.0 include/uexec.h \
	lib/pkgconfig/uexec.pc share/man/man1/uexec.1 share/man/man3/uexec.3 \
	share/man/man3/uexec_execveat.3 lib/uexec/uexec-handoff; do
	[ -e "$r/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok "installed files are all there" || not_ok "installed files" "missing:$missing"
soname=$(readelf -d "$r/lib/libuexec.so" 2>/dev/null | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = libuexec.so.0 ] && ok "shared library soname is libuexec.so.0" ||
	not_ok "shared library soname" "got '$soname'"
expect "installed uexec runs" 0 "hi" "" "$r/bin/uexec" /bin/echo hi
# its hand-off page is a copy of the installed page file (the PREFIX path)
if grep -qaF /usr/lib/uexec/uexec-handoff "$r/bin/uexec" &&
	[ "$(stat -c %s "$r/lib/uexec/uexec-handoff" 2>/dev/null)" = 4096 ]; then
	ok "installed uexec names PREFIX/lib/uexec/uexec-handoff, a 4096-byte file"
else
	not_ok "installed uexec names PREFIX/lib/uexec/uexec-handoff, a 4096-byte file"
fi

export PKG_CONFIG_SYSROOT_DIR=$tmp/root PKG_CONFIG_PATH=$r/lib/pkgconfig PKG_CONFIG_LIBDIR=$r/lib/pkgconfig
flags=$(pkg-config --cflags --libs uexec 2>&1)
# shellcheck disable=SC2086 # pkg-config's output is a word list
if cc -o "$tmp/ex-shared" "$top/examples/fexecve.c" $flags 2>"$tmp/cc.err"; then
	expect "built with pkg-config against libuexec.so, runs" 0 "via so" "" \
		env LD_LIBRARY_PATH="$r/lib" "$tmp/ex-shared" /bin/echo via so
else
	not_ok_file "build with pkg-config ($flags)" "$tmp/cc.err"
fi
# shellcheck disable=SC2086
if cc -o "$tmp/ex-static" "$top/examples/execve_mem.c" $(pkg-config --cflags uexec) \
	"$r/lib/libuexec.a" 2>"$tmp/cc.err" && ! readelf -d "$tmp/ex-static" | grep -q libuexec; then
	expect "built against libuexec.a, runs" 0 "via a" "" "$tmp/ex-static" /bin/echo via a
else
	not_ok_file "build against libuexec.a" "$tmp/cc.err"
fi
if command -v man >/dev/null; then
	man -l "$r/share/man/man3/uexec.3" 2>/dev/null | grep -q 'uexec_execveat' &&
		ok "uexec(3) renders and documents uexec_execveat" || not_ok "uexec(3) renders"
else # no man-db here: at least the page is a man page about the calls
	grep -q '^\.TH UEXEC 3' "$r/share/man/man3/uexec.3" &&
		grep -q 'uexec_execveat' "$r/share/man/man3/uexec.3" &&
		ok "uexec(3) is a man page documenting uexec_execveat (man not installed)" ||
		not_ok "uexec(3) installed"
fi
