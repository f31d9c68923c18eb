#!/bin/bash
# tests/kernels/guest.sh - inside the kernel matrix's guest (tests/kernels/init
# runs it in the host's root, $B on an ext4 disk): each test of $TESTS, its
# TAP between "## begin TEST" and "## end TEST status N" (its stderr as TAP
# comments), then the probe once more with $B on tmpfs, then "## all done".
set -u
cd "$WT" || exit 1
export UEXEC=$B/uexec B

# run NAME SCRIPT
run() {
	local rc t0=$SECONDS
	echo "## begin $1"
	bash "$2" 2>/tmp/stderr
	rc=$?
	sed 's/^/# stderr: /' /tmp/stderr | head -n 40
	echo "## end $1 status $rc $((SECONDS - t0)) s"
}

echo "# guest: $(uname -r), $(nproc) CPUs, $B on $(stat -f -c %T "$B")"
for t in $TESTS; do
	run "$t" "tests/$t.t"
done
# where files are placed depends on the file system: the probe from tmpfs too
if [[ " $TESTS " == *" 10-probe "* ]]; then
	mkdir /tmp/build && cp -a "$B/." /tmp/build && mount --bind /tmp/build "$B" &&
		echo "# guest: $B on $(stat -f -c %T "$B")" && run 10-probe@tmpfs tests/10-probe.t
fi
echo "## all done"
