#!/bin/sh
# Plan files and tapd's plan cache. Every golden plan, written as a plan
# file and run from it, prints the same plan and handler table (tapc -p2).
# tapd compiles a script's plan into CACHE_PATH/<release>/NAME.plan,
# leaves it while the script, NAME_OPT and kernel stay the same, and
# compiles again when one changes. A precompiled plan dropped into the
# cache, for a uprobe with DWARF parameters, runs where the binary has no
# DWARF any more and no script is registered; one compiled for another
# kernel is refused, saying why.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-tapd.sh"

# plan files replay the compile: same plan, same handler table
cd "$TAP_SRCDIR/tests/compile" || fail "no golden tests"
n=0
for f in *.tap; do
	args=$(sed -n 's/^# args: //p' "$f" | head -n 1)
	sargs=$(sed -n 's/^# script-args: //p' "$f" | head -n 1)
	target=$(echo "${args:---target ../target}" | grep -o -- "--target [^ ]*")
	# shellcheck disable=SC2086
	"$TAPC" -p2 ${args:---target ../target} "$f" $sargs >"$WORK/want" 2>/dev/null || continue
	# shellcheck disable=SC2086
	"$TAPC" ${args:---target ../target} --compile-to "$WORK/p.plan" "$f" $sargs 2>"$WORK/err" ||
		fail "--compile-to $f: $(cat "$WORK/err")"
	# shellcheck disable=SC2086
	"$TAPC" $target --plan "$WORK/p.plan" -p2 >"$WORK/got" 2>"$WORK/err" ||
		fail "--plan $f: $(cat "$WORK/err")"
	cmp -s "$WORK/want" "$WORK/got" || fail "$f: the plan file gives another plan: $(diff "$WORK/want" "$WORK/got" | head -5)"
	n=$((n + 1))
done
cd "$WORK" || exit 1
[ "$n" -ge 40 ] || fail "only $n golden plans replayed"
echo "$n golden plans replayed from plan files"

# the cache: compiled once, again when the script or its options change
S=${PREFIX}_s
REL=$(uname -r)
CACHE=$ROOT/var/cache/tap/$REL
register "$S" 'probe syscall.getppid { }' "-s 1"
start_tapd --no-start
ctl start "$S" >/dev/null || fail "start: $(ctl status "$S")"
grep -q "compiling $S into $CACHE/$S.plan (no plan in the cache yet)" "$WORK/tapd.log" ||
	fail "not compiled into the cache: $(cat "$WORK/tapd.log")"
grep -q "^#@ identity $REL " "$CACHE/$S.plan" || fail "no identity in the plan"
ctl compile "$S" >"$WORK/out" || fail "compile: $(cat "$WORK/out")"
expect_eq "compile" "$(cat "$WORK/out")" "$S: up to date: $CACHE/$S.plan"
printf 'probe syscall.getppid { }\nprobe syscall.getpid { }\n' >"$ROOT/etc/tap/script.d/$S.tap"
ctl compile "$S" >"$WORK/out" || fail "compile: $(cat "$WORK/out")"
expect_eq "compile after an edit" "$(cat "$WORK/out")" "$S: compiled into $CACHE/$S.plan"
grep -q "'.*$S.tap' changed since the plan was compiled" "$WORK/tapd.log" || fail "no reason logged"
echo "${S}_OPT=\"-s 2\"" >"$ROOT/etc/tap/conf.d/$S.conf"
ctl reload >/dev/null || fail "reload"
ctl compile "$S" >"$WORK/out" || fail "compile: $(cat "$WORK/out")"
expect_eq "compile after NAME_OPT" "$(cat "$WORK/out")" "$S: compiled into $CACHE/$S.plan"
grep -q "^#@ buffer_kb 2048$" "$CACHE/$S.plan" || fail "-s 2 is not in the plan"
ctl stop "$S" >/dev/null || fail "stop"

# a precompiled plan: built where the binary has DWARF, run where it has not
cc -O1 -g -o "$WORK/dwarf" "$TAP_SRCDIR/tests/target/bin/dwarf.c" || fail "cannot build dwarf.c"
P=${PREFIX}_p
cat >"$WORK/p.tap" <<TAP
probe process("$WORK/dwarf").function("dw_many") { printf("many %d %d %d\n", \$a, \$g, \$h) }
TAP
"$TAPC" -F -m "$P" --compile-to "$WORK/p.plan" "$WORK/p.tap" 2>"$WORK/err" ||
	fail "--compile-to: $(cat "$WORK/err")"
strip -g "$WORK/dwarf" || fail "strip"
"$TAPC" -p2 "$WORK/p.tap" >/dev/null 2>&1 && fail "the stripped binary still compiles"
cp "$WORK/p.plan" "$CACHE/$P.plan"
ctl reload >/dev/null || fail "reload"
ctl start "$P" >"$WORK/out" 2>&1 || fail "start a precompiled plan: $(cat "$WORK/out")"
"$WORK/dwarf" myhost >/dev/null
wait_for "$LOGS/$P.log" "^many 1 -7 -8$" || fail "no DWARF values from the plan: $(cat "$LOGS/$P.log")"
# its writer's successor rebuilds it from the session's copy of the plan
w=$(writer_of "$P")
kill -9 "$w"
n=0
until [ "$(writer_of "$P")" != "$w" ] && [ "$(writer_of "$P")" != 0 ]; do
	n=$((n + 1))
	[ $n -gt 300 ] && fail "p was not resumed: $(ctl status "$P")"
	sleep 0.1
done
"$WORK/dwarf" myhost >/dev/null
n=0
until [ "$(grep -c '^many 1 -7 -8$' "$LOGS/$P.log")" = 2 ]; do
	n=$((n + 1))
	[ $n -gt 100 ] && fail "after the resume: $(cat "$LOGS/$P.log")"
	sleep 0.1
done
ctl compile "$P" >"$WORK/out" || fail "compile of a precompiled plan"
expect_eq "precompiled" "$(cat "$WORK/out")" "$P: precompiled plan $CACHE/$P.plan, used as it is"
ctl stop "$P" >/dev/null || fail "stop p"

# one for another kernel: refused with the reason
Q=${PREFIX}_q
sed -e "s/^#@ identity .*/#@ identity 0.0.1-other -/" -e "s/$P/$Q/g" "$WORK/p.plan" >"$CACHE/$Q.plan"
ctl reload >/dev/null || fail "reload"
ctl start "$Q" >"$WORK/out" 2>&1 && fail "a plan for another kernel started"
ctl status "$Q" | grep -q "^$Q: failed: the plan '$CACHE/$Q.plan' does not fit this kernel: it was compiled for kernel 0.0.1-other, and this is $REL" ||
	fail "refusal: $(ctl status "$Q")"
ctl shutdown >/dev/null
wait "$TAPD_PID"
TAPD_PID=
exit 0
