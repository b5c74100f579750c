#!/bin/sh
# @entry() in return probes: values taken at the entry of each call,
# recursive calls each with their own (innermost returns first), strings
# too, and an @entry() in the probe's condition; on a syscall as well.
. "$(dirname "$0")/lib.sh"
build target
build closer

cat >"$WORK/u.tap" <<TAP
probe process("$WORK/target").function("target_fact").return {
	printf("fact(%d) = %d, %s\n", @entry(\$arg1), \$return,
	       @entry(gettimeofday_ns()) <= gettimeofday_ns() ? "in time" : "out of time")
}
probe process("$WORK/target").function("target_name").return if (@entry(\$arg2) > 0) {
	printf("name %s x %d = %d\n", @entry(user_string(\$arg1)), @entry(\$arg2), \$return)
}
TAP
"$TAPC" -m "$PREFIX" -c "$WORK/target 3 5" "$WORK/u.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
cat >"$WORK/want" <<'OUT'
name odd x 1 = 3
name even-number x 2 = 22
fact(1) = 1, in time
fact(2) = 2, in time
fact(3) = 6, in time
fact(4) = 24, in time
fact(5) = 120, in time
OUT
diff -u "$WORK/want" "$WORK/out" || fail "uprobe @entry values differ"

# a syscall: the fd of fsync(2) at return, with its error; the condition
# tests the entry value, so it cannot be a kernel filter
cat >"$WORK/s.tap" <<'TAP'
probe syscall.fsync.return if (@entry($fd) >= 43000000 && @entry($fd) < 43000005) {
	printf("%d %d\n", @entry($fd), $return)
}
TAP
"$TAPC" -m "${PREFIX}_s" -c "$WORK/closer 43000000 5 0 0 fsync" "$WORK/s.tap" >"$WORK/out" \
	2>"$WORK/err" || fail "tapc failed: $(cat "$WORK/err")"
expect_eq "syscall @entry" "$(tr '\n' ' ' <"$WORK/out")" \
	"43000000 -9 43000001 -9 43000002 -9 43000003 -9 43000004 -9 "
exit 0
