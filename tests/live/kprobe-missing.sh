#!/bin/sh
# On a kernel without kprobe events, tapc says so plainly, naming the
# probes that need them, and touches nothing (this machine's kernel; the
# VM's has kprobes, and there this test skips).
. "$(dirname "$0")/lib.sh"
[ -e "$TRACEFS/kprobe_events" ] && skip "this kernel has kprobe events"

cat >"$WORK/t.tap" <<'TAP'
probe kernel.function("vfs_read") {
	printf("%d\n", $count)
}
probe kernel.function("vfs_write").return {
	printf("%d\n", $return)
}
TAP
"$TAPC" -m "$PREFIX" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err"
rc=$?
expect_eq "exit status" "$rc" 1
want="t.tap:1:7: error: this kernel has no kprobe events (CONFIG_KPROBE_EVENTS); probes 'kernel.function(\"vfs_read\")', 'kernel.function(\"vfs_write\").return' need them"
head -n 1 "$WORK/err" | sed "s|^$WORK/||" >"$WORK/first"
expect_eq "message" "$(cat "$WORK/first")" "$want"
grep -q "note: 'kernel.function(\"vfs_write\").return' needs kprobe events too" "$WORK/err" ||
	fail "no note at the second probe: $(cat "$WORK/err")"
grep -qi "tracefs\|write error\|Invalid argument" "$WORK/err" &&
	fail "a tracefs error leaked out: $(cat "$WORK/err")"
instance_exists "tap_$PREFIX" && fail "an instance was made"
exit 0
