#!/usr/bin/env python3
"""packed.py UEXEC PAGE ALIGNED FILE... - the pages each FILE's contents take
packed one segment per permission set (README, "merge saving"), computed
here from readelf -hW and -SW (which section is in which PT_LOAD: uexec's
own list, which tests/plan/sections.py checks against readelf), against
`uexec --plan=json --summary --page-size=PAGE`'s pages_packed.  ALIGNED ("-":
none) is one of the FILEs whose figure must change if sh_addralign were
ignored (so this check can fail).  Prints the count; each difference; exit 1 on any."""
import json
import re
import subprocess
import sys

uexec, page, aligned, files = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
doc = json.loads(subprocess.run([uexec, "--plan=json", "--summary", "--page-size=%d" % page] + files,
                                capture_output=True, text=True, check=True).stdout)
SEC = re.compile(r"^\s*\[\s*(\d+)\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*)\s+\d+\s+\d+\s+(\d+)$")


def pages(n):
    return -(-n // page)


def packed(path, obj, honour_align=True):
    head = subprocess.run(["readelf", "-hW", path], capture_output=True, text=True).stdout
    phoff = int(re.search(r"Start of program headers:\s+(\d+)", head).group(1))
    phnum = int(re.search(r"Number of program headers:\s+(\d+)", head).group(1))
    hdr_hi = phoff + 56 * phnum
    loads = [p for p in obj["phdrs"] if p["type"] == "LOAD"]
    size = {}
    for p in loads:
        if not obj["sections"]:
            size[p["flags"]] = size.get(p["flags"], 0) + p["memsz"]
        elif p["offset"] == 0 and p["filesz"] >= hdr_hi:
            size[p["flags"]] = size.get(p["flags"], 0) + hdr_hi
    secs = []
    for line in subprocess.run(["readelf", "-SW", path], capture_output=True, text=True).stdout.splitlines():
        m = SEC.match(line)
        if m and "A" in m.group(5):
            secs.append((int(m.group(3), 16), int(m.group(1)), m.group(2), int(m.group(4), 16), int(m.group(6))))
    for addr, index, name, sz, al in sorted(secs):
        for p in loads:
            if name in p["sections"]:
                at = size.get(p["flags"], 0)
                if honour_align and al > 1:
                    at = -(-at // al) * al
                size[p["flags"]] = at + sz
                break
    return sum(pages(v) for v in size.values())


bad = compared = 0
for obj in doc["files"]:
    if "skipped" in obj:
        continue
    compared += 1
    want = packed(obj["path"], obj)
    if want != obj["waste"]["pages_packed"]:
        bad += 1
        print("%s at %#x: packed %d pages, uexec says %d" % (obj["path"], page, want, obj["waste"]["pages_packed"]))
    if obj["path"] == aligned and packed(obj["path"], obj, honour_align=False) == want:
        bad += 1
        print("%s: its sections' alignment does not change the figure at %#x" % (aligned, page))
print("%d files at %#x" % (compared, page))
sys.exit(1 if bad or not compared else 0)
