#!/bin/sh
# conf/examples/write-sizes.tap against known events: ten writes of 1000 bytes
. "$(dirname "$0")/lib.sh"
build workload
# a name of its own: tests run in parallel and the examples trace every
# process
W=w$$
cp "$WORK/workload" "$WORK/$W"
EX=$TAP_SRCDIR/conf/examples/write-sizes.tap
"$TAPC" -m "$PREFIX" -s 16 -c "$WORK/$W io 10 1000" "$EX" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
grep -q '^10 writes, 10000 bytes, average 1000$' "$WORK/out" || fail "$(cat "$WORK/out")"
grep -qE '^ +0 \|@{10} +10$' "$WORK/out" || fail "no bucket 0 with 10: $(cat "$WORK/out")"
grep -qE "^$W +10 writes +10000 bytes\$" "$WORK/out" || fail "no writer line"
exit 0
