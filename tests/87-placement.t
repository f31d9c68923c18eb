#!/bin/bash
# 87-placement.t - where an interpreter or a static-pie of 2 MiB or more
# goes, kernel and uexec side by side, on two kinds of file system.  Some
# (ext4 on this machine's kernel) place such a file mapping 2 MiB-aligned,
# others (tmpfs) page-aligned; the vDSO then goes above the image or below.
# Fixtures, made here: a static-pie with a 24 MiB bss, a PIE whose PT_INTERP
# is a copy of ld.so with 4 MiB more bss (./uxld.so, so the copy on each file
# system is the one used), as a small program that says whether its image is
# 2 MiB-aligned and where the vDSO is, and as the differential probe.
# Per file system and fixture: randomised, the command and the library give
# what the kernel gives in every run (aligned or not, vDSO above or below);
# with no randomisation (setarch -R, uexec -R, the library under setarch -R)
# the probe's output is the kernel's, exact addresses included.
# The file systems: a directory on ext4 (this one's or /tmp's, else a
# loop-mounted image, as root) and on tmpfs (a mount of its own, as root,
# else /dev/shm); a case without one skips with the reason.
# Env: UEXEC, B.
set -u
: "${UEXEC:?UEXEC must name the uexec command}" "${B:?B must name the build directory}"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.bash"

PROBES=$B/fixtures/probe
EXECVE=$B/examples/execve
fixtures=(spie-big pie-bigld)
per_fs=10
echo "1..$((2 * per_fs))"

tmp=$(mktemp -d /tmp/uexec-place.XXXXXX)
chmod 755 "$tmp"
mounts=()
cleanup() {
	local m
	cd /
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
	rm -rf "$tmp" "${ext4dir:-}" "${shmdir:-}"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ---- the fixtures -----------------------------------------------------------
cat >"$tmp/place.c" <<'C'
#include <stdio.h>
#include <sys/auxv.h>
#ifdef BIG
char big[24 << 20];
#endif
int main(void)
{
	unsigned long base = getauxval(AT_BASE), vdso = getauxval(AT_SYSINFO_EHDR);

	if (!base) /* a static-pie: its own first page */
		base = getauxval(AT_PHDR) & ~0xfffUL;
#ifdef BIG
	big[0] = 1;
#endif
	printf("aligned=%d vdso=%s\n", !(base & 0x1fffff), vdso > base ? "above" : "below");
	return 0;
}
C
# patch.py bss|interp IN OUT ARG: more bss in the last PT_LOAD, or PT_INTERP
cat >"$tmp/patch.py" <<'PY'
import struct, sys
mode, src, dst, arg = sys.argv[1:5]
d = bytearray(open(src, 'rb').read())
phoff, = struct.unpack_from('<Q', d, 32)
phnum, = struct.unpack_from('<H', d, 56)
last = None
for i in range(phnum):
    o = phoff + 56 * i
    t, = struct.unpack_from('<I', d, o)
    if t == 1:
        last = o
    if t == 3 and mode == 'interp':
        off, = struct.unpack_from('<Q', d, o + 8)
        size, = struct.unpack_from('<Q', d, o + 32)
        s = arg.encode() + b'\0'
        assert len(s) <= size
        d[off:off + size] = s + b'\0' * (size - len(s))
if mode == 'bss':
    memsz, = struct.unpack_from('<Q', d, last + 40)
    struct.pack_into('<Q', d, last + 40, memsz + int(arg))
open(dst, 'wb').write(d)
PY
ldso=$(readelf -l /bin/true | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
mk() {
	cc -O2 -fPIE -static-pie -DBIG -o "$tmp/fx/spie-big" "$tmp/place.c" &&
	cc -O2 -fPIE -pie -o "$tmp/pie" "$tmp/place.c" &&
	python3 "$tmp/patch.py" bss "$ldso" "$tmp/fx/uxld.so" $((4 << 20)) &&
	python3 "$tmp/patch.py" interp "$tmp/pie" "$tmp/fx/pie-bigld" ./uxld.so &&
	python3 "$tmp/patch.py" bss "$PROBES/glibc-spie" "$tmp/fx/probe-spie-big" $((24 << 20)) &&
	python3 "$tmp/patch.py" interp "$PROBES/glibc-pie" "$tmp/fx/probe-pie-bigld" ./uxld.so &&
	chmod 755 "$tmp"/fx/*
}
mkdir "$tmp/fx"
if ! mk 2>"$tmp/mk.err"; then
	for _ in $(seq 1 $((2 * per_fs))); do not_ok_file "placement fixtures" "$tmp/mk.err"; done
	exit 0
fi

# ---- the file systems ----------------------------------------------------
fstype() { stat -f -c %T "$1"; }
is_root=0
[ "$(id -u)" = 0 ] && is_root=1
ext4dir= ext4why=
for d in "$B" /tmp; do
	if [ "$(fstype "$d")" = ext2/ext3 ]; then
		ext4dir=$(mktemp -d "$d/uexec-place-ext4.XXXXXX" 2>/dev/null) && break
	fi
done
if [ -z "$ext4dir" ] && [ $is_root = 1 ] && command -v mkfs.ext4 >/dev/null; then
	truncate -s 128M "$tmp/ext4.img" && mkfs.ext4 -q -F "$tmp/ext4.img" &&
		mkdir "$tmp/ext4" && mount -o loop "$tmp/ext4.img" "$tmp/ext4" &&
		mounts+=("$tmp/ext4") && ext4dir=$tmp/ext4/d && mkdir "$ext4dir"
fi
[ -z "$ext4dir" ] && ext4why="no ext4 here (the build directory and /tmp are not; a loop mount needs root and mkfs.ext4)"
shmdir= shmwhy=
if [ $is_root = 1 ] && mkdir "$tmp/tmpfs" && mount -t tmpfs -o mode=755 tmpfs "$tmp/tmpfs"; then
	mounts+=("$tmp/tmpfs")
	shmdir=$tmp/tmpfs
elif [ "$(fstype /dev/shm 2>/dev/null)" = tmpfs ]; then
	shmdir=$(mktemp -d /dev/shm/uexec-place.XXXXXX)
	chmod 755 "$shmdir"
	cp "$tmp/fx/spie-big" "$shmdir/x" && "$shmdir/x" >/dev/null 2>&1 ||
		{ shmwhy="/dev/shm cannot run programs (noexec)"; rm -rf "$shmdir"; shmdir=; }
	rm -f "${shmdir:-/nonexistent}/x"
else
	shmwhy="no tmpfs (a mount of its own needs root; no /dev/shm)"
fi

# ---- the comparisons --------------------------------------------------------
# runs N CMD...: CMD run N times, what holds in all of them: the image
# 2 MiB-aligned every time or not (a page-aligned placement is aligned by
# chance once in 512), the vDSO ever above it or never (above only when the
# random room above an aligned image fits it)
runs() {
	local k=$1 out
	shift
	out=$(for _ in $(seq "$k"); do "$@" 2>&1; done)
	if [ "$(grep -c '^aligned=1 ' <<<"$out")" = "$k" ]; then
		printf 'always 2 MiB-aligned'
	elif [ "$(grep -c '^aligned=[01] ' <<<"$out")" = "$k" ]; then
		printf 'not always 2 MiB-aligned'
	else
		printf 'failed: %s' "$(head -n 2 <<<"$out" | tr '\n' ' ')"
	fi
	grep -q 'vdso=above' <<<"$out" && printf ', vDSO above' || printf ', vDSO never above'
}

# The hand-off page dropped, as in tests/10-probe.t, and /proc/self/exe
# when this shell cannot make it exact (tests/tap.bash can_set_exe).
prefixes=
can_set_exe || prefixes=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' \
	"$here/probe/unprivileged-keys")
filter() {
	awk '/^maps\.loader\.0=/ { next }
		/^maps\.loader\.count=1$/ { print "maps.loader.count=0"; next }
		{ print }' "$1" | drop_keys "$prefixes" | LC_ALL=C sort
}
probe_same() { # NAME KERNEL-CMD... -- UEXEC-CMD...
	local name=$1 k=() u=()
	shift
	while [ "$1" != -- ]; do k+=("$1"); shift; done
	shift
	u=("$@")
	run_fixed "$tmp/k" "${k[@]}"
	run_fixed "$tmp/u" "${u[@]}"
	if diff <(filter "$tmp/k") <(filter "$tmp/u") >"$tmp/why" &&
		[ "$(cat "$tmp/k.rc")" = "$(cat "$tmp/u.rc")" ] && grep -q '^R\.sp=' "$tmp/k"; then
		ok "$name"
	else
		{ echo "status: kernel $(cat "$tmp/k.rc"), uexec $(cat "$tmp/u.rc")"
		  head -n 3 "$tmp/u.err"; } >>"$tmp/why"
		not_ok_file "$name" "$tmp/why"
	fi
}

on_fs() { # LABEL DIR WHY-NOT
	local label=$1 dir=$2 why=$3 f k u l kind
	if [ -z "$dir" ]; then
		for _ in $(seq 1 $per_fs); do skip "$label: $why"; done
		return
	fi
	cp -p "$tmp"/fx/* "$dir/"
	cd "$dir" || return
	kind=$(fstype .)
	for f in "${fixtures[@]}"; do
		k=$(runs 5 "./$f")
		u=$(runs 5 "$UEXEC" "./$f")
		l=$(runs 5 "$EXECVE" "./$f")
		[ "$k" = "$u" ] && ok "$label ($kind): $f randomised, uexec: $u" ||
			not_ok "$label ($kind): $f randomised, uexec" "kernel: $k" "uexec:  $u"
		[ "$k" = "$l" ] && ok "$label ($kind): $f randomised, library: $l" ||
			not_ok "$label ($kind): $f randomised, library" "kernel: $k" "library: $l"
		probe_same "$label ($kind): probe-$f, uexec -R == setarch -R" \
			setarch -R "./probe-$f" -- "$UEXEC" -R "./probe-$f"
		probe_same "$label ($kind): probe-$f, setarch -R uexec == setarch -R" \
			setarch -R "./probe-$f" -- setarch -R "$UEXEC" "./probe-$f"
		probe_same "$label ($kind): probe-$f, setarch -R library == setarch -R" \
			setarch -R "./probe-$f" -- setarch -R "$EXECVE" "./probe-$f"
	done
	cd / || return
}
on_fs ext4 "$ext4dir" "$ext4why"
on_fs tmpfs "$shmdir" "$shmwhy"
