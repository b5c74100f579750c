#!/bin/sh
# Kernel stacks: backtrace(), print_backtrace(), sprint_stack() read the
# stack that the kernel's stacktrace trigger records after the event;
# every event still runs once, with or without a stack of its own, and
# the events of probes without one are not taken for stacks.
. "$(dirname "$0")/lib.sh"
build closer
grep -qw stacktrace "$TRACEFS/events/syscalls/sys_enter_fsync/trigger" 2>/dev/null ||
	skip "this kernel has no stacktrace trigger"

cat >"$WORK/t.tap" <<'TAP'
probe syscall.fsync if ($fd >= 46000000 && $fd < 46000100) {
	printf("fsync %d\n", $fd)
	print_backtrace()
	println("hex ", backtrace())
	print(sprint_stack(backtrace()))
}
probe syscall.fdatasync if ($fd >= 46000000 && $fd < 46000100) { printf("fdatasync %d\n", $fd) }
TAP
"$TAPC" -m "$PREFIX" -c "$WORK/closer 46000000 3 0 0 fsync" "$WORK/t.tap" >"$WORK/out" \
	2>"$WORK/err" || fail "tapc failed: $(cat "$WORK/err")"
expect_eq "events" "$(grep -c '^fsync 4600000[0-2]$' "$WORK/out")" 3
# each event: its frames, the same addresses in hex, the frames again
frame='^ 0x[0-9a-f]\{16\} : [A-Za-z0-9_.]*+0x[0-9a-f]*/0x[0-9a-f]* \[[a-z0-9_]*\]$'
grep -q "^ 0x[0-9a-f]\{16\} : do_syscall_64+0x[0-9a-f]*/0x[0-9a-f]* \[kernel\]$" "$WORK/out" ||
	fail "no do_syscall_64 frame: $(cat "$WORK/out")"
awk -v frame="$frame" '
	/^fsync / { if (n) check(); n = 0; hex = ""; split("", a); next }
	/^hex / { hex = $0; next }
	{ a[++n] = $0 }
	function check(  i, k, words) {
		k = split(substr(hex, 5), words, " ")
		if (n != 2 * k || k < 2) { print "frames: " n ", addresses: " k; exit 1 }
		for (i = 1; i <= k; i++)
			if (a[i] != a[i + k] || index(a[i], words[i]) != 2) { print "frame " i ": " a[i]; exit 1 }
	}
	END { check() }' "$WORK/out" || fail "stacks differ: $(cat "$WORK/out")"
grep -v '^fsync \|^hex ' "$WORK/out" | grep -v "$frame" && fail "a line that is not a frame"

# a probe without stacks beside one with: nothing lost, nothing mixed up
"$TAPC" -m "${PREFIX}_b" -c "sh -c '$WORK/closer 46000010 3 0 0 fdatasync; $WORK/closer 46000020 3 0 0 fsync; $WORK/closer 46000030 3 0 0 fdatasync'" \
	"$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" || fail "tapc failed: $(cat "$WORK/err")"
expect_eq "both probes" "$(grep -v '^ \|^hex ' "$WORK/out" | tr '\n' ' ')" \
	"fdatasync 46000010 fdatasync 46000011 fdatasync 46000012 fsync 46000020 fsync 46000021 fsync 46000022 fdatasync 46000030 fdatasync 46000031 fdatasync 46000032 "
exit 0
