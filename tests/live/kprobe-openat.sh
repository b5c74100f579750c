#!/bin/sh
# Opening a known file: do_sys_openat2's signed dfd, the user string of
# its path, its struct open_how, do_filp_open's kernel copy of the name
# (struct filename), and the returned fd, all checked. Needs kprobe
# events (tests/vm/kprobe.sh runs it in a VM).
. "$(dirname "$0")/lib.sh"
if [ ! -e "$TRACEFS/kprobe_events" ]; then
	[ "${TAP_EXPECT_KPROBES:-}" = 1 ] && fail "this kernel has no kprobe events"
	skip "this kernel has no kprobe events (tests/vm/kprobe.sh runs this in a VM)"
fi

echo hello >"$WORK/known"
cat >"$WORK/t.tap" <<'TAP'
probe kernel.function("do_sys_openat2") {
	if (pid() == target())
		printf("open dfd=%d path=%s acc=%d\n", $dfd, user_string($filename),
		       $how->flags & 3)
}
probe kernel.function("do_filp_open") {
	if (pid() == target())
		printf("filp %s\n", $pathname->name)
}
probe kernel.function("do_sys_openat2").return {
	if (pid() == target())
		printf("fd %d\n", $return)
}
TAP
"$TAPC" -m "$PREFIX" -c "cat $WORK/known" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
got=$(awk -v p="$WORK/known" '$0 == "open dfd=-100 path=" p " acc=0" {
	print; getline; print; getline; print; exit }' "$WORK/out")
want=$(printf 'open dfd=-100 path=%s acc=0\nfilp %s\nfd 3' "$WORK/known" "$WORK/known")
expect_eq "the open of 'known'" "$got" "$want"
exit 0
