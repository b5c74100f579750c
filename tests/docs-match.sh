#!/bin/sh
# Every option a program's --help lists is in its man page, and every
# option the man page describes (its .TP items) is in --help: the two
# cannot drift apart unnoticed. tapctl's commands are checked the same way.
set -u
: "${TAP_BUILDDIR:?}" "${TAP_SRCDIR:?}"
status=0

# the options in text on stdin: -x and --long-name, once each
options() {
	grep -oE '(^|[][ ,|(])--?[A-Za-z][A-Za-z-]*' | sed 's/^[][ ,|(]//' |
		grep -vxE -- '-+' | sort -u
}

# the options a man page describes: the first words of its .TP items
man_options() {
	awk '/^\.TP/ { getline; print }' "$1" | grep '^\.B' | sed 's/\\-/-/g' | options
}

# check PROGRAM MANPAGE [HELP-ARGS]
check() {
	help=$("$1" --help 2>&1) || { echo "FAIL: $1 --help failed"; status=1; return; }
	man=$(sed 's/\\-/-/g' "$2")
	for o in $(printf '%s\n' "$help" | options); do
		printf '%s\n' "$man" | grep -qe "$o\\b" ||
			{ echo "FAIL: $1 --help has $o, $2 does not"; status=1; }
	done
	for o in $(man_options "$2"); do
		printf '%s\n' "$help" | grep -qe "$o\\b" ||
			{ echo "FAIL: $2 describes $o, $1 --help does not"; status=1; }
	done
}

check "$TAP_BUILDDIR/tools/tapc" "$TAP_SRCDIR/doc/tapc.1"
check "$TAP_BUILDDIR/tools/tapctl" "$TAP_SRCDIR/doc/tapctl.8"
check "$TAP_BUILDDIR/daemon/tapd" "$TAP_SRCDIR/doc/tapd.8"
check "$TAP_BUILDDIR/tools/trace-instance" "$TAP_SRCDIR/doc/trace-instance.1"
check "$TAP_BUILDDIR/tools/tap-crash" "$TAP_SRCDIR/doc/tap-crash.1"
check "$TAP_SRCDIR/tools/tap-backup" "$TAP_SRCDIR/doc/tap-backup.8"

# tapctl's commands: the first word of each help line under "Commands:"
for c in $("$TAP_BUILDDIR/tools/tapctl" --help | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p'); do
	grep -q "^\.B.* $c\b\|^\.B $c\b\|^\.BR* $c\b" "$TAP_SRCDIR/doc/tapctl.8" ||
		{ echo "FAIL: tapctl command $c is not in tapctl(8)"; status=1; }
done
"$TAP_BUILDDIR/tools/tapc" --version | grep -q "^tapc (tap) [0-9]" ||
	{ echo "FAIL: tapc --version"; status=1; }
exit $status
