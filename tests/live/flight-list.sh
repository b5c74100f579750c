#!/bin/sh
# trace-instance list shows every instance on the machine, tap's and
# others' (one this test makes), with owner, script, buffer, events,
# entries, losses and readers; attach and stop work through it too.
. "$(dirname "$0")/lib.sh"
build closer
TI="$TAP_BUILDDIR/tools/trace-instance"
[ -x "$TI" ] || fail "no trace-instance at $TI"

FOREIGN="${PREFIX}_foreign"
mkdir "$TRACEFS/instances/$FOREIGN" || skip "cannot make an instance"
trap 'rmdir "$TRACEFS/instances/$FOREIGN" 2>/dev/null; live_cleanup' EXIT

cat >"$WORK/list.tap" <<'TAP'
probe syscall.syncfs { if ($fd >= 43000000 && $fd < 44000000) printf("%d\n", $fd) }
TAP
NAME="${PREFIX}_l"
INST="tap_$NAME"
"$TAPC" -F -m "$NAME" -s 2 "$WORK/list.tap" >/dev/null 2>"$WORK/err" || fail "-F: $(cat "$WORK/err")"
"$WORK/closer" 43000000 20 0 0 syncfs

"$TI" list >"$WORK/list" 2>"$WORK/err" || fail "list: $(cat "$WORK/err")"
head -n 1 "$WORK/list" | grep -q "INSTANCE.*TAP.*OWNER.*SCRIPT.*BUFFER.*EVENTS.*ENTRIES.*LOST.*READERS" ||
	fail "list header: $(head -n 1 "$WORK/list")"
line=$(grep "^$FOREIGN " "$WORK/list") || fail "the foreign instance is not listed"
set -- $line
expect_eq "foreign: tap" "$2" no
expect_eq "foreign: owner" "$3" -
line=$(grep "^$INST " "$WORK/list") || fail "the flight recorder is not listed"
set -- $line
expect_eq "tap" "$2" yes
expect_eq "owner" "$3" detached
expect_eq "script" "$4" list.tap
# the kernel rounds the size up to whole pages
case $5 in 204[89]K | 20[5-9]?K) ;; *) fail "buffer: $5" ;; esac
expect_eq "events" "$6" 1
[ "$7" -ge 20 ] || fail "entries: $7"
expect_eq "readers" "$9" 0
expect_eq "mode" "${10}" overwrite
"$TI" list -v | grep -A1 "^$INST " | grep -q "event syscalls:sys_enter_syncfs" ||
	fail "list -v does not show the events"

"$TI" attach "$NAME" >"$WORK/a" 2>"$WORK/a.err" &
apid=$!
BG_PIDS="$BG_PIDS $apid"
wait_for "$WORK/a" 43000019 || fail "attach: $(cat "$WORK/a.err")"
set -- $("$TI" list | grep "^$INST ")
expect_eq "readers while attached" "$9" 1
kill -QUIT "$apid"
wait "$apid" || fail "detach failed"

"$TI" stop "$NAME" 2>"$WORK/err" || fail "stop: $(cat "$WORK/err")"
instance_exists "$INST" && fail "stop left the instance"
"$TI" list | grep -q "^$INST " && fail "a stopped session is listed"
"$TI" stop "$NAME" 2>/dev/null && fail "stop of a stopped session succeeded"
instance_exists "$FOREIGN" || fail "the foreign instance was touched"
exit 0
