#!/bin/sh
# Flight recorders: tapc -F leaves the session recording in the kernel and
# returns; tapc -A shows what it holds through the script's handlers, then
# follows; Ctrl-\ (SIGQUIT) detaches and a second attach shows the same
# older events again; several attaches at once each see every event;
# Ctrl-C stops the session (end probes run, the instance goes); --stop
# stops a session nobody is attached to.
. "$(dirname "$0")/lib.sh"
build closer

cat >"$WORK/f.tap" <<'TAP'
probe begin { println("begin") }
probe syscall.flock { if ($fd >= 40000000 && $fd < 41000000) printf("%d\n", $fd) }
probe end { println("end") }
TAP
NAME="${PREFIX}_f"
INST="tap_$NAME"

"$TAPC" -F -m "$NAME" "$WORK/f.tap" >"$WORK/out" 2>"$WORK/err" || fail "-F: $(cat "$WORK/err")"
grep -q "flight recorder '$NAME' is recording" "$WORK/out" || fail "-F said: $(cat "$WORK/out")"
grep -q "tapc -A $NAME" "$WORK/out" || fail "-F does not say how to attach: $(cat "$WORK/out")"
instance_exists "$INST" || fail "no instance after -F"
expect_eq "tracing_on" "$(cat "$TRACEFS/instances/$INST/tracing_on")" 1
expect_eq "overwrite" "$(cat "$TRACEFS/instances/$INST/options/overwrite")" 1
"$TAPC" --cleanup 2>/dev/null
instance_exists "$INST" || fail "--cleanup removed a flight recorder"

"$WORK/closer" 40000000 100 0 0 flock

# attach NAME OUT: an attached reader in the background
attach() {
	"$TAPC" -A "$1" >"$2" 2>"$2.err" &
	apid=$!
	BG_PIDS="$BG_PIDS $apid"
}

# detach PID: Ctrl-\ leaves the session recording
detach() {
	kill -QUIT "$1"
	wait "$1" || fail "detaching failed"
}

# the records of attach output $1, on one line
records() {
	grep -v '^begin$' "$1" | tr '\n' ' '
}

attach "$NAME" "$WORK/a1"
wait_for "$WORK/a1" 40000099 || fail "first attach: $(cat "$WORK/a1.err")"
detach "$apid"
grep -q "detached" "$WORK/a1.err" || fail "no word of the detach"
grep -q '^end$' "$WORK/a1" && fail "end probes ran on a detach"
instance_exists "$INST" || fail "the instance went with a detach"
expect_eq "first attach" "$(records "$WORK/a1")" "$(seq 40000000 40000099 | tr '\n' ' ')"

# a second attach sees the same older events: the first one's read did
# not take them away
attach "$NAME" "$WORK/a2"
wait_for "$WORK/a2" 40000099 || fail "second attach: $(cat "$WORK/a2.err")"
detach "$apid"
expect_eq "second attach" "$(records "$WORK/a2")" "$(seq 40000000 40000099 | tr '\n' ' ')"

# two at once: each sees the old events and every new one
attach "$NAME" "$WORK/a3"
p3=$apid
attach "$NAME" "$WORK/a4"
p4=$apid
wait_for "$WORK/a3" 40000099 || fail "third attach"
wait_for "$WORK/a4" 40000099 || fail "fourth attach"
"$WORK/closer" 40000100 50 0 0 flock
wait_for "$WORK/a3" 40000149 || fail "third attach did not follow"
wait_for "$WORK/a4" 40000149 || fail "fourth attach did not follow"
detach "$p3"
detach "$p4"
expect_eq "concurrent attach 1" "$(records "$WORK/a3")" "$(seq 40000000 40000149 | tr '\n' ' ')"
expect_eq "concurrent attach 2" "$(records "$WORK/a4")" "$(seq 40000000 40000149 | tr '\n' ' ')"

# Ctrl-C stops the session: end probes, and nothing left behind
attach "$NAME" "$WORK/a5"
wait_for "$WORK/a5" 40000149 || fail "fifth attach"
kill -INT "$apid"
wait "$apid" || fail "stopping from an attach failed: $(cat "$WORK/a5.err")"
tail -n 1 "$WORK/a5" | grep -q '^end$' || fail "no end probe on Ctrl-C"
instance_exists "$INST" && fail "the instance is left after Ctrl-C"
[ -e "$TAP_RUN_DIR/sessions/$INST" ] && fail "the record is left after Ctrl-C"
grep -q "^[pr]:$INST/" "$TRACEFS/dynamic_events" 2>/dev/null && fail "dynamic events left"

# --stop, with nobody attached; without -m a name is chosen and said
cp "$WORK/f.tap" "$WORK/${PREFIX}_auto.tap"
"$TAPC" -F "$WORK/${PREFIX}_auto.tap" >"$WORK/out" 2>"$WORK/err" || fail "-F: $(cat "$WORK/err")"
"$TAPC" -F "$WORK/${PREFIX}_auto.tap" >"$WORK/out2" 2>"$WORK/err" || fail "-F again: $(cat "$WORK/err")"
n1=$(sed -n "s/.*flight recorder '\([^']*\)'.*/\1/p" "$WORK/out")
n2=$(sed -n "s/.*flight recorder '\([^']*\)'.*/\1/p" "$WORK/out2")
[ -n "$n1" ] && [ -n "$n2" ] && [ "$n1" != "$n2" ] || fail "names chosen: '$n1' '$n2'"
instance_exists "tap_$n1" && instance_exists "tap_$n2" || fail "no instances for $n1, $n2"
for n in "$n1" "$n2"; do
	"$TAPC" --stop "$n" 2>"$WORK/err" || fail "--stop $n: $(cat "$WORK/err")"
	instance_exists "tap_$n" && fail "--stop left the instance of $n"
	[ -e "$TAP_RUN_DIR/sessions/tap_$n" ] && fail "--stop left the record of $n"
done
"$TAPC" --stop "$n1" 2>"$WORK/err" && fail "--stop of a stopped session succeeded"
grep -q "no session" "$WORK/err" || fail "--stop of nothing: $(cat "$WORK/err")"
"$TAPC" -A "$n1" 2>"$WORK/err" && fail "-A of a stopped session succeeded"
exit 0
