#!/bin/sh
# -o and -S name, fill and remove files as SystemTap documents: FILE.0,
# FILE.1, ...; a file passes SIZE by one record at most; with ,N only the
# newest N files remain (none removed with N = 0); SIGUSR2 switches at
# once, to FILE.1, FILE.2 without -S; FILE is a strftime(3) format in
# local time; -S needs -o, and SIGUSR2 without -o is ignored.
. "$(dirname "$0")/lib.sh"
build closer

# one 16-byte record per close() of the closer
cat >"$WORK/t.tap" <<'TAP'
probe syscall.close { if (pid() == target() && $fd >= 1000000) printf("%015d\n", $fd) }
TAP

"$TAPC" -S 1 "$WORK/t.tap" 2>"$WORK/err" && fail "-S without -o was accepted"
grep -q -- "-S needs -o" "$WORK/err" || fail "-S without -o: $(cat "$WORK/err")"
for bad in 1x 1,x 1, x -1 1,2,3; do
	"$TAPC" -o "$WORK/x" -S "$bad" "$WORK/t.tap" 2>"$WORK/err" &&
		fail "-S '$bad' was accepted"
	grep -q -- "-S is SIZE" "$WORK/err" || fail "-S '$bad': $(cat "$WORK/err")"
done

# files BASE.K... that exist, as "0 1 2"
present() {
	out=""
	for f in "$1".*; do
		[ -e "$f" ] || continue
		out="$out ${f##*.}"
	done
	echo "$out" | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/^ *//; s/ *$//'
}

# 650 records of 16 bytes with -S 1K: each file takes records while it
# holds at most 1024 bytes, so 65 per file (1040 bytes), files .0 to .9;
# no file .10, since no record came after the last one passed SIZE
for n in 0 1 3; do
	d="$WORK/n$n"
	mkdir "$d"
	"$TAPC" -m "${PREFIX}_n$n" -o "$d/log" -S "1K,$n" -c "$WORK/closer 1000000 650" \
		"$WORK/t.tap" 2>"$WORK/err" || fail "-S 1K,$n: $(cat "$WORK/err")"
	case $n in
	0) want="0 1 2 3 4 5 6 7 8 9" ;;
	1) want="9" ;;
	3) want="7 8 9" ;;
	esac
	expect_eq "files left with -S 1K,$n" "$(present "$d/log")" "$want"
	for k in $want; do
		expect_eq "size of log.$k" "$(wc -c <"$d/log.$k")" 1040
		expect_eq "mode of log.$k" "$(stat -c %a "$d/log.$k")" 640
	done
	# the last file holds the last 65 records, in order
	expect_eq "last records" "$(tr -d ' ' <"$d/log.9" | sed 's/^0*//' | tr '\n' ' ')" \
		"$(seq 1000585 1000649 | tr '\n' ' ')"
done

# SIGUSR2 without -S: FILE, FILE.1, FILE.2, each switch as it is asked
mkdir "$WORK/sig"
"$TAPC" -m "${PREFIX}_sig" -o "$WORK/sig/out" -c "$WORK/closer 2000000 15 5 300" \
	"$WORK/t.tap" 2>"$WORK/err" || fail "SIGUSR2 run: $(cat "$WORK/err")"
expect_eq "files after two SIGUSR2" "$(ls "$WORK/sig" | tr '\n' ' ')" "out out.1 out.2 "
expect_eq "out" "$(sed 's/^0*//' "$WORK/sig/out" | tr '\n' ' ')" "2000000 2000001 2000002 2000003 2000004 "
expect_eq "out.1" "$(sed 's/^0*//' "$WORK/sig/out.1" | tr '\n' ' ')" "2000005 2000006 2000007 2000008 2000009 "
expect_eq "out.2" "$(sed 's/^0*//' "$WORK/sig/out.2" | tr '\n' ' ')" "2000010 2000011 2000012 2000013 2000014 "

# with -S: FILE.0 first; no size reached, so only the signals switch
mkdir "$WORK/sigs"
"$TAPC" -m "${PREFIX}_sigs" -o "$WORK/sigs/out" -S 1M -c "$WORK/closer 2000000 15 5 300" \
	"$WORK/t.tap" 2>"$WORK/err" || fail "SIGUSR2 -S run: $(cat "$WORK/err")"
expect_eq "files with -S" "$(ls "$WORK/sigs" | tr '\n' ' ')" "out.0 out.1 out.2 "
expect_eq "out.2 with -S" "$(sed 's/^0*//' "$WORK/sigs/out.2" | tr '\n' ' ')" "2000010 2000011 2000012 2000013 2000014 "

# the switch happens at once: the next file is there before any record
mkdir "$WORK/now"
"$TAPC" -m "${PREFIX}_now" -o "$WORK/now/out" "$WORK/t.tap" 2>"$WORK/err" &
pid=$!
BG_PIDS="$BG_PIDS $pid"
wait_for_file() {
	n=0
	while [ ! -e "$1" ]; do
		n=$((n + 1))
		[ $n -gt 50 ] && return 1
		sleep 0.1
	done
}
wait_for_file "$WORK/now/out" || fail "no first file"
sleep 0.5
kill -USR2 "$pid"
wait_for_file "$WORK/now/out.1" || fail "SIGUSR2 did not open out.1 at once"
kill -INT "$pid"
wait "$pid" || fail "tapc failed after SIGUSR2: $(cat "$WORK/err")"

# strftime names, in local time, at every open
mkdir "$WORK/time"
"$TAPC" -m "${PREFIX}_time" -o "$WORK/time/%Y-%m-%d_%H.log" -S 1M,0 \
	-c "$WORK/closer 3000000 3" "$WORK/t.tap" 2>"$WORK/err" || fail "strftime: $(cat "$WORK/err")"
ls "$WORK/time" >"$WORK/names"
grep -q "^$(date +%Y-%m-%d_%H).log.0\$" "$WORK/names" ||
	[ "$(date +%M)" = 00 ] || fail "strftime name: $(cat "$WORK/names")"
"$TAPC" -o "" -c "$WORK/closer 3000000 1" "$WORK/t.tap" 2>"$WORK/err" &&
	fail "an empty file name was accepted"
grep -q "cannot open" "$WORK/err" || fail "empty name: $(cat "$WORK/err")"

# SIGUSR2 without -o is ignored (its default action would kill tapc)
cat >"$WORK/ready.tap" <<'TAP'
probe begin { println("ready") }
probe end { println("end ran") }
TAP
"$TAPC" "$WORK/ready.tap" >"$WORK/out" 2>"$WORK/err" &
pid=$!
BG_PIDS="$BG_PIDS $pid"
wait_for "$WORK/out" ready || fail "tapc did not start"
kill -USR2 "$pid"
sleep 0.3
kill -0 "$pid" 2>/dev/null || fail "SIGUSR2 without -o ended tapc"
kill -INT "$pid"
wait "$pid" || fail "tapc failed after an ignored SIGUSR2"
grep -q "end ran" "$WORK/out" || fail "no end probe after SIGUSR2 without -o"
exit 0
