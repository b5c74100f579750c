#!/bin/sh
# execname() == "name" as a probe condition is the kernel's COMM filter:
# the handler no longer checks it, so the count is right only if the
# kernel kept exactly that process's events.
. "$(dirname "$0")/lib.sh"
build workload
W=w$$
cp "$WORK/workload" "$WORK/$W"
cat >"$WORK/t.tap" <<TAP
global n
probe syscall.getppid if (execname() == "$W") { n++ }
probe end { printf("%d\n", n) }
TAP
"$TAPC" -p2 "$WORK/t.tap" | grep -q "sys_enter_getppid/filter 'COMM == \"$W\"'" ||
	fail "no COMM filter in the plan: $("$TAPC" -p2 "$WORK/t.tap")"
# another process makes getppid calls meanwhile: the filter drops them
(for i in 1 2 3; do "$WORK/workload" getppid 300; done) &
"$TAPC" -m "$PREFIX" -c "$WORK/$W getppid 250" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
wait
expect_eq "getppid calls of $W" "$(cat "$WORK/out")" 250
exit 0
