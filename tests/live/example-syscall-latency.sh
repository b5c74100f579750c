#!/bin/sh
# conf/examples/syscall-latency.tap against known events: 200 reads and 200 writes of one byte
. "$(dirname "$0")/lib.sh"
build workload
# a name of its own: tests run in parallel and the examples trace every
# process
W=w$$
cp "$WORK/workload" "$WORK/$W"
EX=$TAP_SRCDIR/conf/examples/syscall-latency.tap
"$TAPC" -m "$PREFIX" -s 16 -c "$WORK/$W io 200 1" "$EX" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
grep -qE '^write: 200 calls, avg [0-9]+ ns, max [0-9]+ ns$' "$WORK/out" ||
	fail "no write line: $(cat "$WORK/out")"
reads=$(sed -n 's/^read: \([0-9]*\) calls.*/\1/p' "$WORK/out")
[ "${reads:-0}" -ge 200 ] && [ "$reads" -le 220 ] || fail "reads: $reads"
# "value" is right-aligned: a slow call under load widens the column
expect_eq "histograms" "$(grep -c '^ *value |-* count$' "$WORK/out")" 2
# the histogram's counts add up to the calls
sum=$(awk '/^ *value \|/ { h++; next } h == 2 && / \|/ { s += $NF } END { print s }' "$WORK/out")
expect_eq "write histogram total" "$sum" 200
exit 0
