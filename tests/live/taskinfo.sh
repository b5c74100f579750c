#!/bin/sh
# pid() and execname() on tracepoint events: threads that exit before
# their events are handled are still attributed to their process (the
# kernel's saved_tgids, kept by the instance's record-tgid option), and
# the process's name is its executable's.
. "$(dirname "$0")/lib.sh"
cc -O1 -pthread -o "$WORK/threads" "$TAP_SRCDIR/tests/live/progs/threads.c" ||
	fail "cannot build the thread program"

cat >"$WORK/t.tap" <<'TAP'
probe syscall.getppid {
	if (execname() == "threads")
		printf("%d %d\n", pid(), tid() != pid())
}
TAP
"$TAPC" -m "$PREFIX" -c "$WORK/threads" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
pid=$(grep -v ' ' "$WORK/out" | head -n 1)
[ -n "$pid" ] || fail "the program printed no pid: $(cat "$WORK/out")"
expect_eq "thread events" "$(grep -c "^$pid 1\$" "$WORK/out")" 4
exit 0
