#!/bin/sh
# A condition on recorded fields is applied by the kernel: the instance
# records only the matching events, while the same condition kept in user
# space lets the kernel record them all. Both print the same lines.
. "$(dirname "$0")/lib.sh"
build syscalls

cat >"$WORK/kernel.tap" <<'TAP'
probe syscall.read if ($fd == 99) { if (pid() == target()) println("hit") }
TAP
cat >"$WORK/user.tap" <<'TAP'
global want = 99
probe syscall.read if ($fd == want) { if (pid() == target()) println("hit") }
TAP
"$TAPC" -v -m "${PREFIX}_k" -c "$WORK/syscalls 2000 10" "$WORK/kernel.tap" >"$WORK/k.out" 2>"$WORK/k.err" ||
	fail "tapc failed: $(cat "$WORK/k.err")"
"$TAPC" -v -m "${PREFIX}_u" -c "$WORK/syscalls 2000 10" "$WORK/user.tap" >"$WORK/u.out" 2>"$WORK/u.err" ||
	fail "tapc failed: $(cat "$WORK/u.err")"
expect_eq "kernel-filtered hits" "$(grep -c hit "$WORK/k.out")" 10
expect_eq "user-filtered hits" "$(grep -c hit "$WORK/u.out")" 10
k=$(sed -n 's/.*the kernel recorded \([0-9]*\) events.*/\1/p' "$WORK/k.err")
u=$(sed -n 's/.*the kernel recorded \([0-9]*\) events.*/\1/p' "$WORK/u.err")
[ -n "$k" ] && [ -n "$u" ] || fail "no recorded counts: $(cat "$WORK/k.err" "$WORK/u.err")"
# 2010 reads of the workload alone reach the unfiltered buffer; the
# filtered one gets the 10 on fd 99 and whatever else reads fd 99
[ "$u" -ge 2010 ] || fail "user-space filter: the kernel recorded only $u events"
# the filtered buffer gets the 10 reads on fd 99 (and any other process's
# reads of an fd 99): far fewer than the unfiltered one
[ "$k" -ge 10 ] || fail "kernel filter: the kernel recorded only $k events"
[ $((k * 10)) -lt "$u" ] || fail "kernel filter: the kernel recorded $k events (unfiltered: $u)"
echo "kernel filter: $k recorded; user-space condition: $u recorded"
exit 0
