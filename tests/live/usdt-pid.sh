#!/bin/sh
# process(PID) and -x PID limit a probe to one process: two copies of one
# program run, and only the named one's calls are recorded, from its main
# thread, from a thread it had before tap started, and from a thread it
# starts while traced (set_event_pid with event-fork follows it).
. "$(dirname "$0")/lib.sh"
cc -O1 -g -pthread -o "$WORK/pidprog" "$TAP_SRCDIR/tests/live/progs/pidprog.c" ||
	fail "cannot build pidprog"

# start NAME: runs pidprog reading the fifo NAME.in
start() {
	mkfifo "$WORK/$1.in"
	"$WORK/pidprog" <"$WORK/$1.in" >"$WORK/$1.out" &
	BG_PIDS="$BG_PIDS $!"
	eval "pid_$1=$!"
}

start a
exec 3>"$WORK/a.in"
start b
exec 4>"$WORK/b.in"
wait_for "$WORK/a.out" ready && wait_for "$WORK/b.out" ready || fail "pidprog did not start"

# trace FORM ROUND: runs the calls of ROUND under a script probing FORM
trace() {
	cat >"$WORK/t.tap" <<TAP
probe $1.function("tick") {
	printf("tick %d\n", \$n)
}
probe begin { println("ready") }
TAP
	shift
	# emptied first: the background shell may truncate it only after
	# wait_for has seen the "ready" of the round before
	: >"$WORK/tap.out"
	"$TAPC" -m "$PREFIX" "$@" "$WORK/t.tap" >"$WORK/tap.out" 2>"$WORK/tap.err" &
	tap=$!
	BG_PIDS="$BG_PIDS $tap"
	wait_for "$WORK/tap.out" ready || fail "tapc did not start: $(cat "$WORK/tap.err")"
	# b's calls have other numbers, so any of them in the output shows
	for cmd in "call 1" "worker 2" "thread 3"; do
		echo "${cmd}0" >&4
		echo "$cmd" >&3
		wait_for "$WORK/a.out" "done ${cmd#* }" || fail "pidprog a is stuck"
		wait_for "$WORK/b.out" "done ${cmd#* }0" || fail "pidprog b is stuck"
	done
	wait_for "$WORK/tap.out" "tick 3" || fail "no call from the new thread"
	sleep 0.2
	kill -INT "$tap"
	wait "$tap" || fail "tapc failed: $(cat "$WORK/tap.err")"
	printf 'ready\ntick 1\ntick 2\ntick 3\n' >"$WORK/want"
	diff -u "$WORK/want" "$WORK/tap.out" || fail "events of other processes, or missing ones"
	: >"$WORK/a.out"
	: >"$WORK/b.out"
}

trace "process($pid_a)"
trace "process" -x "$pid_a"
exec 3>&- 4>&-
exit 0
