#!/bin/sh
# syscall probes: arguments by name at entry, the return value at exit,
# the syscall's name, a filename read with user_string(), and the
# tapset's bare argument names (filename, flags, ...).
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

# the syscall tapset's argument names: the path quoted and escaped as
# user_string_quoted() gives it, the numbers as they were passed
build opener
cat >"$WORK/n.tap" <<'TAP'
probe syscall.openat if (pid() == target()) {
	printf("%s dfd=%d flags=%d mode=%d\n", filename, dfd, flags & 3, mode)
}
TAP
"$TAPC" -m "${PREFIX}_n" -c "$WORK/opener" "$WORK/n.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
grep nonexistent-tap "$WORK/out" | head -n 3 >"$WORK/got"
cat >"$WORK/want" <<'OUT'
"/nonexistent-tap/plain" dfd=-100 flags=0 mode=0
"/nonexistent-tap/quote\"back\\slash" dfd=-100 flags=0 mode=0
"/nonexistent-tap/nl\ntab\tcr\rbell\a\001\037\177" dfd=-100 flags=0 mode=0
OUT
diff -u "$WORK/want" "$WORK/got" || fail "tapset names differ"
exit 0
