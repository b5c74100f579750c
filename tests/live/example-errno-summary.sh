#!/bin/sh
# conf/examples/errno-summary.tap against known events: seven failed opens
. "$(dirname "$0")/lib.sh"
build workload
# a name of its own: tests run in parallel and the examples trace every
# process
W=w$$
cp "$WORK/workload" "$WORK/$W"
EX=$TAP_SRCDIR/conf/examples/errno-summary.tap
lost() {
	grep -q "lost\|were lost" "$WORK/err"
}
"$TAPC" -m "$PREFIX" -s 16 -c "$WORK/$W openfail 7" "$EX" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
n=$(awk -v w="$W" '$1 == w && $2 == "openat" && $3 == "ENOENT" { s += $4 } END { print s + 0 }' "$WORK/out")
if lost; then
	[ "$n" -le 7 ] || fail "more failures than made: $n"
else
	expect_eq "openat ENOENT" "$n" 7
fi
exit 0
