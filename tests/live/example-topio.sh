#!/bin/sh
# conf/examples/topio.tap against known events: 100 reads and 100 writes of 4096 bytes
. "$(dirname "$0")/lib.sh"
build workload
# a name of its own: tests run in parallel and the examples trace every
# process
W=w$$
cp "$WORK/workload" "$WORK/$W"
EX=$TAP_SRCDIR/conf/examples/topio.tap
"$TAPC" -m "$PREFIX" -s 16 -c "$WORK/$W io 100 4096" "$EX" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
# the counts may be split over the 5-second reports: add them up
read=$(awk -v w="$W" '$1 == w { r += $3 } END { print r + 0 }' "$WORK/out")
written=$(awk -v c="$W" '$1 == c { w += $4 } END { print w + 0 }' "$WORK/out")
expect_eq "bytes written" "$written" 409600
# the dynamic loader reads too (ELF headers)
[ "$read" -ge 409600 ] && [ "$read" -lt 420000 ] || fail "bytes read: $read"
exit 0
