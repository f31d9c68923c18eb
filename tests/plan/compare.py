#!/usr/bin/env python3
"""compare.py [NAME PLAN.json KERNEL.txt]... - for each triple, uexec --plan=json against what the kernel
built (tests/plan/atexec's output): the program's and interpreter's VMAs, the
stack and the vDSO (the kernel's [vvar] and [vvar_vclock] as one [vvar]) VMA
for VMA (start, end, perms, offset, name), the auxv entry for entry, brk
start, stack top and %rsp, and the stack's layout (layout() below).  Prints "ok NAME" or "not ok NAME" and the
differences, one line each after it, starting with "#"."""
import json
import sys



def show(m):
    return "%x-%x %s %08x %s" % m


def compare(plan_file, kernel_file):
    diffs = []

    def differ(what, want, got):
        diffs.append("%s: kernel %s, plan %s" % (what, want, got))

    plan = json.load(open(plan_file))
    names = {m["name"] for m in plan["maps"] if m["name"] and not m["name"].startswith("[")}
    kmaps, kauxv, kbrk, ksp, kstrings = [], [], None, None, {}
    for line in open(kernel_file):
        f = line.split()
        if f[0] == "auxv":
            kauxv.append((int(f[1]), int(f[2])))
        elif f[0] == "brk":
            kbrk = int(f[1])
        elif f[0] == "sp":
            ksp = int(f[1])
        elif f[0] in ("args", "env"):
            kstrings[f[0]] = (int(f[1]), int(f[2]))
        else:
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            name = line.split(None, 5)[5].strip() if len(f) > 5 else ""
            if name.startswith("[vvar"):
                name = "[vvar]"
                if kmaps and kmaps[-1][4] == "[vvar]" and kmaps[-1][1] == lo:
                    kmaps[-1] = (kmaps[-1][0], hi, f[1], int(f[2], 16), name)
                    continue
            if name in names or name in ("", "[stack]", "[vdso]", "[vvar]"):
                kmaps.append((lo, hi, f[1], int(f[2], 16), name))
    pmaps = [(m["start"], m["end"], m["perms"], m["offset"], m["name"]) for m in plan["maps"]]
    pauxv = [(a["type"], a["value"]) for a in plan["auxv"]]


    for i in range(max(len(kmaps), len(pmaps))):
        k = kmaps[i] if i < len(kmaps) else None
        p = pmaps[i] if i < len(pmaps) else None
        if k != p:
            differ("VMA %d" % i, show(k) if k else "none", show(p) if p else "none")
    if kauxv != pauxv:
        differ("auxv", kauxv, pauxv)
    if kbrk != plan["brk_start"]:
        differ("brk start", hex(kbrk or 0), hex(plan["brk_start"]))
    stack = [m for m in kmaps if m[4] == "[stack]"]
    if not stack or stack[0][1] != plan["stack"]["top"]:
        differ("stack top", stack and hex(stack[0][1]), hex(plan["stack"]["top"]))
    if ksp != plan["stack"]["sp"]:
        differ("%rsp", hex(ksp or 0), hex(plan["stack"]["sp"]))
    diffs += layout(plan, dict(kauxv), kstrings, ksp)
    if len(kmaps) < 3:
        differ("kernel VMAs compared", len(kmaps), "at least 3")
    return diffs


PARTS = ["end", "execfn", "env_strings", "arg_strings", "gap", "platform", "random",
         "padding", "auxv", "envp", "argv", "argc"]


def layout(plan, kauxv, kstrings, ksp):
    """The stack's layout: its parts in order, back to back from the top
    down to %rsp, and where the kernel has them: the argument and
    environment strings (/proc/PID/stat), the execfn, platform string and
    random bytes (their auxv entries), auxv after argv and envp."""
    diffs = []
    st = plan["stack"]
    rows = st["layout"]
    part = {r["part"]: r for r in rows}
    if [r["part"] for r in rows] != PARTS:
        return ["stack layout parts: %s" % [r["part"] for r in rows]]
    end = st["top"]
    for r in rows:
        if r["at"] + r["size"] != end:
            diffs.append("stack layout: %s ends at %#x, not at %#x" % (r["part"], r["at"] + r["size"], end))
        end = r["at"]
    want = {
        "arg_strings at, size": kstrings.get("args") and (kstrings["args"][0], kstrings["args"][1] - kstrings["args"][0]),
        "env_strings at, size": kstrings.get("env") and (kstrings["env"][0], kstrings["env"][1] - kstrings["env"][0]),
        "execfn at, size": (kauxv.get(31), len(st["execfn"].encode()) + 1),
        "platform at": kauxv.get(15),
        "random at, size": (kauxv.get(25), 16),
        "argc at": ksp,
        "auxv at, size": (ksp + 8 * (st["argc"] + st["envc"] + 3), 16 * len(kauxv) if ksp else None),
    }
    got = {
        "arg_strings at, size": (part["arg_strings"]["at"], part["arg_strings"]["size"]),
        "env_strings at, size": (part["env_strings"]["at"], part["env_strings"]["size"]),
        "execfn at, size": (part["execfn"]["at"], part["execfn"]["size"]),
        "platform at": part["platform"]["at"],
        "random at, size": (part["random"]["at"], part["random"]["size"]),
        "argc at": part["argc"]["at"],
        "auxv at, size": (part["auxv"]["at"], part["auxv"]["size"]),
    }
    for k in want:
        if want[k] != got[k]:
            diffs.append("stack %s: kernel %s, plan %s" % (k, want[k], got[k]))
    for i, a in enumerate(plan["auxv"]):
        if a["at"] != part["auxv"]["at"] + 16 * i:
            diffs.append("auxv entry %d at %#x, not %#x" % (i, a["at"], part["auxv"]["at"] + 16 * i))
    return diffs


for k in range(1, len(sys.argv) - 2, 3):
    name = sys.argv[k]
    try:
        d = compare(sys.argv[k + 1], sys.argv[k + 2])
    except Exception as e:  # an unreadable plan or kernel side
        d = ["cannot compare: %r" % e]
    print(("not ok " if d else "ok ") + name)
    for line in d:
        print("# " + line)
