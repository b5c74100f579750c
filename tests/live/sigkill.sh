#!/bin/sh
# A tapc killed with SIGKILL leaves its instance and uprobes behind; the
# next tapc removes them (its owner's pid is dead), and so does
# tapc --cleanup. Nothing tap did not create is touched.
. "$(dirname "$0")/lib.sh"
build target

# a foreign instance that looks like tap's must survive
foreign="tap_${PREFIX}_foreign"
mkdir "$TRACEFS/instances/$foreign" || fail "cannot make a foreign instance"

cat >"$WORK/t.tap" <<TAP
probe process("$WORK/target").function("target_add") { n++ }
probe begin { println("ready") }
global n
TAP
for how in next cleanup; do
	"$TAPC" -m "${PREFIX}_$how" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" &
	pid=$!
	wait_for "$WORK/out" ready || fail "tapc did not start: $(cat "$WORK/err")"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	instance_exists "tap_${PREFIX}_$how" || fail "SIGKILL should leave the instance"
	grep -q "tap_${PREFIX}_$how/" "$TRACEFS/dynamic_events" || fail "SIGKILL should leave the uprobe"
	if [ "$how" = next ]; then
		"$TAPC" -m "${PREFIX}_other" -e 'probe begin { exit() }' 2>"$WORK/err2" ||
			fail "next tapc failed: $(cat "$WORK/err2")"
	else
		"$TAPC" --cleanup 2>"$WORK/err2" || fail "--cleanup failed"
	fi
	grep -q "removed instance 'tap_${PREFIX}_$how' left by process $pid" "$WORK/err2" ||
		fail "no report of the cleanup: $(cat "$WORK/err2")"
	instance_exists "tap_${PREFIX}_$how" && fail "orphan instance not removed ($how)"
	grep -q "tap_${PREFIX}_$how/" "$TRACEFS/dynamic_events" && fail "orphan uprobe not removed ($how)"
done
instance_exists "$foreign" || fail "the foreign instance was removed"
rmdir "$TRACEFS/instances/$foreign"
exit 0
