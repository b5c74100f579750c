#!/bin/sh
# conf/examples/tcp-states.tap against known events: one TCP connection over 127.0.0.1
. "$(dirname "$0")/lib.sh"
build workload
# a name of its own: tests run in parallel and the examples trace every
# process
W=w$$
cp "$WORK/workload" "$WORK/$W"
EX=$TAP_SRCDIR/conf/examples/tcp-states.tap
"$TAPC" -m "$PREFIX" -s 16 -c "$WORK/$W tcp" "$EX" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
port=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$WORK/out")
[ -n "$port" ] || fail "the workload printed no port: $(cat "$WORK/out")"
has() {
	awk -v p="$port" -v s="$1" -v w="$2" -v c="$W" '$1 == c && ($s == p) && index($0, w) { f = 1 }
		END { exit !f }' "$WORK/out" || fail "no '$2' on port $port: $(cat "$WORK/out")"
}
has 3 "CLOSE -> LISTEN"
has 4 "CLOSE -> SYN_SENT"
has 4 "SYN_SENT -> ESTABLISHED"
has 4 "ESTABLISHED -> FIN_WAIT1"
exit 0
