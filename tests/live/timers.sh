#!/bin/sh
# timer.ms and timer.s fire at their periods, in user space; a pipe
# reader sees each line as it is printed, before tapc ends.
. "$(dirname "$0")/lib.sh"

cat >"$WORK/t.tap" <<'TAP'
probe timer.ms(100) { fast++; printf("tick %d\n", fast) }
probe timer.s(1) { printf("second fast=%d\n", fast); exit() }
global fast
TAP
mkfifo "$WORK/pipe"
bg sh -c "'$TAPC' -m '$PREFIX' '$WORK/t.tap' >'$WORK/pipe' 2>'$WORK/err'"
# the first line arrives while tapc still runs (no block buffering)
head -n 1 "$WORK/pipe" >"$WORK/first" &
reader=$!
sleep 0.6
kill -0 "$reader" 2>/dev/null && fail "the first line did not arrive within 0.6 s"
expect_eq "first line" "$(cat "$WORK/first")" "tick 1"
wait
exit 0
