#!/bin/sh
# Runs one golden test of the compiler (automake's log compiler for .tap):
#   tests/compile/NAME.tap -> NAME.expect   the plan, tapc -p2 (exit 0)
#   tests/errors/NAME.tap  -> NAME.err      the diagnostics on stderr (exit 1)
#   tests/parse/NAME.tap   -> NAME.expect   the parsed script, tapc -p1; its
#                                           output must parse to itself again
#   tests/run/NAME.tap     -> NAME.out      what running it prints: stdout,
#                             then "--- stderr" and stderr when there is any
#                             (scripts of begin/end/error probes only: they
#                             need no kernel, no root)
# Both compile for the saved target in tests/target, so they give the same
# bytes on any machine. A "# args: ..." line in the script adds tapc
# options, "# script-args: ..." arguments after the script. UPDATE_GOLDEN=1 rewrites the expected file; review it with git diff.
set -u
tap=$1
dir=$(cd "$(dirname "$tap")" && pwd)
name=$(basename "$tap" .tap)
kind=$(basename "$dir")
target=$(cd "$dir/../target" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
args=$(sed -n 's/^# args: //p' "$tap" | head -n 1)
sargs=$(sed -n 's/^# script-args: //p' "$tap" | head -n 1)
cd "$dir" || exit 99
case $kind in
compile)
	expect=$name.expect
	want=0
	# shellcheck disable=SC2086
	NO_COLOR=1 "$TAPC" -p2 --target "$target" $args "$name.tap" $sargs >"$out" 2>&1
	rc=$?
	;;
errors)
	expect=$name.err
	want=$(sed -n 's/^# status: //p' "$name.tap" | head -n 1)
	want=${want:-1}
	# shellcheck disable=SC2086
	NO_COLOR=1 "$TAPC" -p2 --target "$target" $args "$name.tap" $sargs >/dev/null 2>"$out"
	rc=$?
	;;
parse)
	expect=$name.expect
	want=0
	NO_COLOR=1 "$TAPC" -p1 "$name.tap" >"$out" 2>&1
	rc=$?
	# printing is canonical: the printed script prints the same again
	if [ "$rc" = 0 ] && ! NO_COLOR=1 "$TAPC" -p1 "$out" 2>&1 | diff -u "$out" -; then
		echo "FAIL: parse/$name: -p1 output does not print itself" >&2
		exit 1
	fi
	;;
run)
	expect=$name.out
	want=$(sed -n 's/^# status: //p' "$name.tap" | head -n 1)
	want=${want:-0}
	# shellcheck disable=SC2086
	NO_COLOR=1 "$TAPC" $args "$name.tap" $sargs >"$out" 2>"$out.err"
	rc=$?
	if [ -s "$out.err" ]; then
		echo "--- stderr" >>"$out"
		cat "$out.err" >>"$out"
	fi
	rm -f "$out.err"
	;;
*)
	echo "unknown golden test kind '$kind'" >&2
	exit 99
	;;
esac
# the saved target's path depends on the checkout
sed -i "s|$target|@TARGET@|g" "$out"
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
	cp "$out" "$expect"
fi
if ! diff -u "$expect" "$out"; then
	echo "FAIL: $kind/$name: output differs from $expect" >&2
	exit 1
fi
if [ "$rc" != "$want" ]; then
	echo "FAIL: $kind/$name: tapc exited $rc, expected $want" >&2
	exit 1
fi
exit 0
