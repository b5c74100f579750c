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
	# emptied first: the background shell may truncate it only after
	# wait_for has seen the "ready" of the run before
	: >"$WORK/out"
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

# an orphan someone holds open cannot go yet: its record stays, so a
# later cleanup still knows it as tap's and removes it
: >"$WORK/out"
"$TAPC" -m "${PREFIX}_busy" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" &
pid=$!
wait_for "$WORK/out" ready || fail "tapc did not start: $(cat "$WORK/err")"
kill -9 "$pid"
wait "$pid" 2>/dev/null
# (closed again before the cleanup at exit, whatever happens)
trap 'exec 5<&-; live_cleanup' EXIT
exec 5<"$TRACEFS/instances/tap_${PREFIX}_busy/per_cpu/cpu0/trace_pipe_raw" ||
	fail "cannot open the orphan's buffer"
"$TAPC" --cleanup 2>"$WORK/err2" || fail "--cleanup failed"
instance_exists "tap_${PREFIX}_busy" || fail "an instance held open was removed?"
"$TAP_BUILDDIR/tools/trace-instance" list >"$WORK/list" 2>&1
grep -q "^tap_${PREFIX}_busy  *yes " "$WORK/list" ||
	fail "the busy orphan lost its record: $(cat "$WORK/list")"
exec 5<&-
"$TAPC" --cleanup 2>"$WORK/err2" || fail "--cleanup failed"
grep -q "removed instance 'tap_${PREFIX}_busy' left by process $pid" "$WORK/err2" ||
	fail "no report of the late cleanup: $(cat "$WORK/err2")"
instance_exists "tap_${PREFIX}_busy" && fail "the orphan was not removed once free"
grep -q "tap_${PREFIX}_busy/" "$TRACEFS/dynamic_events" && fail "the orphan's uprobe was not removed"

instance_exists "$foreign" || fail "the foreign instance was removed"
rmdir "$TRACEFS/instances/$foreign"
exit 0
