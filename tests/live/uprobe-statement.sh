#!/bin/sh
# process().statement(): uprobes where the code of two source lines of a
# running program starts: each fires once, in line order, between the
# updates the lines make (@var() shows the global before and after the
# line that adds to it), named by pp() and probefunc(). Then the line's
# own variables: a parameter in a register, a string and a member through
# registers (-O1), and one on the stack below the frame base, which the
# call frame information gives (-O0). Built here from the golden
# fixtures' sources (tests/target/bin/vars*.c, dwarf.c).
. "$(dirname "$0")/lib.sh"
src=$TAP_SRCDIR/tests/target/bin
cc -O1 -g -o "$WORK/vars" "$src/vars.c" "$src/vars2.c" || fail "cannot build vars"
# the lines of 'vars_total += vars_count;' and of the return after it
line=$(grep -n 'vars_total += vars_count;' "$src/vars.c" | cut -d: -f1)
[ -n "$line" ] || fail "vars.c has no 'vars_total += vars_count;'"

cat >"$WORK/t.tap" <<TAP
probe process("$WORK/vars").statement("*@vars.c:$line") {
	printf("before %s %d %d\n", probefunc(), @var("vars_total"), @var("vars_count@vars.c"))
}
probe process("$WORK/vars").statement("vars_step@vars.c:$((line + 1))") {
	printf("after %d %s\n", @var("vars_total"), pp())
}
TAP
"$TAPC" -m "$PREFIX" -c "$WORK/vars a b" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
grep -v '^fixture' "$WORK/out" >"$WORK/got"
cat >"$WORK/want" <<OUT
before vars_step 0 6
after 6 process("$WORK/vars").statement("vars_step@vars.c:$((line + 1))")
OUT
diff -u "$WORK/want" "$WORK/got" || fail "the statements"

# variables of the line: dw_connect(&c, "localhost", 80, ...) with c.fd 3
cc -O1 -g -I"$src" -o "$WORK/dwarf" "$src/dwarf.c" || fail "cannot build dwarf"
cc -O0 -g -o "$WORK/vars0" "$src/vars.c" "$src/vars2.c" || fail "cannot build vars -O0"
cline=$(grep -n 'c->port = (short)port;' "$src/dwarf.c" | cut -d: -f1)
cat >"$WORK/t.tap" <<TAP
probe process("$WORK/dwarf").statement("dw_connect@dwarf.c:$cline") {
	printf("connect %d %s %d\n", \$port, user_string(\$host), \$c->fd)
}
probe process("$WORK/dwarf").statement("dw_connect@dwarf.c:$cline") {
	printf("vars %s\n", \$\$parms)
}
probe process("$WORK/vars0").statement("vars_step@vars.c:$line") {
	printf("step %d %d\n", \$n, @var("vars_count@vars.c"))
}
TAP
"$TAPC" -m "$PREFIX" -c "sh -c '$WORK/dwarf; $WORK/vars0 a b'" "$WORK/t.tap" >"$WORK/out" \
	2>"$WORK/err" || fail "tapc failed: $(cat "$WORK/err")"
expect_eq "the line's variables" "$(grep '^connect \|^step ' "$WORK/out" | tr '\n' '|')" \
	"connect 80 localhost 3|step 3 6|"
# \$\$parms: every parameter with its value, in hex as SystemTap prints them
grep -Eq '^vars c=0x[0-9a-f]+ host=0x[0-9a-f]+ port=0x50 timeout=0x3e8 retries=0x3 mode=0x[0-9a-f]+$' "$WORK/out" ||
	fail "\$\$parms: $(grep '^vars ' "$WORK/out")"
# each kind of place was used (the plan shows where each value is read)
"$TAPC" -p2 "$WORK/t.tap" >"$WORK/plan" 2>&1 || fail "tapc -p2: $(cat "$WORK/plan")"
grep -q " port=%dx:s32 " "$WORK/plan" && grep -q " n=-[0-9]*(%bp):s32" "$WORK/plan" ||
	fail "not a register and a frame slot: $(grep 'p:' "$WORK/plan")"
exit 0
