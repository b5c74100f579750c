#!/bin/sh
# conf/examples/forks.tap against known events: a process making three children
. "$(dirname "$0")/lib.sh"
build workload
# a name of its own: tests run in parallel and the examples trace every
# process
W=w$$
cp "$WORK/workload" "$WORK/$W"
EX=$TAP_SRCDIR/conf/examples/forks.tap
"$TAPC" -m "$PREFIX" -s 16 -c "$WORK/$W fork 3" "$EX" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
n=$(grep -cE "^$W +[0-9]+ -> +[0-9]+\$" "$WORK/out")
expect_eq "forks printed" "$n" 3
grep -q "^$W made 3\$" "$WORK/out" || fail "no count: $(cat "$WORK/out")"
exit 0
