#!/bin/sh
# -c runs a command, sets target() to its pid, and tapc ends with it;
# end probes run; exit() from a handler ends a run the same way.
. "$(dirname "$0")/lib.sh"
build syscalls

cat >"$WORK/t.tap" <<'TAP'
probe begin { println("begin") }
probe syscall.getppid { if (pid() == target()) n++ }
probe end { printf("end %d\n", n) }
global n
TAP
# a plain command runs directly: target() is the program itself
"$TAPC" -m "$PREFIX" -c "$WORK/syscalls 1" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
printf 'begin\nend 5\n' | diff -u - "$WORK/out" || fail "-c output differs"
# shell syntax runs under sh -c; tapc still ends when it does (the shell
# calls getppid itself, the program 5 times after exec)
sed -i 's/if (pid() == target())/if (pid() == target() \&\& execname() == "syscalls")/' "$WORK/t.tap"
"$TAPC" -m "${PREFIX}_sh" -c "true; exec $WORK/syscalls 1" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
printf 'begin\nend 5\n' | diff -u - "$WORK/out" || fail "-c with shell syntax differs"

cat >"$WORK/exit.tap" <<'TAP'
probe timer.ms(50) { n++; if (n == 3) exit() }
probe end { printf("ticks %d\n", n) }
global n
TAP
timeout 10 "$TAPC" -m "${PREFIX}_e" "$WORK/exit.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "exit() did not end the run: $(cat "$WORK/err")"
expect_eq "exit()" "$(cat "$WORK/out")" "ticks 3"
exit 0
