#!/bin/bash
# bench/trace.sh - where a start's time goes, from the kernel's own trace
# events (tracefs: raw_syscalls, page faults, exec, exit, context switches)
# for every process build/bench/ab spawns.  Root only; the tracing itself
# adds about 0.1-0.2 us per event, so read the figures side by side, never
# as absolute costs.
#
#   bench/trace.sh OUT N CMD_A [ARG]... --- CMD_B [ARG]...
#   python3 bench/phases.py OUT
#
# e.g. bench/trace.sh /tmp/t 300 /bin/true --- build/uexec /bin/true
# TRACE_BUFFER_KB (default 65536, per CPU): more for long programs
# (262144 for 200 runs of python3 -c pass each side).
set -eu
T=/sys/kernel/tracing
B=$(cd "$(dirname "$0")/.." && pwd)/build
if [ $# -lt 5 ] || [ ! -w $T/trace ] || [ ! -x "$B/bench/ab" ]; then
	echo "usage: $0 OUT N CMD_A... --- CMD_B...  (root, tracefs, make bench first)" >&2
	exit 2
fi
out=$1 n=$2
shift 2
cleanup()
{
	echo 0 >$T/tracing_on
	echo >$T/set_event_pid
	echo >$T/set_event
	echo 0 >$T/options/event-fork
}
trap cleanup EXIT
echo 0 >$T/tracing_on
echo >$T/trace
echo x86-tsc >$T/trace_clock
echo "${TRACE_BUFFER_KB:-65536}" >$T/buffer_size_kb
echo >$T/set_event
for e in raw_syscalls:sys_enter raw_syscalls:sys_exit exceptions:page_fault_user \
	sched:sched_process_exec sched:sched_process_exit sched:sched_switch; do
	echo $e >>$T/set_event
done
echo 1 >$T/options/event-fork
(
	echo $BASHPID >$T/set_event_pid
	echo 1 >$T/tracing_on
	exec "$B/bench/ab" "$n" "$@"
)
echo 0 >$T/tracing_on
cat $T/trace >"$out"
if grep -q LOST "$out"; then
	echo "$0: events were lost: fewer runs, or a larger buffer" >&2
fi
awk '/cpu MHz/ { print "tsc_mhz", $4; exit }' /proc/cpuinfo >>"$out"
echo "$0: $(wc -l <"$out") lines in $out"
