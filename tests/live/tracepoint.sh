#!/bin/sh
# A tracepoint probe: sched_process_exec of a command tapc runs, with the
# recorded filename and pid checked against the real ones.
. "$(dirname "$0")/lib.sh"

cat >"$WORK/t.tap" <<'TAP'
probe kernel.trace("sched:sched_process_exec") {
	if (pid() == target())
		printf("exec %s pid=%d match=%d\n", kernel_string($filename), $pid, $pid == target())
}
TAP
"$TAPC" -m "$PREFIX" -c "exec /bin/true" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
grep -q '^exec /bin/true pid=[0-9]* match=1$' "$WORK/out" ||
	fail "no exec event of /bin/true: $(cat "$WORK/out" "$WORK/err")"
instance_exists "tap_$PREFIX" && fail "the instance was left behind"
exit 0
