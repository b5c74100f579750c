#!/bin/sh
# Records from all CPUs reach handlers in time order even when the reader
# falls behind and reads a CPU in several batches: every read(2) exit
# must find its entry, so an entry/exit pair script counts every call and
# sees no exit before its entry.
. "$(dirname "$0")/lib.sh"
build workload
W=w$$
cp "$WORK/workload" "$WORK/$W"
cat >"$WORK/t.tap" <<TAP
global start, pairs, orphans
probe syscall.read if (execname() == "$W") { start[tid()] = 1 }
probe syscall.read.return if (execname() == "$W") {
	if (tid() in start) {
		pairs++
		delete start[tid()]
	} else {
		orphans++
	}
}
probe end { printf("%d %d\n", pairs, orphans) }
TAP
"$TAPC" -m "$PREFIX" -s 64 -c "$WORK/$W io 1000000 1" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
grep -q "lost" "$WORK/err" && skip "the buffer overflowed on this machine: $(cat "$WORK/err")"
read -r pairs orphans <"$WORK/out"
expect_eq "exits before their entry" "$orphans" 0
# 1000000 reads, and the dynamic loader's
[ "$pairs" -ge 1000000 ] && [ "$pairs" -le 1000010 ] || fail "pairs: $pairs"
exit 0
