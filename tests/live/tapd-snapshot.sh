#!/bin/sh
# Snapshots: snapshot() in a handler of a tapd session writes the events
# the session holds (already read ones too) to a timestamped trace.dat
# next to its log, and the session records on; tapctl snapshot NAME -o
# FILE does the same on demand, and so does tapc --snapshot. A foreground
# tapc whose script calls snapshot() keeps what it read for it too.
# trace-cmd report reads every file. (This kernel has no snapshot trigger:
# tests/vm/snapshot.sh tests the in-kernel one.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-tapd.sh"
command -v trace-cmd >/dev/null || skip "trace-cmd is not installed"

# the fdatasync arguments in trace.dat $1 that are in the test's range
fds() {
	trace-cmd report "$1" 2>"$WORK/rerr" >"$WORK/report" ||
		fail "trace-cmd report $1: $(cat "$WORK/rerr")"
	sed -n 's/.*sys_enter_fdatasync: *fd: 0x\([0-9a-f]*\).*/\1/p' "$WORK/report" |
		while read -r hex; do
			n=$(printf '%d' "0x$hex")
			[ "$n" -ge "$BASE" ] && [ "$n" -lt $((BASE + 99000)) ] && echo "$n"
		done
}

S=${PREFIX}_s
TRIGGER=$((BASE + 99999))
register "$S" "probe syscall.fdatasync { if (\$fd >= $BASE && \$fd < $((BASE + 99000))) printf(\"%d\\n\", \$fd) }
probe syscall.fstatfs { if (\$fd == $TRIGGER) { println(\"snap\"); snapshot() } }" "-s 1"
start_tapd --no-start
ctl start "$S" >/dev/null || fail "start: $(ctl status "$S")"

"$WORK/closer" "$BASE" 500 0 0 fdatasync
wait_for "$LOGS/$S.log" "^$((BASE + 499))$" || fail "the session did not record"
"$WORK/closer" "$TRIGGER" 1 0 0 fstatfs
"$WORK/closer" $((BASE + 1000)) 300 0 0 fdatasync
ERR=$ROOT/run/tap/tapd/$S.err
wait_for "$ERR" "snapshot of '$S' in" || fail "no snapshot said: $(cat "$ERR")"
snap=$(sed -n "s/.*snapshot of '$S' in \(.*\)$/\1/p" "$ERR" | head -n 1)
case $snap in "$LOGS/$S-snapshot-"*.dat) ;; *) fail "snapshot name: $snap" ;; esac
# it holds the events before the trigger, read by the writer already
fds "$snap" | head -n 500 >"$WORK/got"
seq "$BASE" $((BASE + 499)) | cmp -s - "$WORK/got" || fail "the snapshot misses events before it"
grep -q "sys_enter_fstatfs" "$WORK/report" || fail "no trigger event in the snapshot"
# and the session recorded on
wait_for "$LOGS/$S.log" "^$((BASE + 1299))$" || fail "the session stopped recording"
expect_eq "records" "$(grep -c '^[0-9]*$' "$LOGS/$S.log")" 800

# on demand: everything held
out=$(ctl snapshot "$S" -o "$WORK/demand.dat") || fail "tapctl snapshot: $out"
expect_eq "tapctl snapshot" "$out" "$WORK/demand.dat"
expect_eq "events held" "$(fds "$WORK/demand.dat" | wc -l)" 800
ctl snapshot "$S" -o "$WORK/demand.dat" >/dev/null 2>&1 && fail "a snapshot overwrote a file"
out=$("$TAPC" --snapshot "$S" -o "$WORK/tapc.dat") || fail "tapc --snapshot"
expect_eq "events held (tapc)" "$(fds "$WORK/tapc.dat" | wc -l)" 800
ctl stop "$S" >/dev/null || fail "stop"
ctl snapshot "$S" >/dev/null 2>&1 && fail "a snapshot of a stopped script"
ctl shutdown >/dev/null
wait "$TAPD_PID"
TAPD_PID=

# a foreground tapc keeps what it read for snapshot() too
cat >"$WORK/fg.tap" <<TAP
probe syscall.fdatasync { if (\$fd >= $BASE && \$fd < $((BASE + 99000))) printf("%d\n", \$fd) }
probe syscall.fstatfs { if (\$fd == $TRIGGER) snapshot() }
TAP
cd "$WORK" || exit 1
"$TAPC" -m "${PREFIX}_fg" -c "sh -c '$WORK/closer $((BASE + 2000)) 50 0 0 fdatasync; $WORK/closer $TRIGGER 1 0 0 fstatfs; sleep 1'" \
	"$WORK/fg.tap" >"$WORK/fg.out" 2>"$WORK/fg.err" || fail "foreground: $(cat "$WORK/fg.err")"
fsnap=$(sed -n "s/.*snapshot of '${PREFIX}_fg' in \(.*\)$/\1/p" "$WORK/fg.err")
[ -f "$WORK/$fsnap" ] || [ -f "$fsnap" ] || fail "no foreground snapshot: $(cat "$WORK/fg.err")"
expect_eq "foreground snapshot" "$(fds "$fsnap" | wc -l)" 50
expect_eq "foreground output" "$(wc -l <"$WORK/fg.out")" 50
exit 0
