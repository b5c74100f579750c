#!/bin/sh
# timer.ms and timer.s fire at their periods, in user space; a pipe
# reader sees each line as it is printed, before tapc ends.
. "$(dirname "$0")/lib.sh"

# no exit(): a block-buffered stdout would hold these 7-byte lines for
# minutes, so their arrival while tapc runs shows line buffering
cat >"$WORK/t.tap" <<'TAP'
probe timer.ms(100) { fast++; printf("tick %d\n", fast) }
probe timer.s(1) { printf("second fast=%d\n", fast) }
probe end { printf("end fast=%d\n", fast) }
global fast
TAP
mkfifo "$WORK/pipe"
"$TAPC" -m "$PREFIX" "$WORK/t.tap" >"$WORK/pipe" 2>"$WORK/err" &
tap=$!
BG_PIDS="$tap"
cat "$WORK/pipe" >"$WORK/out" &
wait_for "$WORK/out" "^tick 1$" || fail "no first line while tapc runs: $(cat "$WORK/err")"
expect_eq "first line" "$(head -n 1 "$WORK/out")" "tick 1"
wait_for "$WORK/out" "^second fast=" || fail "timer.s(1) did not fire: $(cat "$WORK/out")"
running "$tap" || fail "tapc ended by itself: $(cat "$WORK/err")"
kill -INT "$tap"
wait "$tap" || fail "tapc failed: $(cat "$WORK/err")"
wait
# the ticks count up by one and the other probes saw the same counter
awk '/^tick / { if ($2 != ++n) { print "tick " $2 " after " n - 1; exit 1 } }' "$WORK/out" ||
	fail "ticks out of order: $(cat "$WORK/out")"
last=$(grep -c '^tick ' "$WORK/out")
expect_eq "end" "$(tail -n 1 "$WORK/out")" "end fast=$last"
s=$(sed -n 's/^second fast=//p' "$WORK/out" | head -n 1)
[ "$s" -ge 1 ] && [ "$s" -le "$last" ] || fail "second saw fast=$s of $last ticks"
exit 0
