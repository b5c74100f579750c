#!/bin/sh
# Raw recordings: a script without handlers (or --raw) writes the events
# themselves as trace.dat, which trace-cmd report reads event for event;
# with -S every file is complete on its own and only the newest N remain;
# a file that exists is never overwritten.
. "$(dirname "$0")/lib.sh"
build closer
command -v trace-cmd >/dev/null || skip "trace-cmd is not installed"

# the closer's close() (or $2) arguments in trace.dat file $1, in decimal
closes() {
	trace-cmd report "$1" >"$WORK/report" 2>"$WORK/rerr" ||
		fail "trace-cmd report $1: $(cat "$WORK/rerr")"
	sed -n "s/^ *closer-[0-9]* *\[[0-9]*\] *[0-9.]*: sys_enter_${2:-close}: *fd: 0x\([0-9a-f]*\).*$/\1/p" \
		"$WORK/report" | while read -r hex; do
		n=$(printf '%d' "0x$hex")
		[ "$n" -ge 20000000 ] && [ "$n" -lt 23000000 ] && echo "$n"
	done
}

cat >"$WORK/bare.tap" <<'TAP'
probe syscall.close { }
TAP
"$TAPC" -m "${PREFIX}_b" -o "$WORK/t.dat" -c "$WORK/closer 20000000 5000" "$WORK/bare.tap" \
	>"$WORK/out" 2>"$WORK/err" || fail "raw run: $(cat "$WORK/err")"
expect_eq "mode" "$(stat -c %a "$WORK/t.dat")" 640
closes "$WORK/t.dat" >"$WORK/got"
seq 20000000 20004999 >"$WORK/want"
cmp -s "$WORK/got" "$WORK/want" ||
	fail "events differ: $(wc -l <"$WORK/got") of 5000; the report has $(grep -c sys_enter_close "$WORK/report") close events, such as: $(grep -m 3 sys_enter_close "$WORK/report")"
# the trace.dat knows the task names (saved cmdlines) and the clock
grep -q "closer-" "$WORK/report" || fail "no task names in the report"
trace-cmd report --stat "$WORK/t.dat" >/dev/null 2>&1 || true

# --raw with handlers: the events are recorded, begin and end still run
cat >"$WORK/handlers.tap" <<'TAP'
probe begin { println("begin ran") }
probe syscall.close { printf("not printed %d\n", $fd) }
probe end { println("end ran") }
TAP
"$TAPC" -m "${PREFIX}_r" --raw -o "$WORK/h.dat" -c "$WORK/closer 21000000 10" "$WORK/handlers.tap" \
	>"$WORK/out" 2>"$WORK/err" || fail "--raw run: $(cat "$WORK/err")"
expect_eq "handler output" "$(tr '\n' ' ' <"$WORK/out")" "begin ran end ran "
expect_eq "events" "$(closes "$WORK/h.dat" | tr '\n' ' ')" "$(seq 21000000 21000009 | tr '\n' ' ')"

# never over an existing file
echo keep >"$WORK/exists.dat"
"$TAPC" -m "${PREFIX}_e" --raw -o "$WORK/exists.dat" "$WORK/bare.tap" 2>"$WORK/err" &&
	fail "an existing file was overwritten"
grep -q "exists" "$WORK/err" || fail "existing file: $(cat "$WORK/err")"
expect_eq "existing file" "$(cat "$WORK/exists.dat")" keep
"$TAPC" --raw "$WORK/bare.tap" 2>"$WORK/err" && fail "--raw without -o was accepted"

# -S: files of about 64 KB of pages, the newest 2 kept, each complete
# (fstatfs: no other test floods the files with it). The closer stays on
# one CPU: a CPU's partly filled page stays in the kernel until it fills
# or the run ends, so with a second CPU its older events would land in a
# later file and the newest files would not be one run of events.
cat >"$WORK/statfs.tap" <<'TAP'
probe syscall.fstatfs { }
TAP
mkdir "$WORK/rot"
"$TAPC" -m "${PREFIX}_s" -s 4 -o "$WORK/rot/r.dat" -S 64K,2 \
	-c "taskset -c 0 $WORK/closer 22000000 30000 0 0 fstatfs" "$WORK/statfs.tap" 2>"$WORK/err" ||
	fail "raw -S run: $(cat "$WORK/err")"
ls "$WORK/rot" >"$WORK/names"
expect_eq "files kept" "$(wc -l <"$WORK/names")" 2
last=$(sort -t. -k3n "$WORK/names" | tail -n 1)
prev=$(sort -t. -k3n "$WORK/names" | head -n 1)
expect_eq "numbers" "${last##*.}" "$((${prev##*.} + 1))"
[ "${last##*.}" -ge 4 ] || fail "too few files: $(cat "$WORK/names")"
for f in $prev $last; do
	size=$(stat -c %s "$WORK/rot/$f")
	# 64 KB of pages passed by one page at most, plus the header area
	[ "$size" -le $((64 * 1024 + 4096 + 80 * 1024)) ] || fail "$f is $size bytes"
done
closes "$WORK/rot/$prev" fstatfs >"$WORK/got"
closes "$WORK/rot/$last" fstatfs >>"$WORK/got"
first=$(head -n 1 "$WORK/got")
[ "$first" -gt 22000000 ] || fail "the oldest files were not removed"
seq "$first" 22029999 >"$WORK/want"
cmp -s "$WORK/got" "$WORK/want" ||
	fail "the newest events are not all there: $(wc -l <"$WORK/got") from $first to $(tail -n 1 "$WORK/got") in $prev and $last; first gap after $(awk 'NR > 1 && $1 != p + 1 { print p; exit } { p = $1 }' "$WORK/got"); tapc said: $(cat "$WORK/err")"
exit 0
