#!/bin/sh
# A kprobe in a module: module("9p").function("v9fs_file_read_iter") while
# dd reads 123 bytes of a file on a 9p mount. The module's BTF gives the
# iov_iter's count and iov_offset (in an anonymous union) and the name of
# the file. Needs kprobe events and a 9p mount: tests/vm/kprobe.sh runs it
# in a VM whose share is 9p.
. "$(dirname "$0")/lib.sh"
if [ ! -e "$TRACEFS/kprobe_events" ]; then
	[ "${TAP_EXPECT_KPROBES:-}" = 1 ] && fail "this kernel has no kprobe events"
	skip "this kernel has no kprobe events (tests/vm/kprobe.sh runs this in a VM)"
fi
dir=$(awk '$3 == "9p" && $4 ~ /^rw/ { print $2; exit }' /proc/mounts)
if [ -z "$dir" ] || ! : >"$dir/tap-known-$$" 2>/dev/null; then
	[ "${TAP_EXPECT_KPROBES:-}" = 1 ] && fail "no writable 9p mount"
	skip "no writable 9p mount (tests/vm/kprobe.sh has one)"
fi
file=$dir/tap-known-$$
trap 'rm -f "$file"; live_cleanup' EXIT
head -c 300 /dev/zero | tr '\0' y >"$file"

cat >"$WORK/t.tap" <<'TAP'
probe module("9p").function("v9fs_file_read_iter") {
	if (pid() == target())
		printf("read count=%d offset=%d pos=%d name=%s\n", $to->count,
		       $to->iov_offset, $iocb->ki_pos,
		       $iocb->ki_filp->f_path->dentry->d_name->name)
}
probe module("9p").function("v9fs_file_read*").return {
	if (pid() == target())
		printf("%s returns %d\n", probefunc(), $return)
}
TAP
"$TAPC" -m "$PREFIX" -c "dd if=$file of=/dev/null bs=123 count=1" "$WORK/t.tap" \
	>"$WORK/out" 2>"$WORK/err" || fail "tapc failed: $(cat "$WORK/err")"
got=$(awk '/^read /{ print; getline; print; exit }' "$WORK/out")
want=$(printf 'read count=123 offset=0 pos=0 name=tap-known-%s\nv9fs_file_read_iter returns 123' $$)
expect_eq "the read on 9p" "$got" "$want"
exit 0
