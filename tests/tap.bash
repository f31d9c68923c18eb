# tests/tap.bash - what the TAP scripts share, sourced by them:
#   . "$(dirname "$0")/tap.bash"
# Numbered results (ok, not_ok, not_ok_file, skip; the plan is the script's
# own), expect for one command's status and output, can_set_exe for the one
# thing uexec does differently without privilege, and for the probe runs
# run_fixed (the same arguments, environment and descriptors every time) and
# drop_keys (its output less some keys).

n=0
# tap_line RESULT NAME: one numbered line; a "#" or "\" in NAME is escaped
# (TAP would read a directive there).
tap_line() {
	local name=${2//\\/\\\\}
	n=$((n + 1))
	echo "$1 $n - ${name//#/\\#}"
}

ok() { tap_line ok "$1"; }

# not_ok NAME [LINE]...: the lines follow as TAP comments.
not_ok() {
	tap_line "not ok" "$1"
	[ $# -gt 1 ] && printf '# %s\n' "${@:2}"
	return 0
}

# not_ok_file NAME FILE: FILE's first 60 lines follow as TAP comments.
not_ok_file() {
	tap_line "not ok" "$1"
	sed -e 's/^/# /' "$2" | head -n 60
	return 0
}

skip() { n=$((n + 1)); echo "ok $n # skip $1"; }

# expect NAME WANT_STATUS WANT_STDOUT WANT_STDERR_GLOB CMD...: runs CMD (its
# stderr through $tmp/err: the script makes $tmp) and compares all three.
expect() {
	local name=$1 st=$2 out=$3 err=$4 got_st got_out got_err
	shift 4
	got_out=$("$@" 2>"$tmp/err")
	got_st=$?
	got_err=$(cat "$tmp/err")
	# shellcheck disable=SC2053 # the stderr expectation is a glob
	if [ "$got_st" = "$st" ] && [ "$got_out" = "$out" ] && [[ $got_err == $err ]]; then
		ok "$name"
	else
		not_ok "$name" "status $got_st (want $st)" "stdout: $got_out" "want:   $out" \
			"stderr: $got_err" "want:   $err"
	fi
}

# can_set_exe: whether uexec, run from this shell, can make /proc/self/exe
# the program: PR_SET_MM_MAP with an exe_fd needs CAP_SYS_ADMIN (21) or
# CAP_CHECKPOINT_RESTORE (40).  Without it that one key differs (README,
# tests/probe/unprivileged-keys); being root is not the question.
can_set_exe() {
	local eff
	eff=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
	(((0x$eff >> 21 | 0x$eff >> 40) & 1))
}

# run_fixed OUT CMD...: CMD with the environment A=1 B=2 only (NAME=VALUE
# words first in CMD add to it), the arguments "x" and "y z" after its own,
# stdin from /dev/null and one more descriptor, 3, open on /dev/null;
# stdout to OUT, stderr to OUT.err, the status to OUT.rc.
run_fixed() {
	local out=$1
	shift
	env -i A=1 B=2 "$@" x 'y z' </dev/null 3</dev/null >"$out" 2>"$out.err"
	echo $? >"$out.rc"
}

# drop_keys PREFIXES [FILE]: the "key=value" lines whose key starts with none
# of PREFIXES (one a line; empty lines ignored); FAIL lines always stay.
drop_keys() {
	awk -v list="$1" '
		BEGIN { n = split(list, p, "\n") }
		/^FAIL / { print; next }
		{
			key = $0; sub(/=.*/, "", key)
			for (i = 1; i <= n; i++)
				if (p[i] != "" && index(key, p[i]) == 1)
					next
			print
		}' "${@:2}"
}
