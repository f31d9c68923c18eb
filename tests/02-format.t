#!/bin/bash
# 02-format.t - every C file of the tree is as .clang-format (clang-format 14,
# Debian 12's, which .ci/run installs) would write it: one line per file.
# Another clang-format version formats some constructs differently: then the
# check is skipped, with the version it found.
# Env: UEXEC, B (unused but for the harness's convention).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$(dirname "$0")/tap.bash"
mapfile -t files < <(cd "$top" && find src include cli tests bench fuzz examples \
	-name '*.[ch]' -type f | sort)
echo "1..${#files[@]}"
ver=$(clang-format --version 2>/dev/null | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
for f in "${files[@]}"; do
	if [ -z "$ver" ]; then
		skip "$f: clang-format is not installed"
	elif [ "$ver" != 14 ]; then
		skip "$f: clang-format $ver (the tree is formatted with 14)"
	elif out=$(cd "$top" && clang-format --dry-run -Werror "$f" 2>&1); then
		ok "$f"
	else
		not_ok "$f: not as clang-format writes it (clang-format -i $f)" \
			"$(printf '%s\n' "$out" | head -n 4)"
	fi
done
