#!/bin/sh
# @entry() in return probes: values taken at the entry of each call,
# recursive calls each with their own (innermost returns first), strings
# too, and an @entry() in the probe's condition; on a syscall as well,
# where a call that began before tracing runs no return handler.
. "$(dirname "$0")/lib.sh"
build target
build closer

cat >"$WORK/u.tap" <<TAP
probe process("$WORK/target").function("target_fact").return {
	printf("fact(%d) = %d, %s\n", @entry(\$arg1), \$return,
	       @entry(gettimeofday_ns()) <= gettimeofday_ns() ? "in time" : "out of time")
}
probe process("$WORK/target").function("target_name").return if (@entry(\$arg2) > 0) {
	printf("name %s x %d = %d\n", @entry(user_string(\$arg1)), @entry(\$arg2), \$return)
}
TAP
"$TAPC" -m "$PREFIX" -c "$WORK/target 3 5" "$WORK/u.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
cat >"$WORK/want" <<'OUT'
name odd x 1 = 3
name even-number x 2 = 22
fact(1) = 1, in time
fact(2) = 2, in time
fact(3) = 6, in time
fact(4) = 24, in time
fact(5) = 120, in time
OUT
diff -u "$WORK/want" "$WORK/out" || fail "uprobe @entry values differ"

# a syscall: the fd of fsync(2) at return, with its error; the condition
# tests the entry value, so it cannot be a kernel filter
cat >"$WORK/s.tap" <<'TAP'
probe syscall.fsync.return if (@entry($fd) >= 43000000 && @entry($fd) < 43000005) {
	printf("%d %d\n", @entry($fd), $return)
}
TAP
"$TAPC" -m "${PREFIX}_s" -c "$WORK/closer 43000000 5 0 0 fsync" "$WORK/s.tap" >"$WORK/out" \
	2>"$WORK/err" || fail "tapc failed: $(cat "$WORK/err")"
expect_eq "syscall @entry" "$(tr '\n' ' ' <"$WORK/out")" \
	"43000000 -9 43000001 -9 43000002 -9 43000003 -9 43000004 -9 "

# a read that began before tracing did: its return runs no handler (there
# is no entry value to give it), the next read's does
mkfifo "$WORK/fifo"
cat "$WORK/fifo" >/dev/null &
catpid=$!
BG_PIDS="$BG_PIDS $catpid"
exec 4>"$WORK/fifo"
n=0
until [ "$(cut -d' ' -f1 "/proc/$catpid/syscall" 2>/dev/null)" = 0 ]; do
	n=$((n + 1))
	[ $n -gt 100 ] && fail "cat is not reading the fifo"
	sleep 0.1
done
cat >"$WORK/r.tap" <<'TAP'
probe begin { println("ready") }
probe syscall.read.return if (pid() == $1) { printf("read %d -> %d\n", @entry($fd), $return) }
TAP
# (fd 4 closed in tapc: it must not keep the fifo open; the output is
# emptied first, as the background shell truncates it only later)
: >"$WORK/out"
"$TAPC" -m "${PREFIX}_r" "$WORK/r.tap" "$catpid" >"$WORK/out" 2>"$WORK/err" 4>&- &
tpid=$!
BG_PIDS="$BG_PIDS $tpid"
wait_for "$WORK/out" ready || fail "tapc did not start: $(cat "$WORK/err")"
printf 'x\n' >&4
exec 4>&-
wait "$catpid"
wait_for "$WORK/out" "read 3 -> 0" || fail "no return of the second read: $(cat "$WORK/out")"
kill -INT "$tpid"
wait "$tpid" || fail "tapc failed: $(cat "$WORK/err")"
expect_eq "returns with an entry" "$(grep -v ready "$WORK/out" | tr '\n' ' ')" "read 3 -> 0 "
exit 0
