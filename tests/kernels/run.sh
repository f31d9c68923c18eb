#!/bin/bash
# tests/kernels/run.sh - the kernel matrix (make check-kernels): boot each
# kernel of tests/kernels/matrix under qemu (TCG) and run the kernel-dependent
# tests of the suite inside it, one TAP report (prove) per kernel.
#
#   run.sh [NAME]...     the kernels of the matrix named (default: all)
#
# Env: B (build dir, built), KERNEL_TESTS (the tests/*.t to run inside),
# KERNELS_CACHE (downloads and unpacked kernels, kept between runs),
# KERNELS_WORK (per-run files: disk images, console logs, TAP), KERNELS_TIMEOUT
# (seconds per kernel).
#
# Each kernel: the package its meta-package depends on in its suite, resolved
# now through a private apt configuration (the system's own sources and lists
# are not touched), downloaded once into the cache and checked against the
# suite's SHA256; an initramfs of busybox, the kernel's own virtio modules and
# tests/kernels/init; the host's root shared read-only with virtiofs (the
# cloud kernels have no 9p); the build directory copied to an ext4 disk image,
# mounted over $B in the guest, so the fixtures run from ext4 (and the probe
# once more from tmpfs), never from the shared file system.
#
# A kernel passes when every test passes and the tests it skips are exactly
# those of tests/kernels/skips/NAME ("TEST: REASON" lines).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${B:=$top/build}"
: "${KERNEL_TESTS:=05-cli 10-probe 20-bad-input 25-limits 30-real-programs 35-self-exe 40-scripts 45-creds 65-regress 70-library}"
: "${KERNELS_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/uexec-kernels}"
: "${KERNELS_WORK:=$top/build-kernels}"
: "${KERNELS_TIMEOUT:=1800}"
B=$(cd "$B" && pwd)

die() { echo "check-kernels: $*" >&2; exit 1; }

# ---- the architectures ---------------------------------------------------
# arch_setup DEBIAN-ARCH: the qemu binary and machine, the kernel's name in
# the package, the consoles (kernel messages; the guest's TAP), the modules
# the guest needs (with what they depend on), the virtio transport's suffix.
arch_setup() {
	case $1 in
	amd64)
		QEMU=qemu-system-x86_64
		# no CMPXCHG16B: QEMU 7.2's TCG leaves %rflags wrong after it in
		# some runs (the kernel's slab allocator then crashes at boot)
		QEMU_MACHINE=(-M pc -accel tcg -cpu max,cx16=off)
		KERNEL_GLOB='boot/vmlinuz-*'
		CONSOLE=ttyS0 RESULTS_TTY=ttyS1
		QEMU_CONSOLES=(-serial "file:$wk/console.log" -serial stdio)
		VIRTIO=pci
		;;
	arm64) # room for the port: no test of the suite runs on arm64 yet
		QEMU=qemu-system-aarch64
		QEMU_MACHINE=(-M virt -accel tcg -cpu max,pauth-impdef=on)
		KERNEL_GLOB='boot/vmlinuz-*'
		CONSOLE=ttyAMA0 RESULTS_TTY=hvc0
		QEMU_CONSOLES=(-serial "file:$wk/console.log" -device virtio-serial-device
			-chardev stdio,id=results -device virtconsole,chardev=results)
		VIRTIO=device
		;;
	*) die "$1: no such architecture in tests/kernels/run.sh" ;;
	esac
	GUEST_MODULES=(virtio_pci virtio_mmio virtio_blk virtio_console fuse virtiofs)
}

need() {
	local t
	for t; do
		command -v "$t" >/dev/null || die "$t not found (.ci/run installs what the matrix needs)"
	done
}

# ---- resolving and fetching the kernels -----------------------------------
apt_dir=$KERNELS_CACHE/apt
apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/none.list" -o "Dir::Etc::sourceparts=$apt_dir/sources"
	-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
	-o "Dir::State::status=$apt_dir/status" -o "APT::Sandbox::User=root")

# apt_update SUITE...: the private lists, fetched again on every run.
apt_update() {
	mkdir -p "$apt_dir/sources" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	: >"$apt_dir/none.list"
	: >"$apt_dir/status"
	local archs
	archs=$(awk '!/^#/ && NF { print $2 }' "$here/matrix" | sort -u | tr '\n' ' ')
	{
		echo "Types: deb"
		echo "URIs: ${KERNELS_MIRROR:-http://deb.debian.org/debian}"
		echo "Suites: $*"
		echo "Components: main"
		echo "Architectures: $archs"
		echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
	} >"$apt_dir/sources/kernels.sources"
	local a
	for a in $archs; do
		[ "$a" = "$(dpkg --print-architecture)" ] || apt_opts+=(-o "APT::Architectures::=$a")
	done
	if ! apt-get "${apt_opts[@]}" -q update >"$KERNELS_WORK/apt-update.log" 2>&1 ||
		grep -qE '^(E:|W: Failed|W: Some index)' "$KERNELS_WORK/apt-update.log"; then
		sed 's/^/  /' "$KERNELS_WORK/apt-update.log" >&2
		die "apt-get update of the suites $* failed (above): the matrix needs http://deb.debian.org"
	fi
}

# field PACKAGE[=VERSION] NAME: one field of its record in the private lists.
field() {
	apt-cache "${apt_opts[@]}" show "$1" 2>/dev/null | awk -v f="$2:" '$1 == f { sub(/^[^:]*: */, ""); print; exit }'
}

# fetch NAME ARCH SUITE META: sets KPKG KVER KDIR (the unpacked package).
fetch() {
	local name=$1 arch=$2 suite=$3 meta=$4 deps deb sha want
	deps=$(field "$meta:$arch/$suite" Depends)
	[ -n "$deps" ] || die "$name: $meta ($arch) is not in $suite"
	read -r KPKG KVER < <(echo "$deps" | tr ',' '\n' |
		sed -n 's/^ *\(linux-image-[^ ]*\) *(= *\([^)]*\)).*/\1 \2/p' | head -n 1)
	[ -n "${KPKG:-}" ] || die "$name: $meta in $suite depends on no linux-image package ($deps)"
	want=$(field "$KPKG:$arch=$KVER" SHA256)
	[ -n "$want" ] ||
		die "$name: $meta $suite depends on $KPKG $KVER, which the mirror's $suite does not list"
	mkdir -p "$KERNELS_CACHE/debs"
	deb=$KERNELS_CACHE/debs/${KPKG}_${KVER//:/%3a}_$arch.deb
	local how=cached
	if [ ! -f "$deb" ] || [ "$(sha256sum <"$deb" | cut -d' ' -f1)" != "$want" ]; then
		rm -f "$deb"
		how=downloaded
		if ! (cd "$KERNELS_CACHE/debs" &&
			apt-get "${apt_opts[@]}" -q download "$KPKG:$arch=$KVER") >"$KERNELS_WORK/$name.download.log" 2>&1; then
			sed 's/^/  /' "$KERNELS_WORK/$name.download.log" >&2
			die "$name: $KPKG $KVER ($suite) could not be downloaded: the mirror no longer has it (above)"
		fi
		deb=$(ls "$KERNELS_CACHE/debs/${KPKG}_"*"_$arch.deb" | head -n 1)
	fi
	sha=$(sha256sum <"$deb" | cut -d' ' -f1)
	[ "$sha" = "$want" ] || die "$name: $deb: sha256 $sha, the suite says $want"
	echo "# kernel $name: $KPKG $KVER ($suite, $arch) sha256 $sha ($how)"
	KDIR=$KERNELS_CACHE/unpacked/${KPKG}_$KVER
	if [ ! -f "$KDIR/.unpacked" ]; then
		rm -rf "$KDIR" && mkdir -p "$KDIR"
		dpkg-deb -x "$deb" "$KDIR"
		touch "$KDIR/.unpacked"
	fi
}

# ---- the guest's initramfs and disk -----------------------------------------
# modules_closure DIR NAME...: the module files NAMEs need, each after what it
# depends on ("depends=" of its .modinfo); built-in ones are left out.
modules_closure() {
	local dir=$1 m
	shift
	declare -A seen=()
	declare -A file=()
	local f b
	while read -r f; do
		b=${f##*/}; b=${b%%.ko*}; b=${b//-/_}
		file[$b]=$f
	done < <(find "$dir" -name '*.ko*')
	visit() {
		local m=${1//-/_} d
		[ -n "${seen[$m]:-}" ] && return
		seen[$m]=1
		[ -n "${file[$m]:-}" ] || return 0 # built in
		for d in $(modinfo_depends "${file[$m]}"); do visit "$d"; done
		echo "${file[$m]}"
	}
	for m; do visit "$m"; done
}

# modinfo_depends FILE: the modules FILE depends on.
modinfo_depends() {
	case $1 in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -dc "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n 1 | tr ',' ' '
}

# make_initramfs OUT: busybox, the modules, /init and its settings.
make_initramfs() {
	local out=$1 root=$wk/initramfs f n=0 mods
	rm -rf "$root" && mkdir -p "$root/bin" "$root/lib/modules" "$root/dev" "$root/proc" \
		"$root/sys" "$root/host" "$root/tmp"
	cp "$BUSYBOX" "$root/bin/busybox"
	cp "$here/init" "$root/init" && chmod 755 "$root/init"
	mods=$(modules_closure "$KDIR/lib/modules" "${GUEST_MODULES[@]}")
	for f in $mods; do
		n=$((n + 1))
		case $f in
		*.xz) xz -dc "$f" ;;
		*.zst) zstd -dc "$f" ;;
		*) cat "$f" ;;
		esac >"$root/lib/modules/$(printf %02d $n)-$(basename "${f%%.ko*}").ko"
	done
	{
		printf 'WT=%q\nB=%q\nTESTS=%q\nRESULTS_TTY=%q\nKERNEL_NAME=%q\nHOSTPATH=%q\nHOSTHOME=%q\n' \
			"$top" "$B" "$KERNEL_TESTS" "$RESULTS_TTY" "$name" "$PATH" "$HOME"
	} >"$root/settings"
	(cd "$root" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null) >"$out"
}

# make_disk OUT: an ext4 image holding the build directory.
make_disk() {
	local out=$1 size
	size=$(du -sm "$B" | cut -f1)
	rm -f "$out"
	truncate -s $((size * 2 + 512))M "$out"
	mke2fs -q -F -t ext4 -E root_owner=0:0 -d "$B" "$out"
}

# ---- one kernel ---------------------------------------------------------------
# boot NAME: run the tests inside; the guest's output in $wk/guest.out.
boot() {
	local sock=$wk/virtiofs.sock vpid rc=0
	rm -f "$sock"
	mkdir -p "$wk/hostroot"
	# virtiofsd serves a read-only bind of / (this mount namespace only; the
	# host's other mounts are not in it); where mount namespaces cannot be
	# made, / itself, which the guest mounts read-only
	local ro=1
	unshare -m --propagation private sh -c 'mount --bind / "$1" && mount -o remount,bind,ro "$1"' \
		sh "$wk/hostroot" 2>/dev/null || ro=0
	if [ $ro = 1 ]; then
		unshare -m --propagation private sh -c '
			mount --bind / "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"' \
			sh "$wk/hostroot" "$VIRTIOFSD" --socket-path="$sock" -o source="$wk/hostroot" \
			-o cache=always -o sandbox=namespace -o log_level=warn >"$wk/virtiofsd.log" 2>&1 &
	else
		"$VIRTIOFSD" --socket-path="$sock" -o source=/ -o cache=always -o sandbox=namespace \
			-o log_level=warn >"$wk/virtiofsd.log" 2>&1 &
	fi
	vpid=$!
	local i
	for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
	[ -S "$sock" ] || { cat "$wk/virtiofsd.log" >&2; die "$name: virtiofsd did not start"; }
	# (in a subshell whose "times" gives qemu's CPU time: the machine's
	# load shows as wall time over CPU time)
	(timeout --foreground "$KERNELS_TIMEOUT" "$QEMU" "${QEMU_MACHINE[@]}" -smp 2 -m 1G \
		-nodefaults -no-user-config -display none -no-reboot \
		-object memory-backend-memfd,id=mem,size=1G,share=on -machine memory-backend=mem \
		-kernel "$kernel" -initrd "$wk/initramfs.cpio" \
		-append "console=$CONSOLE panic=-1 quiet rdinit=/init" \
		-drive "file=$wk/disk.img,format=raw,if=none,id=disk,cache=unsafe" \
		-device "virtio-blk-$VIRTIO,drive=disk" \
		-chardev "socket,id=vfs,path=$sock" -device "vhost-user-fs-$VIRTIO,chardev=vfs,tag=hostroot" \
		"${QEMU_CONSOLES[@]}" </dev/null | sed -u 's/\r$//' | tee "$wk/guest.out" |
		awk '/^## end / { print "#   " $3 ": status " $5 ", " $6 " s"; fflush() }'
	 st=$?; times >"$wk/times"; exit $st) || rc=$?
	tail -n 1 "$wk/times" | awk '{ for (i = 1; i <= 2; i++) {
		split($i, a, "m"); sub("s", "", a[2]); t += a[1] * 60 + a[2] } printf "%d\n", t }' >"$wk/cpu"
	kill "$vpid" 2>/dev/null || true
	wait "$vpid" 2>/dev/null || true
	[ "$rc" = 124 ] && echo "not ok - $name: the guest did not finish in ${KERNELS_TIMEOUT}s" >>"$wk/guest.out"
	return 0
}

# report: split the guest's output into one TAP file per test, run prove on
# them and compare the skips with the list.  Returns 1 when the kernel fails.
report() {
	local tap=$wk/tap fail=0
	rm -rf "$tap" && mkdir -p "$tap"
	awk -v dir="$tap" '
		/^## begin / { t = $3; f = dir "/" t ".t"; printf "" >f; next }
		/^## end / { if (t != "" && $5 != 0) { print "not ok - " t " exited with status " $5 >>f }
			close(f); done[t] = 1; t = ""; next }
		t != "" { print >>f }
		END { if (t != "") print "not ok - the guest stopped inside " t >>f }' "$wk/guest.out"
	local t
	for t in $KERNEL_TESTS $([[ " $KERNEL_TESTS " == *" 10-probe "* ]] && echo 10-probe@tmpfs); do
		[ -f "$tap/$t.t" ] || echo "not ok - $t did not run (see $wk/console.log)" >"$tap/$t.t"
	done
	if ! grep -q '^## all done' "$wk/guest.out"; then
		echo "# $name: the guest did not finish; its console:"
		tail -n 30 "$wk/console.log" | sed 's/^/#   /'
		fail=1
	fi
	(cd "$tap" && prove -e cat ./*.t) || fail=1
	# the skips, "TEST: REASON", against the kernel's list
	for t in "$tap"/*.t; do
		sed -n "s|^ok [0-9]* # skip \(.*\)|$(basename "$t" .t): \1|p" "$t"
	done | sort >"$wk/skips"
	local list=$here/skips/$name
	# (those of the tests that ran: KERNEL_TESTS may name fewer)
	local ran
	ran=$(cd "$tap" && ls -- *.t | sed 's/\.t$//')
	grep -v -e '^#' -e '^$' "$list" 2>/dev/null | awk -v ran="$ran" '
		BEGIN { n = split(ran, r, "\n"); for (i = 1; i <= n; i++) in_run[r[i]] = 1 }
		{ t = $0; sub(/: .*/, "", t); if (t in in_run) print }' | sort >"$wk/skips.want"
	if ! diff -u "$wk/skips.want" "$wk/skips" >"$wk/skips.diff"; then
		echo "# $name: the skips differ from tests/kernels/skips/$name (- listed, + skipped):"
		sed -n 's/^\([-+][^-+].*\)/#   \1/p' "$wk/skips.diff"
		fail=1
	fi
	return $fail
}

# ---- the matrix ----------------------------------------------------------------
mkdir -p "$KERNELS_WORK" "$KERNELS_CACHE"
need apt-get apt-cache dpkg-deb mke2fs unshare timeout prove xz sha256sum readelf
VIRTIOFSD=${VIRTIOFSD:-/usr/lib/qemu/virtiofsd}
[ -x "$VIRTIOFSD" ] || die "$VIRTIOFSD not found (qemu-system-common, QEMU 7.2)"
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] && ! readelf -l "$BUSYBOX" | grep -q INTERP ||
	die "$BUSYBOX is not a static busybox (busybox-static)"
[ -x "$B/uexec" ] || die "$B/uexec: build first (make check builds the fixtures)"

selected=("$@")
rows=()
while read -r name arch suite meta; do
	case $name in '#'* | '') continue ;; esac
	if [ ${#selected[@]} -gt 0 ] && [[ " ${selected[*]} " != *" $name "* ]]; then continue; fi
	rows+=("$name $arch $suite $meta")
done <"$here/matrix"
[ ${#rows[@]} -gt 0 ] || die "no kernel of tests/kernels/matrix is named ${selected[*]}"

suites=$(printf '%s\n' "${rows[@]}" | awk '{ print $3 }' | sort -u | tr '\n' ' ')
apt_update $suites

start=$SECONDS
failed=()
summary=()
for row in "${rows[@]}"; do
	read -r name arch suite meta <<<"$row"
	wk=$KERNELS_WORK/$name
	rm -rf "$wk" && mkdir -p "$wk"
	arch_setup "$arch"
	need "$QEMU"
	fetch "$name" "$arch" "$suite" "$meta"
	kernel=$(ls $KDIR/$KERNEL_GLOB | head -n 1)
	t0=$SECONDS
	make_initramfs "$wk/initramfs.cpio"
	make_disk "$wk/disk.img"
	echo "# kernel $name: booting $(basename "$kernel") ($QEMU ${QEMU_MACHINE[*]} -smp 2 -m 1G)"
	boot
	if report; then
		summary+=("ok - kernel $name ($KPKG $KVER): $((SECONDS - t0)) s, qemu $(cat "$wk/cpu") s CPU")
	else
		summary+=("not ok - kernel $name ($KPKG $KVER): $((SECONDS - t0)) s, qemu $(cat "$wk/cpu") s CPU; files in $wk")
		failed+=("$name")
	fi
done
echo "# kernel matrix: ${#rows[@]} kernels in $((SECONDS - start)) s"
printf '%s\n' "${summary[@]}"
[ ${#failed[@]} -eq 0 ] || die "failed on ${failed[*]}"
