#!/usr/bin/env python3
"""ranges.py PLAN.json KERNEL.txt... - the ranges a randomised
`uexec --plan=json PROGRAM` gives (its "ranges") against the kernel's own
execs of PROGRAM (tests/plan/atexec's outputs, randomised): each run's stack
top (the [stack] VMA's end), the PIE's first page, the end of the
interpreter's image (or a static-pie's: the top-down allocator puts it right
below mmap_base), the vDSO's end, and brk's start must lie in them; the
runs must differ (randomisation happened), and with 16 runs or more fall in
both halves of each range (one too wide or shifted does not).  Prints what it checked, or each
address outside its range; exit 1 on any."""
import json
import sys

plan = json.load(open(sys.argv[1]))
runs = sys.argv[2:]
r = plan.get("ranges")
if plan["addresses"] != "sample" or not r:
    print("the plan is not a randomised one")
    sys.exit(1)
PAGE = 4096


def name_at(addr):
    for m in plan["maps"]:
        if m["start"] <= addr < m["end"]:
            return m["name"]
    return None


def image(kmaps, name):
    """start, end of an image in the kernel's maps: its VMAs, and the
    anonymous bss right after the last."""
    mine = [m for m in kmaps if m[2] == name]
    if not mine:
        return None
    lo, hi = mine[0][0], mine[-1][1]
    for m in kmaps:
        if m[0] == hi and m[2] == "":
            hi = m[1]
    return lo, hi


objs = plan["objects"]
prog = objs[0]
prog_name = name_at(prog["entry"])
interp_name = name_at(objs[1]["entry"]) if len(objs) > 1 else None
static_pie = prog["type"] == "ET_DYN" and interp_name is None
align = max([p["align"] for p in prog["phdrs"] if p["type"] == "LOAD"] + [PAGE])
bad, seen, halves = [], {}, {}


def within(what, v, lo, hi, run, spread=True):
    seen.setdefault(what, set()).add(v)
    if spread:  # which half of the range: a uniform draw falls in each
        halves.setdefault(what, [lo, hi, set()])[2].add(v - lo >= (hi - lo) / 2)
    if not lo <= v <= hi:
        bad.append("%s: %s %#x is outside [%#x, %#x]" % (run, what, v, lo, hi))


for run in runs:
    kmaps, kbrk = [], None
    for line in open(run):
        f = line.split()
        if f[0] == "brk":
            kbrk = int(f[1])
        elif "-" in f[0]:
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            kmaps.append((lo, hi, line.split(None, 5)[5].strip() if len(f) > 5 else ""))
    stack = [m for m in kmaps if m[2] == "[stack]"]
    vdso = [m for m in kmaps if m[2] == "[vdso]"]
    pimg = image(kmaps, prog_name)
    if not stack or not vdso or not pimg or kbrk is None:
        bad.append("%s: no [stack], [vdso], program or brk in the kernel's output" % run)
        continue
    within("stack top", stack[0][1], r["stack_top"]["lo"], r["stack_top"]["hi"], run)
    within("vDSO end", vdso[0][1], 0, r["mmap_base"]["hi"], run, spread=False)
    if "pie_base" in r:
        within("PIE base", pimg[0], r["pie_base"]["lo"], r["pie_base"]["hi"], run)
    if interp_name:
        iimg = image(kmaps, interp_name)
        if not iimg:
            bad.append("%s: the interpreter %s is not mapped" % (run, interp_name))
        else:
            within("interpreter end", iimg[1], r["mmap_base"]["lo"], r["mmap_base"]["hi"], run)
    if static_pie:
        within("static-pie end", pimg[1], r["mmap_base"]["lo"] - (align - PAGE), r["mmap_base"]["hi"], run)
    if "brk_start" in r:
        b = r["brk_start"]
        if b["above_program_end"]:
            within("brk start above the program's end", kbrk - pimg[1], b["lo"], b["hi"], run)
        else:
            within("brk start", kbrk, b["lo"], b["hi"], run)
# a range much wider than the kernel's draws, or shifted, leaves one half
# empty (2^-N likely for a right one)
for what, (lo, hi, h) in halves.items():
    if len(runs) >= 16 and len(h) < 2:
        bad.append("%s: %d runs all in the %s half of [%#x, %#x]: the range is not the kernel's"
                   % (what, len(runs), "upper" if True in h else "lower", lo, hi))
for line in bad:
    print(line)
varied = [w for w, s in seen.items() if len(s) > 1]
if "stack top" not in varied:
    print("the stack top did not vary over %d runs: no randomisation" % len(runs))
    bad.append("no variation")
if not bad:
    print("%d runs: %s in the ranges, each varied" % (len(runs), ", ".join(sorted(seen))))
sys.exit(1 if bad else 0)
