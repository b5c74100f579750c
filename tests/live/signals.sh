#!/bin/sh
# SIGINT and SIGTERM stop a run cleanly: end probes run, events already
# recorded are handled, and the instance is removed.
. "$(dirname "$0")/lib.sh"

cat >"$WORK/t.tap" <<'TAP'
probe begin { println("ready") }
probe end { println("end ran") }
TAP
for sig in INT TERM; do
	: >"$WORK/out"
	"$TAPC" -m "${PREFIX}_$sig" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" &
	pid=$!
	BG_PIDS="$BG_PIDS $pid"
	wait_for "$WORK/out" ready || fail "tapc did not start"
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	expect_eq "exit status after SIG$sig" "$rc" 0
	grep -q "end ran" "$WORK/out" || fail "end probe did not run after SIG$sig"
done

# with a kernel probe, the instance must go too
cat >"$WORK/k.tap" <<'TAP'
probe syscall.getppid { n++ }
probe begin { println("ready") }
probe end { println("end ran") }
global n
TAP
# emptied here: the background shell may truncate it only after wait_for
# has seen the "ready" of the run before
: >"$WORK/out"
"$TAPC" -m "${PREFIX}_k" "$WORK/k.tap" >"$WORK/out" 2>"$WORK/err" &
pid=$!
BG_PIDS="$BG_PIDS $pid"
wait_for "$WORK/out" ready || fail "tapc did not start"
instance_exists "tap_${PREFIX}_k" || fail "no instance while running"
kill -INT "$pid"
wait "$pid"
grep -q "end ran" "$WORK/out" || fail "end probe did not run"
instance_exists "tap_${PREFIX}_k" && fail "the instance is left after SIGINT"
exit 0
