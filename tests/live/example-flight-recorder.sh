#!/bin/sh
# conf/examples/flight-recorder.tap against known events: 40 failed opens, of which the last 32 are kept
. "$(dirname "$0")/lib.sh"
build workload
# a name of its own: tests run in parallel and the examples trace every
# process
W=w$$
cp "$WORK/workload" "$WORK/$W"
EX=$TAP_SRCDIR/conf/examples/flight-recorder.tap
"$TAPC" -m "$PREFIX" -s 16 -c "$WORK/$W openfail 40" "$EX" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
head -n 1 "$WORK/out" | grep -qE '^the last 32 of [0-9]+ failed system calls:$' ||
	fail "no header: $(cat "$WORK/out")"
expect_eq "kept" "$(($(wc -l <"$WORK/out") - 1))" 32
n=$(grep -cE "^[0-9]+\\.[0-9]{6} $W\\[[0-9]+\\] +openat = ENOENT\$" "$WORK/out")
expect_eq "openat failures among the last 32" "$n" 32
tail -n +2 "$WORK/out" | awk '{ print $1 }' >"$WORK/times"
sort -n -c "$WORK/times" || fail "not oldest first"
exit 0
