#!/bin/sh
# conf/examples/open-errors.tap against known events: four opens of a missing file
. "$(dirname "$0")/lib.sh"
build workload
# a name of its own: tests run in parallel and the examples trace every
# process
W=w$$
cp "$WORK/workload" "$WORK/$W"
EX=$TAP_SRCDIR/conf/examples/open-errors.tap
"$TAPC" -m "$PREFIX" -s 16 -c "$WORK/$W openfail 4" "$EX" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
n=$(grep -cE "^$W +[0-9]+ ENOENT +/nonexistent/tap-live-test\$" "$WORK/out")
expect_eq "ENOENT lines" "$n" 4
exit 0
