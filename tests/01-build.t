#!/bin/bash
# 01-build.t - properties of the build the design relies on: the hand-off
# code is freestanding, the command cannot collide with programs, no
# writable-and-executable segment, no writable segment at all (the
# variables live in scratch memory), the shared library exports only uexec_*.
# Env: UEXEC = absolute path of uexec, B = absolute build directory.
set -u
: "${UEXEC:?UEXEC must name the uexec binary}" "${B:?B must name the build directory}"
# shellcheck source=tests/tap.bash
. "$(dirname "$0")/tap.bash"
t() { # NAME COMMAND...: ok if COMMAND succeeds
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$name"; else not_ok "$name"; fi
}
phdrs=$(readelf -lW "$UEXEC")
echo 1..9
t "handoff.o has no undefined symbols (raw syscalls only)" \
	bash -c "test -s '$B/src/arch/x86_64/handoff.o' &&
		test -z \"\$(nm -u '$B/src/arch/x86_64/handoff.o')\""
t "uexec is an ET_EXEC" bash -c "readelf -h '$UEXEC' | grep -q 'Type:.*EXEC'"
t "uexec has no PT_INTERP and no PT_DYNAMIC (static, no libc)" \
	bash -c "grep -q LOAD <<<'$phdrs' && ! grep -qE 'INTERP|DYNAMIC' <<<'$phdrs'"
t "uexec is linked at 0x3f0000000000, away from programs" \
	bash -c "grep -m1 LOAD <<<'$phdrs' | grep -q 0x00003f0000000000"
t "no segment of uexec is writable and executable" \
	bash -c "grep -q LOAD <<<'$phdrs' && ! grep LOAD <<<'$phdrs' | grep -q 'RWE'"
t "uexec has one PT_LOAD, read-execute: no writable segment for exec to map and fault in" \
	bash -c "test \"\$(grep -c LOAD <<<'$phdrs')\" = 1 && grep LOAD <<<'$phdrs' | grep -q ' R E '"
t "uexec's variables (.bss) are linked in its scratch memory (0x3f0000100000), not in its image" \
	bash -c "nm '$UEXEC' | grep -q '^00003f0000100000 [Bb] ' &&
		test -z \"\$(nm '$UEXEC' | awk '\$2 ~ /^[Bb]\$/ && \$1 !~ /^00003f00001/')\""
t "uexec's stack is not executable" bash -c "grep GNU_STACK <<<'$phdrs' | grep -q ' RW '"
t "libuexec.so exports only uexec_* calls (any kind of symbol but the version node)" \
	bash -c "nm -D --defined-only '$B/libuexec.so' | grep -q ' T uexec_execve@' &&
		test -z \"\$(nm -D --defined-only '$B/libuexec.so' | awk '\$2 != \"A\" && \$3 !~ /^uexec_/')\""
