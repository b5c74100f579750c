#!/bin/sh
# The VM rig's handling of a wedged guest (tests/vm/vm.sh), with a
# stand-in for qemu-system-x86_64 on PATH, so no guest boots: a guest whose
# console shows a soft lockup and that gave no status is booted once more
# from an empty share/out; a wedge that repeats, or a guest that gave no
# status without one, fails with 125; a status the guest wrote is returned
# as is, after one boot.
set -u
: "${TAP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
VM_SRC=$TAP_SRCDIR/tests/vm
. "$VM_SRC/vm.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tap-vm-harness.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
failed=0
fail() {
	echo "FAIL: $*"
	failed=1
}

# the stand-in: each boot takes the next line of $WORK/script, one of
# "wedge" (a soft lockup on the console, no status), "silent" (no status,
# nothing on the console) or a number (run.sh's status, written to out/)
mkdir -p "$WORK/bin"
cat >"$WORK/bin/qemu-system-x86_64" <<'EOF'
#!/bin/sh
for a in "$@"; do
	case $a in file:*) console=${a#file:} ;; esac
done
share=$(dirname "$console")
n=$(($(cat "$STANDIN/boots" 2>/dev/null || echo 0) + 1))
echo $n >"$STANDIN/boots"
ls "$share/out" >"$STANDIN/out.$n"
what=$(sed -n "${n}p" "$STANDIN/script")
echo "[    1.0] boot $n" >"$console"
case $what in
wedge)
	echo "[   30.0] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [tapc:226]" >>"$console"
	echo "[   30.0] Kernel panic - not syncing: softlockup: hung tasks" >>"$console"
	echo partial >"$share/out/run.log"
	;;
silent) ;;
*) echo "$what" >"$share/out/status" ;;
esac
EOF
chmod +x "$WORK/bin/qemu-system-x86_64"
PATH=$WORK/bin:$PATH
STANDIN=$WORK
export STANDIN
# read by vm_boot
export VM_KERNEL=/dev/null VM_INITRD=/dev/null

# boot SCRIPT...: vm_run on a new share with the stand-in doing SCRIPT;
# sets rc and boots
boot() {
	rm -rf "$WORK/share" "$WORK/boots" "$WORK"/out.*
	printf '%s\n' "$@" >"$WORK/script"
	vm_share_new "$WORK/share"
	vm_run "$WORK/share" 2>"$WORK/log"
	rc=$?
	boots=$(cat "$WORK/boots")
}

boot 0
[ "$rc/$boots" = 0/1 ] || fail "a guest that said 0: status $rc after $boots boots"
boot 3
[ "$rc/$boots" = 3/1 ] || fail "a guest that said 3: status $rc after $boots boots"

boot wedge 0
[ "$rc/$boots" = 0/2 ] || fail "one wedge, then 0: status $rc after $boots boots"
grep -q "the guest wedged" "$WORK/log" || fail "the wedge was not reported: $(cat "$WORK/log")"
grep -q "BUG: soft lockup - CPU#0 stuck for 22s" "$WORK/log" ||
	fail "the wedged console was not shown: $(cat "$WORK/log")"
[ -s "$WORK/out.2" ] && fail "the second boot found the first one's output: $(cat "$WORK/out.2")"
grep -q "boot 1" "$WORK/share/console.wedged.log" || fail "the wedged run's console was not kept"
grep -q "boot 2" "$WORK/share/console.log" || fail "console.log is not the second boot's"

boot wedge wedge 0
[ "$rc/$boots" = 125/2 ] || fail "two wedges: status $rc after $boots boots"
boot silent 0
[ "$rc/$boots" = 125/1 ] || fail "no status and no wedge: status $rc after $boots boots"
grep -q "gave no status" "$WORK/log" || fail "no status was not reported: $(cat "$WORK/log")"

[ $failed = 0 ] && echo "PASS: the rig boots a wedged guest once more, and only then"
exit $failed
