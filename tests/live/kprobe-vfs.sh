#!/bin/sh
# A kprobe and a kretprobe on vfs_read while dd reads 123 bytes of a known
# file: the count, the file's name through BTF members (char *, char[],
# an anonymous union in struct qstr), @cast, $$parms, and the return
# value are all checked, a condition on $count runs as the kernel's
# filter, and @entry() brings the name and count to the return. Needs
# kprobe events: tests/vm/kprobe.sh runs it in a VM with Debian's kernel.
. "$(dirname "$0")/lib.sh"
if [ ! -e "$TRACEFS/kprobe_events" ]; then
	[ "${TAP_EXPECT_KPROBES:-}" = 1 ] && fail "this kernel has no kprobe events"
	skip "this kernel has no kprobe events (tests/vm/kprobe.sh runs this in a VM)"
fi

head -c 300 /dev/zero | tr '\0' x >"$WORK/known"
cat >"$WORK/t.tap" <<'TAP'
probe kernel.function("vfs_read") {
	if (pid() == target())
		printf("entry count=%d name=%s iname=%s len=%d cast=%s %s\n", $count,
		       $file->f_path->dentry->d_name->name,
		       $file->f_path->dentry->d_iname,
		       $file->f_path->dentry->d_name->len,
		       @cast($file, "struct file")->f_path->dentry->d_name->name,
		       $$parms)
}
probe kernel.function("vfs_read") if ($count == 123) {
	if ($file->f_path->dentry->d_name->name == "known" && pid() == target())
		printf("filtered %d\n", $count)
}
probe kernel.function("vfs_read").return.maxactive(32) {
	if (pid() == target())
		printf("return %d\n", $return)
}
probe kernel.function("vfs_read").return {
	if (pid() == target() && @entry($file->f_path->dentry->d_name->name) == "known")
		printf("at return: read %d of %d\n", $return, @entry($count))
}
probe kernel.function("vfs_read") if ($count == 123) {
	if (pid() == target())
		printf("stack %s\n", sprint_backtrace())
}
TAP
"$TAPC" -m "$PREFIX" -c "dd if=$WORK/known of=/dev/null bs=123 count=1" \
	"$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" || fail "tapc failed: $(cat "$WORK/err")"
# dd reads the file once; the loader may read other files before
n=$(grep -c "^entry count=123 name=known " "$WORK/out")
expect_eq "reads of 123 bytes from 'known'" "$n" 1
grep -Eq "^entry count=123 name=known iname=known len=5 cast=known file=0x[0-9a-f]+ buf=0x[0-9a-f]+ count=0x7b pos=0x[0-9a-f]+$" \
	"$WORK/out" || fail "entry values: $(cat "$WORK/out")"
# the condition became the kprobe event's filter, which the kernel took
expect_eq "filtered reads" "$(grep -c '^filtered 123$' "$WORK/out")" 1
grep -q "refused the filter" "$WORK/err" && fail "$(cat "$WORK/err")"
# the handlers of one call in script order: both kprobes, then both kretprobes
after=$(grep -v '^stack \|^ 0x\|^$' "$WORK/out" |
	awk '/^entry count=123 name=known / { for (i = 0; i < 3; i++) { getline; print } exit }' |
	tr '\n' '|')
expect_eq "the lines that follow" "$after" "filtered 123|return 123|at return: read 123 of 123|"
# a kernel stack through the stacktrace trigger on the kprobe event:
# vfs_read's caller is in it
grep -q "^stack " "$WORK/out" && grep -q "^ 0x[0-9a-f]* : ksys_read+0x.* \[kernel\]$" "$WORK/out" ||
	fail "no ksys_read frame: $(cat "$WORK/out")"
# @entry(): the kretprobe's handler has the entry's name and count
expect_eq "@entry at return" "$(grep '^at return:' "$WORK/out")" "at return: read 123 of 123"
grep -q "tap_$PREFIX" "$TRACEFS/dynamic_events" && fail "kprobes left behind"
exit 0
