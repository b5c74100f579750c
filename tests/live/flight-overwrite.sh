#!/bin/sh
# A flight recorder keeps the newest events: after many more events than
# its buffer holds, an attach shows an unbroken run of them ending with
# the last one, and says that older ones were overwritten.
. "$(dirname "$0")/lib.sh"
build closer
command -v taskset >/dev/null || skip "taskset is not installed"

cat >"$WORK/f.tap" <<'TAP'
probe syscall.fdatasync { if ($fd >= 42000000 && $fd < 43000000) printf("%d\n", $fd) }
TAP
NAME="${PREFIX}_o"
"$TAPC" -F -m "$NAME" -s 1 "$WORK/f.tap" >"$WORK/out" 2>"$WORK/err" || fail "-F: $(cat "$WORK/err")"
# about 6 MB of events for 1 MB of buffer, all on one CPU
taskset -c 0 "$WORK/closer" 42000000 200000 0 0 fdatasync
"$TAPC" -A "$NAME" >"$WORK/a" 2>"$WORK/a.err" &
apid=$!
BG_PIDS="$BG_PIDS $apid"
wait_for "$WORK/a" '^42199999$' || fail "attach: $(cat "$WORK/a.err")"
kill -QUIT "$apid"
wait "$apid" || fail "detach failed"
first=$(head -n 1 "$WORK/a")
n=$(wc -l <"$WORK/a")
[ "$first" -gt 42000000 ] || fail "the oldest events were kept, not the newest"
[ "$n" -gt 10000 ] || fail "only $n events kept"
seq "$first" 42199999 | cmp -s - "$WORK/a" || fail "the newest events have gaps"
grep -q "overwritten" "$WORK/a.err" || fail "overwriting not said: $(cat "$WORK/a.err")"
echo "kept the newest $n of 200000 events"
"$TAPC" --stop "$NAME" 2>/dev/null || fail "--stop failed"
exit 0
