#!/usr/bin/env python3
# bench/phases.py OUT - the phases of each start in a bench/trace.sh trace,
# medians per kind of start (direct, or through uexec, by program):
#   pre   parent's clone to the child's execve
#   A     execve to the kernel's exec event (the kernel loads the file it is
#         given: the program, or uexec)
#   B     from there to the program's first brk() (its dynamic loader's
#         first steps; through uexec: uexec's work, the hand-off, and then
#         the same first steps)
#   C     from there to exit_group
#   D     exit_group to the exit event; W  exit event to the parent's wait
# then, for each start through uexec, every system call of phase B in order
# with its median duration and the median time before it (page faults and
# uexec's own code fall there).  A program that never calls brk(): phase B
# runs to its first write() instead.
import collections
import re
import statistics as st
import sys

LINE = re.compile(r'^\s*(.+)-(\d+)\s+\[(\d+)\]\s+\S+\s+(\d+): (\w+): (.*)$')


def main(path):
    mhz = 2600.0
    events = []
    for line in open(path):
        if line.startswith('tsc_mhz'):
            mhz = float(line.split()[1])
            continue
        m = LINE.match(line)
        if m:
            events.append((int(m.group(4)), int(m.group(2)), m.group(5), m.group(6)))
    events.sort()
    if not events:
        sys.exit('phases.py: no events in ' + path)
    parent = events[0][1]
    per_pid = collections.defaultdict(list)
    for t, pid, name, rest in events:
        per_pid[pid].append((t, name, rest))
    kind = {}
    for pid, ev in per_pid.items():
        execs = [r for t, n, r in ev if n == 'sched_process_exec']
        exits = [r for t, n, r in ev if n == 'sched_process_exit']
        if pid != parent and execs and exits:
            via = 'uexec' if any('/uexec ' in r or r.split()[0].endswith('/uexec') for r in execs) else 'direct'
            kind[pid] = via + ' ' + exits[0].split()[0].split('=')[1]
    phases = collections.defaultdict(lambda: collections.defaultdict(list))
    calls = collections.defaultdict(lambda: collections.defaultdict(list))
    clone = None
    for t, pid, name, rest in events:
        if pid != parent:
            continue
        if name == 'sys_enter' and (rest.startswith('NR 435 ') or rest.startswith('NR 56 ')):
            clone = t
        if name != 'sys_exit' or not rest.startswith('NR 61 ') or clone is None:
            continue
        child, t0, clone = int(rest.split('=')[1]), clone, None
        if child not in kind:
            continue
        ev = per_pid[child]

        def first(pred, after=0):
            return next(i for i, e in enumerate(ev) if i >= after and pred(*e))
        try:
            i_exec = max(i for i, e in enumerate(ev) if e[1] == 'sys_enter' and e[2].startswith('NR 59 '))
            i_exe = max(i for i, e in enumerate(ev) if e[1] == 'sched_process_exec')
            # the program's own first steps: after uexec's PR_SET_MM_MAP
            # (prctl 0x23), or after the exec for a direct start
            i_prog = i_exe
            if kind[child].startswith('uexec'):
                i_prog = first(lambda t, n, r: n == 'sys_enter' and r.startswith('NR 157 (23,'), i_exe)
            try:
                i_brk = first(lambda t, n, r: n == 'sys_enter' and r.startswith('NR 12 '), i_prog + 1)
            except StopIteration:
                i_brk = first(lambda t, n, r: n == 'sys_enter' and r.startswith('NR 1 '), i_prog + 1)
            i_end = first(lambda t, n, r: n == 'sys_enter' and (r.startswith('NR 231 ') or r.startswith('NR 60 ')), i_brk)
            i_dead = first(lambda t, n, r: n == 'sched_process_exit')
        except (StopIteration, ValueError):
            continue
        us = lambda a, b: (b - a) / mhz
        p = phases[kind[child]]
        p['pre'].append(us(t0, ev[i_exec][0]))
        p['A'].append(us(ev[i_exec][0], ev[i_exe][0]))
        p['B'].append(us(ev[i_exe][0], ev[i_brk][0]))
        p['C'].append(us(ev[i_brk][0], ev[i_end][0]))
        p['D'].append(us(ev[i_end][0], ev[i_dead][0]))
        p['W'].append(us(ev[i_dead][0], t))
        p['total'].append(us(t0, t))
        if not kind[child].startswith('uexec'):
            continue
        k, last, enter = 0, ev[i_exe][0], None
        for te, n, r in ev[i_exe:i_brk]:
            if n == 'sys_enter':
                enter = (te, int(r.split()[1]))
            elif n == 'sys_exit' and enter:
                calls[kind[child]][k].append((enter[1], us(enter[0], te), us(last, enter[0])))
                last, enter, k = te, None, k + 1
    for k in sorted(phases):
        print('%-24s' % k, '  '.join('%s %.1f' % (n, st.median(v)) for n, v in phases[k].items()),
              ' (n=%d)' % len(phases[k]['total']))
    for k in sorted(calls):
        print('\n%s, phase B: # syscall-nr median-us median-us-before' % k)
        tot_d = tot_g = 0.0
        for i in sorted(calls[k]):
            v = calls[k][i]
            nr = collections.Counter(x[0] for x in v).most_common(1)[0][0]
            d, g = st.median(x[1] for x in v), st.median(x[2] for x in v)
            tot_d, tot_g = tot_d + d, tot_g + g
            print('%3d %4d %7.2f %7.2f' % (i, nr, d, g))
        print('sum: in system calls %.1f, between them %.1f' % (tot_d, tot_g))


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: phases.py TRACE')
    main(sys.argv[1])
