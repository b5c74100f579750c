#!/bin/sh
# syscall probes: arguments by name at entry, the return value at exit,
# the syscall's name, and a filename read with user_string().
. "$(dirname "$0")/lib.sh"
build syscalls

cat >"$WORK/t.tap" <<'TAP'
probe syscall.read {
	if (pid() == target() && $fd == 77)
		printf("%s fd=%d count=%d\n", name, $fd, $count)
}
probe syscall.read.return {
	if (pid() == target() && $return == 123)
		printf("return %d\n", retval)
}
probe syscall.openat {
	if (pid() == target() && $dfd == -100)
		printf("open %s\n", user_string($filename))
}
TAP
"$TAPC" -m "$PREFIX" -c "$WORK/syscalls 4 0 /dev/zero" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
expect_eq "entries" "$(grep -c '^read fd=77 count=123$' "$WORK/out")" 4
expect_eq "returns" "$(grep -c '^return 123$' "$WORK/out")" 4
grep -q '^open /dev/zero$' "$WORK/out" || fail "no openat of /dev/zero: $(cat "$WORK/out")"
exit 0
