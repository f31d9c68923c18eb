#!/usr/bin/env python3
"""sections.py UEXEC DIR... - the section-to-segment mapping of every ELF file
in each DIR and its subdirectories (regular files, not symbolic links), from `uexec --plan=json --summary` against readelf
-lW's "Section to Segment mapping".  Both read the files in batches (one
process per batch); prints each difference and, last, the count; exit 1 on
any difference or if no file was compared."""
import json
import os
import re
import subprocess
import sys

uexec, dirs = sys.argv[1], sys.argv[2:]
files = []
for d in dirs:
    for root, subdirs, names in os.walk(d):  # as find DIR -type f
        subdirs.sort()
        for e in sorted(names):
            p = os.path.join(root, e)
            if os.path.isfile(p) and not os.path.islink(p):
                try:
                    with open(p, "rb") as f:
                        if f.read(4) == b"\x7fELF":
                            files.append(p)
                except OSError:
                    pass

def batches(n=200):
    for i in range(0, len(files), n):
        yield files[i:i + n]

# readelf: "File: PATH" (several files), then the mapping rows "   NN     names"
want = {}
for b in batches():
    out = subprocess.run(["readelf", "-lW"] + b, capture_output=True, text=True).stdout
    cur, in_map = None, False
    if len(b) == 1:
        cur = b[0]
        want[cur] = {}
    for line in out.splitlines():
        m = re.match(r"^File: (.*)$", line)
        if m:
            cur, in_map = m.group(1), False
            want[cur] = {}
            continue
        if line.startswith(" Section to Segment mapping:"):
            in_map = True
            continue
        m = re.match(r"^   (\d\d)     ?(.*)$", line)
        if in_map and m and cur is not None:
            want[cur][int(m.group(1))] = m.group(2).split()
        elif in_map and line.strip() == "":
            in_map = False

got, skipped = {}, {}
for b in batches():
    out = subprocess.run([uexec, "--plan=json", "--summary"] + b, capture_output=True, text=True)
    doc = json.loads(out.stdout)
    for f in doc["files"]:
        if "skipped" in f:
            skipped[f["path"]] = f["skipped"]
        else:
            got[f["path"]] = {p["index"]: p["sections"] for p in f["phdrs"]}

bad = compared = elf32 = nophdr = 0
for path, segs in want.items():
    if not segs:
        nophdr += 1  # readelf: no program headers (a relocatable object)
        continue
    if path not in got:
        # uexec plans ELF64 only: a 32-bit file is the one allowed gap
        if not skipped.get(path, "").startswith("ELF32"):
            bad += 1
            print("%s: readelf maps it, uexec skipped it: %s" % (path, skipped.get(path)))
        else:
            elf32 += 1
        continue
    compared += 1
    if segs != got[path]:
        bad += 1
        for i in sorted(set(segs) | set(got[path])):
            if segs.get(i) != got[path].get(i):
                print("%s: segment %02d: readelf %s, uexec %s" %
                      (path, i, segs.get(i), got[path].get(i)))
print("%d ELF files found, %d compared (%d without program headers, %d ELF32 not read), %d differ"
      % (len(files), compared, nophdr, elf32, bad))
sys.exit(1 if bad or not compared else 0)
