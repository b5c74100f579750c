#!/bin/sh
# Several probes on one kernel function (each its own kprobe, with its
# own fetches and filter) run their handlers in script order for every
# call, as SystemTap runs them; so do several return probes. Needs kprobe
# events: tests/vm/kprobe.sh runs it in a VM with Debian's kernel.
. "$(dirname "$0")/lib.sh"
if [ ! -e "$TRACEFS/kprobe_events" ]; then
	[ "${TAP_EXPECT_KPROBES:-}" = 1 ] && fail "this kernel has no kprobe events"
	skip "this kernel has no kprobe events (tests/vm/kprobe.sh runs this in a VM)"
fi

head -c 100 /dev/zero >"$WORK/known"
cat >"$WORK/t.tap" <<'TAP'
probe kernel.function("vfs_read") { if (pid() == target()) printf("first %d\n", $count) }
probe kernel.function("vfs_read").return { if (pid() == target()) printf("ret first %d\n", $return) }
probe kernel.function("vfs_read") { if (pid() == target()) printf("second\n") }
probe kernel.function("vfs_read") if ($count == 77) { if (pid() == target()) printf("third %d\n", $count) }
probe kernel.function("vfs_read").return { if (pid() == target()) printf("ret second\n") }
TAP
"$TAPC" -m "$PREFIX" -c "dd if=$WORK/known of=/dev/null bs=77 count=1" "$WORK/t.tap" \
	>"$WORK/out" 2>"$WORK/err" || fail "tapc failed: $(cat "$WORK/err")"
# dd's read of 77 bytes: the loader's reads before it have other counts
awk '/^first 77$/ { on = 1 } on && n < 5 { print; n++ }' "$WORK/out" >"$WORK/got"
cat >"$WORK/want" <<'OUT'
first 77
second
third 77
ret first 77
ret second
OUT
diff -u "$WORK/want" "$WORK/got" || fail "handlers ran out of script order: $(cat "$WORK/out")"
grep -q "tap_$PREFIX" "$TRACEFS/dynamic_events" && fail "kprobes left behind"
exit 0
