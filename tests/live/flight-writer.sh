#!/bin/sh
# A flight recorder with -o: a background process writes the log files;
# its pid is printed and recorded; SIGUSR2 to it, or tapc --rotate, switch
# the file (--rotate prints the closed one); an attach meanwhile sees the
# events too; --stop ends it: end probes into the last file, nothing left.
. "$(dirname "$0")/lib.sh"
build closer

cat >"$WORK/f.tap" <<'TAP'
probe begin { println("begin") }
probe syscall.close { if ($fd >= 7000000 && $fd < 8000000) printf("%d\n", $fd) }
probe end { println("end") }
TAP
NAME="${PREFIX}_w"
INST="tap_$NAME"
mkdir "$WORK/logs"

"$TAPC" -F -m "$NAME" -o "$WORK/logs/w.log" -S 1M "$WORK/f.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "-F -o: $(cat "$WORK/err")"
pid=$(sed -n "s/^tapc: process \([0-9]*\) writes.*/\1/p" "$WORK/out")
[ -n "$pid" ] || fail "no writer pid: $(cat "$WORK/out")"
BG_PIDS="$BG_PIDS $pid"
kill -0 "$pid" || fail "the writer is not running"
expect_eq "recorded writer" "$(cut -d' ' -f1 "$TAP_RUN_DIR/sessions/$INST/writer")" "$pid"

"$WORK/closer" 7000000 10
wait_for "$WORK/logs/w.log.0" 7000009 || fail "the writer did not write: $(cat "$TAP_RUN_DIR/sessions/$INST/log")"
closed=$("$TAPC" --rotate "$NAME" 2>"$WORK/err") || fail "--rotate: $(cat "$WORK/err")"
expect_eq "closed file" "$closed" "$WORK/logs/w.log.0"
[ -e "$WORK/logs/w.log.1" ] || fail "--rotate did not open the next file"
"$WORK/closer" 7000010 10
wait_for "$WORK/logs/w.log.1" 7000019 || fail "nothing in the second file"
kill -USR2 "$pid"
n=0
while [ ! -e "$WORK/logs/w.log.2" ] && [ $n -lt 50 ]; do
	n=$((n + 1))
	sleep 0.1
done
[ -e "$WORK/logs/w.log.2" ] || fail "SIGUSR2 to the writer did not switch"
expect_eq "last closed" "$(cat "$TAP_RUN_DIR/sessions/$INST/rotated")" "$WORK/logs/w.log.1"

# an attach sees all the events while the writer runs
"$TAPC" -A "$NAME" >"$WORK/a" 2>"$WORK/a.err" &
apid=$!
BG_PIDS="$BG_PIDS $apid"
"$WORK/closer" 7000020 10
wait_for "$WORK/a" 7000029 || fail "attach: $(cat "$WORK/a.err")"
wait_for "$WORK/logs/w.log.2" 7000029 || fail "the writer missed events with a reader attached"
kill -QUIT "$apid"
wait "$apid" || fail "detach failed"
expect_eq "attach" "$(grep -v begin "$WORK/a" | tr '\n' ' ')" "$(seq 7000000 7000029 | tr '\n' ' ')"

"$TAPC" --stop "$NAME" 2>"$WORK/err" || fail "--stop: $(cat "$WORK/err")"
kill -0 "$pid" 2>/dev/null && fail "the writer is still running"
instance_exists "$INST" && fail "the instance is left"
[ -e "$TAP_RUN_DIR/sessions/$INST" ] && fail "the record is left"
cat "$WORK/logs/w.log.0" "$WORK/logs/w.log.1" "$WORK/logs/w.log.2" >"$WORK/all"
expect_eq "all files" "$(tr '\n' ' ' <"$WORK/all")" "begin $(seq 7000000 7000029 | tr '\n' ' ')end "
"$TAPC" --rotate "$NAME" 2>"$WORK/err" && fail "--rotate of a stopped session succeeded"
exit 0
