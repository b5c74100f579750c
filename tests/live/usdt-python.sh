#!/bin/sh
# The SDT markers Debian's python3.11 ships (provider "python", guarded by
# semaphores): a small script's lines and function returns, with the file,
# function and line numbers the markers report. (This CPython fires
# function__entry only for code run before the main module, as bpftrace
# shows too, so the entries are not checked.)
. "$(dirname "$0")/lib.sh"
py=/usr/bin/python3.11
[ -x "$py" ] || skip "no $py"
readelf -n "$py" 2>/dev/null | grep -q "Name: function__return" ||
	skip "$py has no SDT markers"

cat >"$WORK/t.py" <<'PY'
def beta(n):
    return n * 2


def alpha(n):
    return beta(n + 1)


result = list(map(alpha, range(2)))
PY
cat >"$WORK/t.tap" <<TAP
probe process("$py").mark("line") {
	if (user_string(\$arg1) == "$WORK/t.py")
		printf("line %s %d\n", user_string(\$arg2), \$arg3)
}
probe process("$py").provider("python").mark("function-return") {
	if (pid() == target() && user_string(\$arg1) == "$WORK/t.py")
		printf("return %s %s:%d\n", user_string(\$arg2), user_string(\$arg1), \$arg3)
}
TAP
"$TAPC" -m "$PREFIX" -c "$py -S $WORK/t.py" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
cat >"$WORK/want" <<OUT
line <module> 1
line <module> 5
line <module> 9
line alpha 6
line beta 2
return beta $WORK/t.py:2
return alpha $WORK/t.py:6
line alpha 6
line beta 2
return beta $WORK/t.py:2
return alpha $WORK/t.py:6
return <module> $WORK/t.py:9
OUT
diff -u "$WORK/want" "$WORK/out" || fail "python markers differ"
exit 0
