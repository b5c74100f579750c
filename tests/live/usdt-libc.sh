#!/bin/sh
# A shared library's function: libc's malloc, by the path of the library,
# with its argument by ABI register and, when Debian's detached debug file
# of libc is installed (libc6-dbg, found by build id), by its DWARF name.
. "$(dirname "$0")/lib.sh"
libc=/lib/x86_64-linux-gnu/libc.so.6
[ -e "$libc" ] || skip "no $libc"
build mallocprog

id=$(readelf -n "$libc" | sed -n 's/.*Build ID: //p')
dbg=/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug
if [ -f "$dbg" ]; then
	bytes='$bytes'
else
	echo "note: no $dbg (libc6-dbg): \$bytes is not checked"
	bytes='$arg1'
fi

cat >"$WORK/t.tap" <<TAP
probe process("$libc").function("malloc") {
	if (tid() == target() && (\$arg1 == 12345 || \$arg1 == 54321))
		printf("malloc %d %d\n", \$arg1, $bytes)
}
probe process("$libc").function("malloc").return {
	if (tid() == target())
		n++
}
probe end { printf("returns %s\n", n >= 2 ? "seen" : "missing") }
global n
TAP
"$TAPC" -m "$PREFIX" -c "$WORK/mallocprog" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
printf 'malloc 12345 12345\nmalloc 54321 54321\nreturns seen\n' >"$WORK/want"
diff -u "$WORK/want" "$WORK/out" || fail "malloc's arguments differ"
exit 0
