#!/bin/sh
# 100 file switches (SIGUSR2) while events pour in: every record lands in
# exactly one file, whole, in order; nothing is lost or written twice.
# Text files, then raw trace.dat files read back with trace-cmd report.
. "$(dirname "$0")/lib.sh"
build closer
command -v trace-cmd >/dev/null || skip "trace-cmd is not installed"

COUNT=202000
# a SIGUSR2 every 2000 events: 100 of them
RUN="$WORK/closer 10000000 $COUNT 2000 10"
seq 10000000 $((10000000 + COUNT - 1)) >"$WORK/want"

# $1: directory; the files in the order they were written (by the
# number after the last dot; the first file has none)
in_order() {
	ls "$1" | awk -F. '{ n = NF > 1 && $NF ~ /^[0-9]+$/ ? $NF : -1; print n, $0 }' |
		sort -n | cut -d' ' -f2-
}

cat >"$WORK/text.tap" <<'TAP'
probe syscall.close { if (pid() == target() && $fd >= 10000000 && $fd < 11000000) printf("%d\n", $fd) }
TAP
mkdir "$WORK/text"
CLOSER_WAIT_DIR=$WORK/text
export CLOSER_WAIT_DIR
"$TAPC" -m "${PREFIX}_text" -s 8 -o "$WORK/text/out" -c "$RUN" "$WORK/text.tap" \
	2>"$WORK/err" || fail "text run: $(cat "$WORK/err")"
grep -q "lost" "$WORK/err" && fail "events were lost: $(cat "$WORK/err")"
files=$(ls "$WORK/text" | wc -l)
# the program waits for each switch to show (up to 10 s), so signals
# rarely merge; on a heavily loaded machine a few still may
[ "$files" -ge 90 ] || fail "only $files files after 100 switches"
for f in $(in_order "$WORK/text"); do
	cat "$WORK/text/$f"
done >"$WORK/got"
grep -qv '^[0-9]*$' "$WORK/got" && fail "a record was split or mangled"
cmp -s "$WORK/got" "$WORK/want" ||
	fail "text: records lost or repeated ($(wc -l <"$WORK/got") of $COUNT)"
echo "text: $COUNT records in $files files"

# no statements: a raw recording (of every close() on the machine)
cat >"$WORK/raw.tap" <<'TAP'
probe syscall.close { }
TAP
mkdir "$WORK/raw"
CLOSER_WAIT_DIR=$WORK/raw
"$TAPC" -m "${PREFIX}_raw" -s 8 -o "$WORK/raw/out.dat" -c "$RUN" "$WORK/raw.tap" \
	2>"$WORK/err" || fail "raw run: $(cat "$WORK/err")"
grep -q "lost" "$WORK/err" && fail "raw events were lost: $(cat "$WORK/err")"
files=$(ls "$WORK/raw" | wc -l)
[ "$files" -ge 90 ] || fail "only $files raw files after 100 switches"
for f in $(in_order "$WORK/raw"); do
	# each file stands alone: trace-cmd reads it without the others
	trace-cmd report "$WORK/raw/$f" >"$WORK/report" 2>"$WORK/rerr" ||
		fail "trace-cmd report $f: $(cat "$WORK/rerr")"
	# a busy machine can push closer out of the kernel's saved_cmdlines
	# before a file is written: trace-cmd then names it <...>
	sed -n 's/^ *\(closer\|<\.\.\.>\)-[0-9]* .*sys_enter_close: *fd: 0x\([0-9a-f]*\)$/\2/p' "$WORK/report"
done | while read -r hex; do
	n=$(printf '%d' "0x$hex")
	[ "$n" -ge 10000000 ] && [ "$n" -lt 11000000 ] && echo "$n"
done >"$WORK/got"
cmp -s "$WORK/got" "$WORK/want" ||
	fail "raw: events lost or repeated ($(wc -l <"$WORK/got") of $COUNT)"
echo "raw: $COUNT events in $files trace.dat files"
exit 0
