#!/bin/sh
# The previous boot's events: at start, tapd copies what a persistent
# boot-mapped instance (Linux 6.12+, last_boot_info) holds of the last boot
# into LOG_PATH, once per boot, and leaves instances recording this boot
# alone; without one, it says what the running kernel offers. The
# boot-mapped instance is a fake tracefs here (TAP_TRACEFS): a real one
# needs a reboot with reserve_mem= and trace_instance=.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-tapd.sh"

# this machine: what its kernel offers
start_tapd --no-start
ctl shutdown >/dev/null
wait "$TAPD_PID"
TAPD_PID=
case $(uname -r) in
[0-5].* | 6.[0-9].* | 6.1[01].*)
	grep -q "this kernel keeps no trace buffer across a reboot (a persistent boot-mapped instance needs Linux 6.12)" \
		"$WORK/tapd.log" || fail "old kernel: $(cat "$WORK/tapd.log")" ;;
*)
	if ! ls "$TRACEFS"/instances/*/last_boot_info >/dev/null 2>&1; then
		grep -q "no persistent boot-mapped instance; to keep the last boot's events boot with reserve_mem=12M:4096:trace trace_instance=boot_map^traceoff@trace" \
			"$WORK/tapd.log" || fail "no boot-mapped instance said: $(cat "$WORK/tapd.log")"
	fi ;;
esac

# a boot-mapped instance with the last boot's events, one with this boot's
FAKE=$WORK/tracefs
mkdir -p "$FAKE/instances/boot_map" "$FAKE/instances/live_map" "$FAKE/instances/plain"
printf 'text delta:\t-268435456\ndata delta:\t-268435456\n' >"$FAKE/instances/boot_map/last_boot_info"
printf '# tracer: nop\n          <idle>-0     [000] d..1.   123.456789: sched_switch: prev_comm=swapper/0\n' \
	>"$FAKE/instances/boot_map/trace"
printf '# Current\n' >"$FAKE/instances/live_map/last_boot_info"
printf 'this boot\n' >"$FAKE/instances/live_map/trace"
printf 'not boot-mapped\n' >"$FAKE/instances/plain/trace"
TAP_TRACEFS=$FAKE start_tapd --no-start
files=$(ls "$LOGS" | grep previous-boot)
expect_eq "collected" "$(echo "$files" | sed 's/-[0-9]*-[0-9]*\.txt$//')" "boot_map-previous-boot"
cmp -s "$LOGS/$files" "$FAKE/instances/boot_map/trace" || fail "the copy differs"
expect_eq "mode" "$(stat -c %a "$LOGS/$files")" 640
grep -q "saved the previous boot's events of boot-mapped instance 'boot_map' in $LOGS/$files" \
	"$WORK/tapd.log" || fail "not logged: $(cat "$WORK/tapd.log")"
grep -q "boot-mapped instance 'live_map' records this boot" "$WORK/tapd.log" || fail "live_map"
ctl shutdown >/dev/null
wait "$TAPD_PID"
# a second tapd of the same boot leaves it
TAP_TRACEFS=$FAKE start_tapd --no-start
expect_eq "files" "$(ls "$LOGS" | grep -c previous-boot)" 1
ctl shutdown >/dev/null
wait "$TAPD_PID"
TAPD_PID=
exit 0
