#!/bin/sh
# Tapset functions about the event's task and probe: uid(), euid(), gid(),
# egid() of a program run with real ids nobody and effective ids daemon
# (setpriv: each field is told apart), cmdline_str(), pid2execname(),
# ppfunc(), is_return() at entry and at return, num_online_cpus(), and
# user_string_n() cutting a string the uprobe fetched.
. "$(dirname "$0")/lib.sh"
build closer
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
nobody=$(id -u nobody) && group=$(id -g nobody) || skip "no user nobody"
daemon=$(id -u daemon) && dgroup=$(id -g daemon) || skip "no user daemon"
chmod 755 "$WORK" "$WORK/closer"

cat >"$WORK/t.tap" <<'TAP'
probe syscall.fsync if ($fd >= 48200000 && $fd < 48200100) {
	printf("ids %d %d %d %d\n", uid(), euid(), gid(), egid())
	printf("cmd %s|%s|%d|%d|%d\n", cmdline_str(), pid2execname(pid()),
	       isinstr(ppfunc(), "fsync"), is_return(), num_online_cpus())
}
probe syscall.fsync.return if (pid() == target()) {
	printf("return %d\n", is_return())
}
TAP
# the ids come from /proc when the event is handled: closer lives on a
# while after its call (a SIGUSR2 to tapc, which ignores it without -o)
"$TAPC" -m "$PREFIX" -c "setpriv --ruid=$nobody --euid=$daemon --rgid=$group --egid=$dgroup --clear-groups $WORK/closer 48200000 1 1 1000 fsync" \
	"$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" || fail "tapc failed: $(cat "$WORK/err")"
expect_eq "ids" "$(grep '^ids ' "$WORK/out")" "ids $nobody $daemon $group $dgroup"
expect_eq "cmdline" "$(grep '^cmd ' "$WORK/out")" \
	"cmd $WORK/closer 48200000 1 1 1000 fsync|closer|1|0|$(getconf _NPROCESSORS_ONLN)"
expect_eq "return" "$(grep '^return ' "$WORK/out" | sort -u)" "return 1"

# user_string_n(): the first bytes of a string the uprobe fetched (a
# syscall's path would be read when handled, after a short-lived process
# may have gone): dw_connect(&c, "localhost", ...)
src=$TAP_SRCDIR/tests/target/bin
cc -O1 -g -I"$src" -o "$WORK/dwarf" "$src/dwarf.c" || fail "cannot build dwarf"
cat >"$WORK/u.tap" <<TAP
probe process("$WORK/dwarf").function("dw_connect") {
	printf("cut %s|%s|%s\n", user_string_n(\$host, 5), user_string_n(\$host, 0),
	       user_string_n(\$host, 99))
}
TAP
"$TAPC" -m "$PREFIX" -c "$WORK/dwarf" "$WORK/u.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
expect_eq "user_string_n" "$(grep '^cut ' "$WORK/out")" "cut local||localhost"
exit 0
