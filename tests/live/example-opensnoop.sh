#!/bin/sh
# conf/examples/opensnoop.tap against known events: three failed opens of a known path, with their result
. "$(dirname "$0")/lib.sh"
build workload
# a name of its own: tests run in parallel and the examples trace every
# process
W=w$$
cp "$WORK/workload" "$WORK/$W"
EX=$TAP_SRCDIR/conf/examples/opensnoop.tap
"$TAPC" -m "$PREFIX" -s 16 -c "$WORK/$W openfail 3" "$EX" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
n=$(grep -cE "^$W +[0-9]+ +-2 /nonexistent/tap-live-test\$" "$WORK/out")
expect_eq "failed opens" "$n" 3
exit 0
