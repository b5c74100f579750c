#!/bin/sh
# conf/examples/context-switches.tap against known events: 100 sleeps of a process
. "$(dirname "$0")/lib.sh"
build workload
# a name of its own: tests run in parallel and the examples trace every
# process
W=w$$
cp "$WORK/workload" "$WORK/$W"
EX=$TAP_SRCDIR/conf/examples/context-switches.tap
"$TAPC" -m "$PREFIX" -s 16 -c "$WORK/$W sleep 100" "$EX" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
line=$(grep -E "^$W " "$WORK/out" | head -n 1)
sw=$(echo "$line" | awk '{ print $3 }')
vol=$(echo "$line" | awk '{ print $4 }')
[ "${vol:-0}" -ge 100 ] || fail "voluntary switches: $line"
[ "$sw" -ge "$vol" ] || fail "fewer switches than voluntary ones: $line"
exit 0
