#!/bin/sh
# SDT markers guarded by semaphores (dtrace -h/-G), in a process started
# before tap and one started after: both fire, with their argument values
# (registers, and a global the note names RIP-relative), and each sees its
# semaphore at 1 while traced and at 0 once tap is gone.
. "$(dirname "$0")/lib.sh"
command -v dtrace >/dev/null || skip "no dtrace (systemtap-sdt-dev)"
src=$TAP_SRCDIR/tests/live/progs
dtrace -s "$src/sdtprog.d" -h -o "$WORK/sdtprog.h" >/dev/null &&
	dtrace -s "$src/sdtprog.d" -G -o "$WORK/sdtprog_d.o" >/dev/null &&
	cc -O2 -I"$WORK" -c -o "$WORK/sdtprog.o" "$src/sdtprog.c" &&
	cc -o "$WORK/sdtprog" "$WORK/sdtprog.o" "$WORK/sdtprog_d.o" ||
	fail "cannot build sdtprog"

# start NAME: runs sdtprog NAME reading the fifo NAME.in, output to NAME.out
start() {
	mkfifo "$WORK/$1.in"
	"$WORK/sdtprog" "$1" <"$WORK/$1.in" >"$WORK/$1.out" &
	BG_PIDS="$BG_PIDS $!"
	eval "pid_$1=$!"
}

start before
exec 3>"$WORK/before.in"
echo "fire 5" >&3
wait_for "$WORK/before.out" "^5 " || fail "sdtprog did not start"

cat >"$WORK/t.tap" <<TAP
probe process("$WORK/sdtprog").mark("work") {
	printf("work %d %s %d\n", \$arg1, user_string(\$arg2), pid())
}
probe process("$WORK/sdtprog").provider("tapsdt").mark("ping") {
	printf("ping %d %s\n", \$arg1, \$\$parms)
}
probe process("$WORK/sdtprog").mark("total") { printf("total %d\n", \$arg1) }
probe begin { println("ready") }
TAP
"$TAPC" -m "$PREFIX" "$WORK/t.tap" >"$WORK/tap.out" 2>"$WORK/tap.err" &
tap=$!
BG_PIDS="$BG_PIDS $tap"
wait_for "$WORK/tap.out" ready || fail "tapc did not start: $(cat "$WORK/tap.err")"

echo "fire 2" >&3
wait_for "$WORK/tap.out" "^total" || fail "no marker from the process started before"
start after
exec 4>"$WORK/after.in"
echo "fire 3" >&4
wait_for "$WORK/tap.out" "^ping 3000" && sleep 0.2 || fail "no marker from the process started after"

kill -INT "$tap"
wait "$tap" || fail "tapc failed: $(cat "$WORK/tap.err")"
echo "fire 4" >&3
echo "fire 5" >&4
wait_for "$WORK/before.out" "^4 " && wait_for "$WORK/after.out" "^5 " ||
	fail "sdtprog stopped"
exec 3>&- 4>&-

cat >"$WORK/want" <<OUT
ready
work 2 before $pid_before
ping 2000 arg1=0x7d0
total 7
work 3 after $pid_after
ping 3000 arg1=0xbb8
total 3
OUT
diff -u "$WORK/want" "$WORK/tap.out" || fail "marker values differ"
printf '5 sem=0 fired=0\n2 sem=1 fired=1\n4 sem=0 fired=0\n' >"$WORK/want"
diff -u "$WORK/want" "$WORK/before.out" || fail "semaphore of the process started before"
printf '3 sem=1 fired=1\n5 sem=0 fired=0\n' >"$WORK/want"
diff -u "$WORK/want" "$WORK/after.out" || fail "semaphore of the process started after"
exit 0
