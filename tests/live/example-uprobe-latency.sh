#!/bin/sh
# conf/examples/uprobe-latency.tap against known events: five calls of a 2 ms function
. "$(dirname "$0")/lib.sh"
build workload
# a name of its own: tests run in parallel and the examples trace every
# process
W=w$$
cp "$WORK/workload" "$WORK/$W"
EX=$TAP_SRCDIR/conf/examples/uprobe-latency.tap
"$TAPC" -m "$PREFIX" -s 16 -c "$WORK/$W func 5" "$EX" "$WORK/$W" work_item >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
line=$(grep '^work_item: ' "$WORK/out")
n=$(echo "$line" | sed -n 's/^work_item: \([0-9]*\) calls.*/\1/p')
avg=$(echo "$line" | sed -n 's/.*avg \([0-9]*\) us.*/\1/p')
expect_eq "calls" "$n" 5
[ "${avg:-0}" -ge 2000 ] && [ "$avg" -lt 100000 ] || fail "average: $avg us"
grep -q '^ *value |' "$WORK/out" || fail "no histogram"
exit 0
