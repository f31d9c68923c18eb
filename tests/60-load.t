#!/bin/bash
# 60-load.t - many starts through uexec, from one parent and in a chain.
#
#   1-6  $B/load/spawner (tests/load/spawner.c): 10,000 sequential starts of
#        a small static program, then 16 at once for 20 rounds; every run's
#        output and status checked; the parent's descriptors and memory
#        (VmRSS, VmSize) the same after each phase as before it.
#   7    $B/load/chain (tests/load/chain.c) starts itself through uexec 1,000
#        times, each run replacing the last in the same process; every level
#        checks it has as many descriptors and mappings as the first and no
#        more memory; the last exits 42.
#
# LOAD_SEQUENTIAL and LOAD_CHAIN make it shorter or longer.
# Env: UEXEC = absolute path of uexec, B = absolute build directory.
set -u
: "${UEXEC:?UEXEC must name the uexec binary}" "${B:?B must name the build directory}"

SEQ=${LOAD_SEQUENTIAL:-10000}
CHAIN=${LOAD_CHAIN:-1000}
# shellcheck source=tests/tap.bash
. "$(dirname "$0")/tap.bash"

echo 1..7
"$B/load/spawner" "$UEXEC" "$B/load/small" "$SEQ" 16 20 || echo "# spawner exited $?"
n=6 # the spawner's own six results, numbered by it

t0=$(date +%s.%N)
out=$("$B/load/chain" "$UEXEC" "$B/load/chain" "$CHAIN" 2>&1)
st=$?
t1=$(date +%s.%N)
echo "# chain of $CHAIN: $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s"
if [ $st = 42 ] && [ "$out" = "chain: bottom at depth $CHAIN" ]; then
	ok "a chain of $CHAIN uexec starts, each by the one before, ends with status 42"
else
	not_ok "a chain of $CHAIN uexec starts ends with status 42" "status $st, output: $out"
fi
