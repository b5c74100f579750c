#!/bin/sh
# Log files that cannot be written: a symlink at the name and a missing
# directory are refused at the start; a full disk, a directory removed
# while tapc runs and a name that cannot be opened are reported once,
# while the events wait in the kernel, and retried (a full disk every
# second, an open at the next switch); nothing is lost or doubled.
. "$(dirname "$0")/lib.sh"
build closer
# a name of its own: another run of this test on the machine makes the
# same calls
CLOSER=cl$$
mv "$WORK/closer" "$WORK/$CLOSER"

cat >"$WORK/t.tap" <<TAP
probe begin { println("ready") }
probe syscall.fchdir {
	if (\$fd >= 30000000 && \$fd < 31000000 && execname() == "$CLOSER")
		printf("%d\\n", \$fd)
}
TAP

# never through a symlink, never into a directory that is not there
ln -s "$WORK/target" "$WORK/link"
"$TAPC" -m "${PREFIX}_l" -o "$WORK/link" "$WORK/t.tap" 2>"$WORK/err" &&
	fail "tapc wrote through a symlink"
grep -q "symbolic link" "$WORK/err" || fail "symlink: $(cat "$WORK/err")"
[ -e "$WORK/target" ] && fail "the symlink's target was created"
"$TAPC" -m "${PREFIX}_d" -o "$WORK/nodir/log" "$WORK/t.tap" 2>"$WORK/err" &&
	fail "tapc made a log file in a missing directory"
grep -q "No such file or directory" "$WORK/err" || fail "missing dir: $(cat "$WORK/err")"
[ -d "$WORK/nodir" ] && fail "tapc made the missing directory"
instance_exists "tap_${PREFIX}_d" && fail "an instance was left behind"

# an existing file is appended to, never truncated
echo old >"$WORK/keep"
"$TAPC" -m "${PREFIX}_k" -o "$WORK/keep" -c "$WORK/$CLOSER 30000000 2 0 0 fchdir" "$WORK/t.tap" \
	2>"$WORK/err" || fail "append: $(cat "$WORK/err")"
expect_eq "appended file" "$(tr '\n' ' ' <"$WORK/keep")" "old ready 30000000 30000001 "

# start tapc in the background on log file $1 (session $2)
start() {
	"$TAPC" -m "${PREFIX}_$2" -o "$1" "$WORK/t.tap" 2>"$WORK/err" &
	pid=$!
	BG_PIDS="$BG_PIDS $pid"
	wait_for "$1" ready || fail "tapc did not start: $(cat "$WORK/err")"
}

stop() {
	kill -INT "$pid"
	wait "$pid" || fail "tapc failed: $(cat "$WORK/err")"
}

# a switch of session $1 that must fail, and say so
rotate_fails() {
	"$TAPC" --rotate "${PREFIX}_$1" >"$WORK/rot" 2>&1 && fail "a switch succeeded: $(cat "$WORK/rot")"
	grep -q "cannot switch the log file of '${PREFIX}_$1'" "$WORK/rot" ||
		fail "a failed switch: $(cat "$WORK/rot")"
}

# $1 file, $2 first, $3 last: the file holds exactly first..last after ready
expect_records() {
	expect_eq "$1" "$(grep -v ready "$1" | tr '\n' ' ')" "$(seq "$2" "$3" | tr '\n' ' ')"
}

# the directory goes away: switches fail until it is back
mkdir "$WORK/d"
start "$WORK/d/log" rm
"$WORK/$CLOSER" 30000000 5 0 0 fchdir
wait_for "$WORK/d/log" 30000004 || fail "no records before the removal"
rm -rf "$WORK/d"
# tapc --rotate waits for the session's answer: each switch is done when it returns
rotate_fails rm
wait_for "$WORK/err" "cannot open" || fail "the failed switch was not reported"
"$WORK/$CLOSER" 30000005 5 0 0 fchdir
rotate_fails rm
mkdir "$WORK/d"
"$TAPC" --rotate "${PREFIX}_rm" >"$WORK/rot" 2>&1 || fail "the switch after the directory came back: $(cat "$WORK/rot")"
wait_for "$WORK/d/log.3" 30000009 || fail "held records not written after the directory came back: $(ls "$WORK/d") $(cat "$WORK/err")"
"$WORK/$CLOSER" 30000010 5 0 0 fchdir
wait_for "$WORK/d/log.3" 30000014 || fail "no records after the directory came back"
stop
expect_eq "reports of the missing directory" "$(grep -c "cannot open" "$WORK/err")" 1
grep -q "writing '$WORK/d/log.3' again" "$WORK/err" || fail "recovery not said: $(cat "$WORK/err")"
expect_records "$WORK/d/log.3" 30000005 30000014

# a name that cannot be opened (a directory is there): the next switch
mkdir "$WORK/u" "$WORK/u/log.1"
start "$WORK/u/log" dir
"$WORK/$CLOSER" 30000000 3 0 0 fchdir
wait_for "$WORK/u/log" 30000002 || fail "no records before the switch"
rotate_fails dir
wait_for "$WORK/err" "cannot open '$WORK/u/log.1'" || fail "the bad name was not reported: $(cat "$WORK/err")"
"$WORK/$CLOSER" 30000003 3 0 0 fchdir
"$TAPC" --rotate "${PREFIX}_dir" >"$WORK/rot" 2>&1 || fail "the switch to log.2: $(cat "$WORK/rot")"
wait_for "$WORK/u/log.2" 30000005 || fail "held records not written to log.2"
stop
expect_records "$WORK/u/log.2" 30000003 30000005

# a full disk: a small tmpfs, nearly filled
mkdir "$WORK/full"
mount -t tmpfs -o size=256k tmpfs "$WORK/full" || skip "cannot mount a tmpfs"
trap 'umount "$WORK/full" 2>/dev/null; live_cleanup' EXIT
dd if=/dev/zero of="$WORK/full/filler" bs=1k count=248 2>/dev/null
start "$WORK/full/log" full
# 2000 records of 8 bytes: 16 KB for 8 KB of room
"$WORK/$CLOSER" 30000000 2000 0 0 fchdir
wait_for "$WORK/err" "No space left on device" || fail "the full disk was not reported"
sleep 2.5
expect_eq "reports of the full disk" "$(grep -c "No space" "$WORK/err")" 1
rm "$WORK/full/filler"
wait_for "$WORK/full/log" 30001999 || fail "held records not written once there was room"
"$WORK/$CLOSER" 30002000 5 0 0 fchdir
wait_for "$WORK/full/log" 30002004 || fail "no records after the disk had room"
stop
grep -q "writing '$WORK/full/log' again" "$WORK/err" || fail "recovery not said: $(cat "$WORK/err")"
grep -q "lost" "$WORK/err" && fail "events were lost: $(cat "$WORK/err")"
expect_records "$WORK/full/log" 30000000 30002004
exit 0
