#!/bin/sh
# tapd end to end in a root prefix: three scripts in a NAME_REQ chain start
# in order (and stop in reverse), two in a loop are refused with the loop
# named, a script that fails blocks its dependent; status says what runs;
# a session process killed with SIGKILL is restarted and no event of a
# counted workload is lost or written twice; tapd killed with SIGKILL and
# started again adopts its sessions (and restarts the one whose writer died
# meanwhile), again without losing or repeating an event.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-tapd.sh"

A=${PREFIX}_a
B=${PREFIX}_b
C=${PREFIX}_c
X=${PREFIX}_x
Y=${PREFIX}_y
BAD=${PREFIX}_bad
DEP=${PREFIX}_dep
counted="probe begin { println(\"begin\") }
probe syscall.syncfs { if (\$fd >= $BASE && \$fd < $((BASE + 100000))) printf(\"%d\\n\", \$fd) }
probe end { println(\"end\") }"
register "$C" "$counted" "-s 2"
register "$B" 'probe syscall.getppid { printf("%d\n", pid()) }' "" "$C"
register "$A" 'probe timer.s(1) { }
probe syscall.getppid { }' "-o $LOGS/a-%Y.log" "$B"
register "$X" 'probe syscall.getppid { }' "" "$Y"
register "$Y" 'probe syscall.getppid { }' "" "$X"
register "$BAD" 'probe syscall.no_such_call { }'
register "$DEP" 'probe syscall.getppid { }' "" "$BAD"
echo "DEFAULT_START=\"$A\"" >"$ROOT/etc/tap/tapd.conf"

start_tapd
# DEFAULT_START: a, and what it requires, requirements first
ctl status "$A" | grep -q "^$A: running (pid [0-9]*, instance tap_$A)" ||
	fail "a is not running: $(ctl status; cat "$WORK/tapd.log")"
order=$(sed -n "s/^tapd: started \(${PREFIX}_[a-z]*\) .*/\1/p" "$WORK/tapd.log" | tr '\n' ' ')
expect_eq "start order" "$order" "$C $B $A "
[ -f "$LOGS/$C.log" ] || fail "no default log file LOG_PATH/NAME.log"
[ -f "$LOGS/a-$(date +%Y).log" ] || fail "a's own -o was not used"

# a loop is refused, naming it; its scripts are blocked with the reason
ctl start "$X" >"$WORK/out" 2>"$WORK/err" && fail "a loop started"
grep -q "^dependency loop: $X -> $Y -> $X$" "$WORK/out" || fail "loop: $(cat "$WORK/out")"
ctl status "$Y" | grep -q "^$Y: blocked: dependency loop: $X -> $Y -> $X" ||
	fail "y: $(ctl status "$Y")"
# a script that fails: its reason and last error lines; its dependent blocked
ctl start "$DEP" >"$WORK/out" 2>&1 && fail "a failing script started"
ctl status "$BAD" >"$WORK/st"
grep -q "^$BAD: failed: cannot compile .*$BAD.tap.: tapc exited with status 1" "$WORK/st" ||
	fail "bad: $(cat "$WORK/st")"
grep -q "no_such_call" "$WORK/st" || fail "no error lines in status: $(cat "$WORK/st")"
ctl status "$DEP" | grep -q "^$DEP: blocked: requires '$BAD', which is failed" ||
	fail "dep: $(ctl status "$DEP")"

# status of a running one: pid, instance, buffer use, counts, its file
ctl status "$C" >"$WORK/st"
grep -q "^    buffer: [0-9]* of [0-9]* KB used ([0-9]* KB per CPU, recording)" "$WORK/st" ||
	fail "no buffer use: $(cat "$WORK/st")"
grep -q "^    events: [0-9]* recorded, 0 lost" "$WORK/st" || fail "no counts: $(cat "$WORK/st")"
grep -q "^    log: $LOGS/$C.log$" "$WORK/st" || fail "no log file: $(cat "$WORK/st")"

# tapctl attach: the session's events live, in this terminal; Ctrl-\
# detaches and leaves it running
"$TAPCTL" --root "$ROOT" attach "$B" >"$WORK/att" 2>"$WORK/att.err" &
apid=$!
BG_PIDS="$BG_PIDS $apid"
n=0
until grep -q '^[0-9][0-9]*$' "$WORK/att" 2>/dev/null; do
	python3 -c 'import os; os.getppid()'
	n=$((n + 1))
	[ $n -gt 100 ] && fail "attach showed nothing: $(cat "$WORK/att.err")"
	sleep 0.1
done
kill -QUIT "$apid"
wait "$apid" || fail "detach: $(cat "$WORK/att.err")"
grep -q "detached from '$B'" "$WORK/att.err" || fail "detach: $(cat "$WORK/att.err")"
ctl status "$B" | grep -q "^$B: running" || fail "b stopped at the detach"

# kill -9 the session process under load: it is restarted as a successor
load "$BASE" 60 syncfs
sleep 0.5
w=$(writer_of "$C")
kill -9 "$w"
n=0
until [ "$(writer_of "$C")" != "$w" ] && [ "$(writer_of "$C")" != 0 ]; do
	n=$((n + 1))
	[ $n -gt 300 ] && fail "c was not restarted: $(ctl status "$C"; cat "$WORK/tapd.log")"
	sleep 0.1
done
grep -q "$C: writer killed by signal 9; restart 1" "$WORK/tapd.log" ||
	fail "the death is not logged: $(cat "$WORK/tapd.log")"

# kill -9 tapd, then one writer while no tapd watches; a new tapd adopts
# the others and restarts that one
wait "$LOAD_PID"
load $((BASE + 60000)) 30 syncfs
kill -9 "$TAPD_PID"
wait "$TAPD_PID" 2>/dev/null
sleep 0.3
wc=$(cut -d' ' -f1 "$TAP_RUN_DIR/sessions/tap_$C/writer")
wa=$(cut -d' ' -f1 "$TAP_RUN_DIR/sessions/tap_$A/writer")
kill -9 "$wc"
wait_gone "$wc" || fail "c's writer $wc outlived SIGKILL"
start_tapd --no-start
grep -q "found $A: adopted (pid $wa, instance tap_$A)" "$WORK/tapd.log" ||
	fail "a was not adopted: $(cat "$WORK/tapd.log")"
grep -q "found $B: adopted" "$WORK/tapd.log" || fail "b was not adopted"
grep -q "found $C: dead (instance tap_$C recording, writer gone); restarting" "$WORK/tapd.log" ||
	fail "c's death while tapd was away: $(cat "$WORK/tapd.log")"
wait "$LOAD_PID"
n=0
until ctl status "$C" | grep -q "^$C: running"; do
	n=$((n + 1))
	[ $n -gt 300 ] && fail "c was not resumed: $(ctl status "$C")"
	sleep 0.1
done

# stop everything: dependents first; the end probes run into the files
ctl stop >"$WORK/out" 2>&1 || fail "stop: $(cat "$WORK/out")"
order=$(sed -n "s/^\(${PREFIX}_[abc]\): stopped$/\1/p" "$WORK/out" | tr '\n' ' ')
expect_eq "stop order" "$order" "$A $B $C "
for s in "$A" "$B" "$C"; do
	instance_exists "tap_$s" && fail "instance tap_$s is left"
	[ -e "$TAP_RUN_DIR/sessions/tap_$s" ] && fail "the record of $s is left"
done
expect_eq "first line" "$(head -n 1 "$LOGS/$C.log")" begin
expect_eq "last line" "$(tail -n 1 "$LOGS/$C.log")" end
expect_records "c's records" "$BASE" 90000 "$LOGS/$C.log"
ctl shutdown >/dev/null || fail "shutdown"
wait "$TAPD_PID" || fail "tapd did not exit cleanly"
TAPD_PID=
echo "90000 records through two writer kills and a tapd kill"
exit 0
