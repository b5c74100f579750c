#!/bin/sh
# process().plt(): a uprobe on the PLT stub through which a program calls
# libc's fsync, and a uretprobe on it: every call once, with its argument
# and return value, named by $$name and probefunc(). The program is built
# here twice: plainly (.plt, .plt.got) and with IBT (-fcf-protection:
# .plt.sec, whose stubs start with endbr64); in both, a glob over the PLT
# takes the same stubs as objdump's <name@plt> labels.
. "$(dirname "$0")/lib.sh"
build closer
cc -O1 -g -fcf-protection=full -Wl,-z,ibtplt -o "$WORK/closer-ibt" \
	"$TAP_SRCDIR/tests/live/progs/closer.c" || fail "cannot build closer with IBT"
command -v objdump >/dev/null || skip "objdump (binutils) is not installed"

for prog in closer closer-ibt; do
	readelf -SW "$WORK/$prog" | grep -q ' \.plt ' || skip "the compiler made no PLT (-fno-plt?)"
	cat >"$WORK/t.tap" <<TAP
probe process("$WORK/$prog").plt("fsync") {
	printf("call %s %s %d\n", \$\$name, probefunc(), \$arg1)
}
# without DWARF \$return is the whole of %rax; fsync's int is its low half
probe process("$WORK/$prog").plt("fsync").return {
	printf("return %s %d\n", \$\$name, \$return & 0xffffffff)
}
TAP
	"$TAPC" -m "$PREFIX" -c "$WORK/$prog 48100000 3 0 0 fsync" "$WORK/t.tap" >"$WORK/out" \
		2>"$WORK/err" || fail "$prog: tapc failed: $(cat "$WORK/err")"
	cat >"$WORK/want" <<'OUT'
call fsync fsync 48100000
return fsync 4294967295
call fsync fsync 48100001
return fsync 4294967295
call fsync fsync 48100002
return fsync 4294967295
OUT
	diff -u "$WORK/want" "$WORK/out" || fail "$prog: PLT calls"

	# every stub, where objdump puts it (the file offset is the address in
	# a PIE's first segments)
	"$TAPC" -p2 -e "probe process(\"$WORK/$prog\").plt(\"*\") { }" >"$WORK/plan" 2>&1 ||
		fail "$prog: tapc -p2: $(cat "$WORK/plan")"
	sed -n "s/^append dynamic_events 'p:[^ ]*_plt_[0-9]* [^:]*:0x\([0-9a-f]*\).*/\1/p" \
		"$WORK/plan" | sort >"$WORK/ours"
	objdump -d -j .plt -j .plt.sec -j .plt.got "$WORK/$prog" |
		sed -n 's/^0*\([0-9a-f]*\) <[A-Za-z_][A-Za-z0-9_]*@plt>:$/\1/p' | sort >"$WORK/theirs"
	[ "$(wc -l <"$WORK/ours")" -ge 4 ] || fail "$prog: $(wc -l <"$WORK/ours") stubs: $(cat "$WORK/plan")"
	diff -u "$WORK/theirs" "$WORK/ours" || fail "$prog: the stubs differ from objdump's"
done
exit 0
