#!/bin/sh
# A flight recorder with -o: a background process writes the log files;
# its pid is printed and recorded; SIGUSR2 to it, or tapc --rotate, switch
# the file (--rotate prints the closed one); an attach meanwhile sees the
# events too; --stop ends it: end probes into the last file, nothing left.
. "$(dirname "$0")/lib.sh"
build closer

cat >"$WORK/f.tap" <<'TAP'
probe begin { println("begin") }
probe syscall.fsync { if ($fd >= 41000000 && $fd < 42000000) printf("%d\n", $fd) }
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

"$WORK/closer" 41000000 10 0 0 fsync
wait_for "$WORK/logs/w.log.0" 41000009 || fail "the writer did not write: $(cat "$TAP_RUN_DIR/sessions/$INST/log")"
closed=$("$TAPC" --rotate "$NAME" 2>"$WORK/err") || fail "--rotate: $(cat "$WORK/err")"
expect_eq "closed file" "$closed" "$WORK/logs/w.log.0"
[ -e "$WORK/logs/w.log.1" ] || fail "--rotate did not open the next file"
"$WORK/closer" 41000010 10 0 0 fsync
wait_for "$WORK/logs/w.log.1" 41000019 || fail "nothing in the second file"
kill -USR2 "$pid"
n=0
while [ ! -e "$WORK/logs/w.log.2" ] && [ $n -lt 50 ]; do
	n=$((n + 1))
	sleep 0.1
done
[ -e "$WORK/logs/w.log.2" ] || fail "SIGUSR2 to the writer did not switch"
# the writer notes the closed file just after it opens the next one
wait_for "$TAP_RUN_DIR/sessions/$INST/rotated" "w\.log\.1$" ||
	fail "last closed: $(cat "$TAP_RUN_DIR/sessions/$INST/rotated"), want $WORK/logs/w.log.1"

# an attach sees all the events while the writer runs
"$TAPC" -A "$NAME" >"$WORK/a" 2>"$WORK/a.err" &
apid=$!
BG_PIDS="$BG_PIDS $apid"
"$WORK/closer" 41000020 10 0 0 fsync
wait_for "$WORK/a" 41000029 || fail "attach: $(cat "$WORK/a.err")"
wait_for "$WORK/logs/w.log.2" 41000029 || fail "the writer missed events with a reader attached"
kill -QUIT "$apid"
wait "$apid" || fail "detach failed"
expect_eq "attach" "$(grep -v begin "$WORK/a" | tr '\n' ' ')" "$(seq 41000000 41000029 | tr '\n' ' ')"

"$TAPC" --stop "$NAME" 2>"$WORK/err" || fail "--stop: $(cat "$WORK/err")"
running "$pid" && fail "the writer is still running"
instance_exists "$INST" && fail "the instance is left"
[ -e "$TAP_RUN_DIR/sessions/$INST" ] && fail "the record is left"
cat "$WORK/logs/w.log.0" "$WORK/logs/w.log.1" "$WORK/logs/w.log.2" >"$WORK/all"
expect_eq "all files" "$(tr '\n' ' ' <"$WORK/all")" "begin $(seq 41000000 41000029 | tr '\n' ' ')end "
"$TAPC" --rotate "$NAME" 2>"$WORK/err" && fail "--rotate of a stopped session succeeded"

# a raw writer (trace.dat), stopped by Ctrl-C in an attach: the writer
# finishes its file, the attach runs the end probes, nothing is left
command -v trace-cmd >/dev/null || exit 0
NAME="${PREFIX}_r"
INST="tap_$NAME"
"$TAPC" -F -m "$NAME" --raw -o "$WORK/logs/r.dat" "$WORK/f.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "-F --raw: $(cat "$WORK/err")"
pid=$(sed -n "s/^tapc: process \([0-9]*\) writes.*/\1/p" "$WORK/out")
[ -n "$pid" ] || fail "no raw writer pid: $(cat "$WORK/out")"
BG_PIDS="$BG_PIDS $pid"
"$WORK/closer" 41100000 10 0 0 fsync
"$TAPC" -A "$NAME" >"$WORK/a" 2>"$WORK/a.err" &
apid=$!
BG_PIDS="$BG_PIDS $apid"
wait_for "$WORK/a" 41100009 || fail "attach to a raw writer: $(cat "$WORK/a.err"), it printed: $(cat "$WORK/a")"
kill -INT "$apid"
wait "$apid" || fail "Ctrl-C in the attach failed: $(cat "$WORK/a.err")"
tail -n 1 "$WORK/a" | grep -q '^end$' || fail "no end probe in the attach"
running "$pid" && fail "the raw writer is still running"
instance_exists "$INST" && fail "the instance is left"
[ -e "$TAP_RUN_DIR/sessions/$INST" ] && fail "the record is left"
trace-cmd report "$WORK/logs/r.dat" >"$WORK/report" 2>"$WORK/rerr" ||
	fail "trace-cmd report: $(cat "$WORK/rerr")"
sed -n 's/^ *closer-[0-9]* .*sys_enter_fsync: *fd: 0x\([0-9a-f]*\)$/\1/p' "$WORK/report" |
	while read -r hex; do printf '%d\n' "0x$hex"; done >"$WORK/got"
seq 41100000 41100009 | cmp -s - "$WORK/got" ||
	fail "raw writer events: $(cat "$WORK/got"); the report has: $(grep -c sys_enter_fsync "$WORK/report") fsync events, $(grep sys_enter_fsync "$WORK/report" | head -3)"
exit 0
