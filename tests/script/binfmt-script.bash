# tests/script/binfmt-script.bash - the 27 cases of the kernel selftest
# tools/testing/selftests/exec/binfmt_script.py, reimplemented from its table
# (doc: /work/shared/reference/linux-exec-semantics.md §5).  Sourced by
# tests/40-scripts.t.
#
# Each case is one "#!" line of SIZE bytes (without its newline):
#
#   "#!" LEADING ROOT MIDDLE TARGET ARG NEWLINE ["echo this is not really perl\n"]
#
# MIDDLE is FILL repeated to make up SIZE, cut into directory names of
# NAME_MAX - 1 bytes so that no name is too long for the file system.  When
# TARGET is not empty, ROOT MIDDLE TARGET is created as an executable
# "#!/usr/bin/perl" script that prints "Executed interpreter! Args:" and its
# arguments, so a good case runs script -> perl script -> perl.  The kernel
# reads only the first 256 bytes (BINPRM_BUF_SIZE): the cases sit around
# that limit.

BF_SIZE=256
# shellcheck disable=SC2016 # perl code, not expanded
BF_PERL='#!/usr/bin/perl
print "Executed interpreter! Args:\n";
my $i = 0;
print $i++, " : '"'"'$_'"'"'\n" for ($0, @ARGV);
'

# bf_repeat STRING COUNT: sets bf_rep to COUNT copies of STRING.
bf_repeat() {
	local i
	bf_rep=
	for ((i = 0; i < $2; i++)); do
		bf_rep+=$1
	done
}

# The long case (#9, "test.pl", 439 bytes): a Nix-style perl path after a
# blank, then -I options that run far past the buffer; byte 255 falls inside
# a word, so the kernel passes an argument cut in the middle of a word.
bf_store=/nix/store
bf_hash() { # sets bf_rep to a fixed 32-character store hash made from a word
	local h
	h=$(printf '%s' "$1" | md5sum)
	bf_rep=${h:0:32}
}
bf_hash perl
BF_NIX_ROOT=.$bf_store/$bf_rep-perl-5.28.1/bin
BF_NIX_ARGS=
for bf_pkg in File-Slurp-9999.25 Net-DBus-1.1.0 XML-Parser-2.44 XML-Twig-3.52; do
	bf_hash "$bf_pkg"
	BF_NIX_ARGS+=" -I$bf_store/$bf_rep-perl5.28.1-$bf_pkg/lib/perl5/site_perl"
done
unset bf_pkg
# "#!" " " ROOT "/perl" ARGS make exactly 439 bytes
BF_NIX_ARGS=${BF_NIX_ARGS:0:$((439 - 3 - ${#BF_NIX_ROOT} - 5))}

# bf_make DIR NAME SIZE [KEY=VALUE]...: writes DIR/binfmt_script-NAME (and
# its perl target).  KEYs: leading root target fill arg newline, with the
# defaults "", "./", "/perl", "A", "", "\n".  Returns 1 on a bad row.
bf_make() {
	local dir=$1 name=$2 size=$3 kv
	local hashbang='#!' leading='' root=./ target=/perl fill=A arg='' newline=$'\n'
	local remaining middle='' line
	shift 3
	for kv; do
		case $kv in
		leading=* | root=* | target=* | fill=* | arg=* | newline=*)
			printf -v "${kv%%=*}" '%s' "${kv#*=}" ;;
		*)
			echo "bf_make: $name: unknown parameter $kv" >&2
			return 1 ;;
		esac
	done
	remaining=$((size - ${#hashbang} - ${#leading} - ${#root} - ${#target} - ${#arg}))
	if ((remaining < 0)); then
		echo "bf_make: $name: the fixed parts are longer than $size bytes" >&2
		return 1
	fi
	while ((remaining >= BF_NAME_MAX)); do
		bf_repeat "$fill" $((BF_NAME_MAX - 1))
		middle+=$bf_rep/
		remaining=$((remaining - BF_NAME_MAX))
	done
	bf_repeat "$fill" "$remaining"
	middle+=$bf_rep
	line=$hashbang$leading$root$middle$target$arg
	if ((${#line} != size)); then
		echo "bf_make: $name: made a ${#line}-byte line, not $size" >&2
		return 1
	fi
	if [ -n "$target" ]; then
		mkdir -p "$dir/$root$middle" || return 1
		printf '%s' "$BF_PERL" >"$dir/$root$middle$target" || return 1
		chmod 755 "$dir/$root$middle$target"
	fi
	{
		printf '%s%s' "$line" "$newline"
		[ -z "$newline" ] || printf 'echo this is not really perl\n'
	} >"$dir/binfmt_script-$name" || return 1
	chmod 755 "$dir/binfmt_script-$name"
}

# bf_table FUNC: calls FUNC NUMBER NAME SIZE EXPECT [KEY=VALUE]... for each
# row.  EXPECT is "runs" (the selftest's good cases: status 0 and "Executed
# interpreter" printed) or the errno this kernel gives for a bad case.
bf_table() {
	local t=$1 S=$BF_SIZE
	# bad: the interpreter's name is cut by the buffer, or there is none
	$t 1 too-big $((S + 80)) ENOEXEC
	$t 2 exact $S ENOEXEC
	$t 3 exact-space $S ENOEXEC leading=' '
	$t 4 whitespace-too-big $((S + 71)) ENOEXEC root= fill=' ' target=
	$t 5 truncated $((S + 17)) ENOEXEC leading='                   '
	$t 6 empty 2 EACCES root= fill= target= newline= # name "": the cwd, a directory
	$t 7 spaces $((S - 1)) ENOEXEC root= fill=' ' target= newline=
	$t 8 newline-prefix $((S - 1)) ENOEXEC leading=$'\n' root= fill=' ' target=
	# good: the name fits; an argument may be cut
	$t 9 test.pl 439 runs leading=' ' root="$BF_NIX_ROOT" arg="$BF_NIX_ARGS"
	$t 10 one-under $((S - 1)) runs
	$t 11 two-under $((S - 2)) runs
	$t 12 exact-trunc-whitespace $S runs arg=' '
	$t 13 exact-trunc-arg $S runs arg=' f'
	$t 14 one-under-full-arg $((S - 1)) runs arg=' f'
	$t 15 one-under-no-nl $((S - 1)) runs newline=
	$t 16 half-under-no-nl $((S / 2)) runs newline=
	$t 17 one-under-trunc-arg $((S - 1)) runs arg=' '
	$t 18 one-under-leading $((S - 1)) runs leading=' '
	$t 19 one-under-leading-trunc-arg $((S - 1)) runs leading=' ' arg=' '
	$t 20 two-under-no-nl $((S - 2)) runs newline=
	$t 21 two-under-trunc-arg $((S - 2)) runs arg=' '
	$t 22 two-under-leading $((S - 2)) runs leading=' '
	$t 23 two-under-leading-trunc-arg $((S - 2)) runs leading=' ' arg=' '
	# the same four shapes at half the buffer (the selftest reuses the names)
	$t 24 two-under-no-nl $((S / 2)) runs newline=
	$t 25 two-under-trunc-arg $((S / 2)) runs arg=' '
	$t 26 two-under-leading $((S / 2)) runs leading=' '
	$t 27 two-under-lead-trunc-arg $((S / 2)) runs leading=' ' arg=' '
}
