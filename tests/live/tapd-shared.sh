#!/bin/sh
# Shared buffers through tapd: a host (-DRELAYHOST=B -s 2) records a
# counted workload while a guest (-DRELAYGUEST=B) joins and leaves it
# online. The host's records are all there, once each, in order; the
# guest's events ran the guest's handlers, into the host's log, only while
# it was in; removing it left the host's events in place. The host does
# not stop while a guest is in, unless forced.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-tapd.sh"

H=${PREFIX}_h
G=${PREFIX}_g
BUF=${PREFIX}_buf
register "$H" "probe begin { println(\"host begin\") }
probe syscall.fdatasync { if (\$fd >= $BASE && \$fd < $((BASE + 100000))) printf(\"%d\\n\", \$fd) }
probe end { println(\"host end\") }" "-DRELAYHOST=$BUF -s 2"
register "$G" "probe begin { println(\"guest begin\") }
probe syscall.fstatfs { if (\$fd >= $BASE && \$fd < $((BASE + 100000))) printf(\"guest %d\\n\", \$fd) }
probe end { println(\"guest end\") }" "--shared-guest $BUF" "$H"
start_tapd --no-start
ctl start "$H" >"$WORK/out" 2>&1 || fail "host: $(cat "$WORK/out")"
grep -q "^$H: started (pid [0-9]*, instance tap_$BUF)$" "$WORK/out" || fail "host: $(cat "$WORK/out")"
instance_exists "tap_$BUF" || fail "no instance tap_$BUF"

# the host's workload runs throughout; the guest joins and leaves
load "$BASE" 60 fdatasync
sleep 0.3
ctl start "$G" >"$WORK/out" 2>&1 || fail "guest: $(cat "$WORK/out"; cat "$WORK/tapd.log")"
ctl status "$G" | grep -q "^$G: running (a guest in shared buffer tap_$BUF)" ||
	fail "guest status: $(ctl status "$G")"
"$WORK/closer" $((BASE + 70000)) 100 0 0 fstatfs
# a host with a guest does not stop
ctl stop "$H" >"$WORK/out" 2>&1 && fail "the host stopped under its guest"
grep -q "^$H: not stopped: it hosts a shared buffer with guests" "$WORK/out" ||
	fail "refusal: $(cat "$WORK/out")"
sleep 0.3
ctl stop "$G" >"$WORK/out" 2>&1 || fail "guest stop: $(cat "$WORK/out")"
# after it left: its events are not recorded, its handlers gone
"$WORK/closer" $((BASE + 80000)) 100 0 0 fstatfs
wait "$LOAD_PID"
grep -q "tap_$G" "$TRACEFS/dynamic_events" && fail "the guest's events are left"
[ "$(cat "$TRACEFS/instances/tap_$BUF/events/syscalls/sys_enter_fstatfs/enable")" = 0 ] ||
	fail "the guest's event is still enabled"

# a guest again, then stop --force: it leaves first
ctl start "$G" >/dev/null 2>&1 || fail "guest again"
ctl stop --force "$H" >"$WORK/out" 2>&1 || fail "stop --force: $(cat "$WORK/out")"
grep -q "^$G: left shared buffer tap_$BUF" "$WORK/out" || fail "force: $(cat "$WORK/out")"
instance_exists "tap_$BUF" && fail "the instance is left"

log=$LOGS/$H.log
expect_records "the host's records" "$BASE" 60000 "$log"
sed -n 's/^guest //p' "$log" | grep -E '^[0-9]+$' >"$WORK/g"
seq $((BASE + 70000)) $((BASE + 70099)) >"$WORK/gwant"
cmp -s "$WORK/g" "$WORK/gwant" || fail "the guest's records: $(wc -l <"$WORK/g") of 100"
expect_eq "guest begins" "$(grep -c '^guest begin$' "$log")" 2
expect_eq "guest ends" "$(grep -c '^guest end$' "$log")" 2
expect_eq "last line" "$(tail -n 1 "$log")" "host end"
echo "host: 60000 records, guest: 100 while in, none after"
ctl shutdown >/dev/null
wait "$TAPD_PID"
TAPD_PID=
exit 0
