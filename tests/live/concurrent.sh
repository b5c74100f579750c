#!/bin/sh
# Two tapc runs at once, each in its own instance: each sees only the
# events it enabled, never the other's.
. "$(dirname "$0")/lib.sh"

cat >"$WORK/a.tap" <<'TAP'
probe syscall.getppid, syscall.getpid? { if (execname() == "perl") seen[name]++ }
probe begin { println("ready") }
probe end { foreach (k in seen) printf("%s %d\n", k, seen[k]) }
global seen
TAP
cat >"$WORK/b.tap" <<'TAP'
probe syscall.getpid { if (execname() == "perl") seen[name]++ }
probe begin { println("ready") }
probe end { foreach (k in seen) printf("%s %d\n", k, seen[k]) }
global seen
TAP
command -v perl >/dev/null || skip "perl is needed for the workload"
# a: getppid only (getpid is optional and absent from its instance below)
sed -i 's/, syscall.getpid?//' "$WORK/a.tap"
"$TAPC" -m "${PREFIX}_a" "$WORK/a.tap" >"$WORK/a.out" 2>"$WORK/a.err" &
a=$!
"$TAPC" -m "${PREFIX}_b" "$WORK/b.tap" >"$WORK/b.out" 2>"$WORK/b.err" &
b=$!
BG_PIDS="$a $b"
wait_for "$WORK/a.out" ready && wait_for "$WORK/b.out" ready || fail "tapc did not start"
perl -e 'for (1..30) { getppid(); $$ = 0 if 0; syscall(39) }'
sleep 0.3
kill -INT "$a" "$b"
wait "$a" "$b"
expect_eq "session a" "$(grep -v ready "$WORK/a.out")" "getppid 30"
expect_eq "session b" "$(grep -v ready "$WORK/b.out")" "getpid 30"
exit 0
