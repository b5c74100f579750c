#!/bin/sh
# Parameters and members through DWARF, on the golden tests' DWARF program
# built here: registers and stack slots, signed and unsigned widths,
# bitfields, strings, a struct in registers and one in memory, returns.
# Then the same values from a stripped copy whose DWARF is found by build
# id (TAP_DEBUGINFO_PATH), from one with a .gnu_debuglink, and from a
# non-PIE build.
. "$(dirname "$0")/lib.sh"
src=$TAP_SRCDIR/tests/target/bin/dwarf.c
cc -O1 -g -o "$WORK/dwarf" "$src" || fail "cannot build dwarf.c"

# script BINARY: the probes, on BINARY
script() {
	cat <<TAP
probe process("$1").function("dw_connect") {
	printf("connect fd=%d host=%s port=%d timeout=%d retries=%d mode=%d\n",
	       \$c->fd, user_string(\$host), \$port, \$timeout, \$retries, \$mode)
	printf("conn name=%s flags=%d state=%d y=%d id=%d hist2=%d peer=%d\n",
	       \$c->name, \$c->flags, \$c->state, \$c->origin->y, \$c->id,
	       \$c->hist[2], \$c->peer)
	println(\$\$parms)
}
probe process("$1").function("dw_connect").return { printf("ret %d\n", \$return) }
probe process("$1").function("dw_many") { printf("many %d %d %d\n", \$a, \$g, \$h) }
probe process("$1").function("dw_point") { printf("point %d %d %d\n", \$p->x, \$p->y, \$z) }
probe process("$1").function("dw_big") { printf("big %d %d\n", \$b->a[1], \$k) }
probe process("$1").function("dw_name").return { printf("name %s\n", user_string(\$return)) }
probe process("$1").function("dw_origin").return { printf("origin %d %d\n", \$return->x, \$return->y) }
TAP
}

# run BINARY: traces BINARY myhost; its own output goes elsewhere
run() {
	script "$1" >"$WORK/t.tap"
	# tapc appends to a file it did not create in this run
	rm -f "$WORK/out"
	"$TAPC" -m "$PREFIX" -o "$WORK/out" -c "$1 myhost" "$WORK/t.tap" >/dev/null 2>"$WORK/err" ||
		fail "tapc failed on $1: $(cat "$WORK/err")"
	# the pointers in $$parms differ from run to run
	sed 's/^c=0x[0-9a-f]* host=0x[0-9a-f]* /c=PTR host=PTR /' "$WORK/out"
}

cat >"$WORK/want" <<'OUT'
connect fd=3 host=myhost port=80 timeout=1000 retries=3 mode=2
conn name=first flags=5 state=17 y=9 id=77 hist2=0 peer=0
c=PTR host=PTR port=0x50 timeout=0x3e8 retries=0x3 mode=0x2
ret 1008
many 1 -7 -8
point 2 -2 3
big 2 2
name first
origin 7 9
OUT
run "$WORK/dwarf" >"$WORK/got"
diff -u "$WORK/want" "$WORK/got" || fail "values through DWARF differ"

# a stripped copy: symbols and DWARF from the build id's debug file
id=$(readelf -n "$WORK/dwarf" | sed -n 's/.*Build ID: //p')
[ -n "$id" ] || fail "no build id"
dir=$WORK/debug/.build-id/$(echo "$id" | cut -c1-2)
mkdir -p "$dir"
objcopy --only-keep-debug "$WORK/dwarf" "$dir/$(echo "$id" | cut -c3-).debug"
strip --strip-all -o "$WORK/stripped" "$WORK/dwarf"
TAP_DEBUGINFO_PATH=$WORK/none:$WORK/debug
export TAP_DEBUGINFO_PATH
run "$WORK/stripped" >"$WORK/got"
diff -u "$WORK/want" "$WORK/got" || fail "values through the build id's DWARF differ"
unset TAP_DEBUGINFO_PATH

# .gnu_debuglink, the debug file in .debug/ beside the binary
mkdir -p "$WORK/linked/.debug"
objcopy --only-keep-debug "$WORK/dwarf" "$WORK/linked/.debug/dwarf.debug"
strip --strip-debug --remove-section=.note.gnu.build-id -o "$WORK/linked/dwarf" "$WORK/dwarf"
objcopy --add-gnu-debuglink="$WORK/linked/.debug/dwarf.debug" "$WORK/linked/dwarf"
run "$WORK/linked/dwarf" >"$WORK/got"
diff -u "$WORK/want" "$WORK/got" || fail "values through the debuglink's DWARF differ"

# a position-dependent executable: file offsets differ from addresses
cc -O1 -g -no-pie -o "$WORK/nopie" "$src" || fail "cannot build dwarf.c -no-pie"
run "$WORK/nopie" >"$WORK/got"
diff -u "$WORK/want" "$WORK/got" || fail "values in the non-PIE build differ"
exit 0
