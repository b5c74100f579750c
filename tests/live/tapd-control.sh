#!/bin/sh
# The control socket: root may use it; an unprivileged caller (nobody) is
# refused by the socket's permissions, and, when the socket lets it
# connect, by tapd itself (SO_PEERCRED), which logs the refusal; a member
# of CONTROL_GROUP (a supplementary group, SO_PEERGROUPS) is let in.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-tapd.sh"
command -v setpriv >/dev/null || skip "setpriv is not installed (util-linux)"
NOBODY=$(id -u nobody 2>/dev/null) || skip "no user nobody"
GROUP=adm
GID=$(getent group "$GROUP" | cut -d: -f3)
[ -n "$GID" ] || skip "no group $GROUP"
# nobody must reach the socket's folder
chmod 755 "$WORK" "$ROOT"

echo "CONTROL_GROUP=$GROUP" >"$ROOT/etc/tap/tapd.conf"
register "${PREFIX}_a" 'probe syscall.getppid { }'
start_tapd --no-start
SOCK=$ROOT/run/tap/tapd.sock
expect_eq "socket mode" "$(stat -c '%a %U %G' "$SOCK")" "660 root $GROUP"
ctl ping >/dev/null || fail "root was refused"

as_nobody() {
	setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups "$@"
}

# the socket's permissions keep nobody out
as_nobody "$TAPCTL" --root "$ROOT" status >"$WORK/out" 2>&1
expect_eq "exit status (no access)" $? 3
grep -q "Permission denied" "$WORK/out" || fail "no access: $(cat "$WORK/out")"

# a socket that lets anyone connect: tapd checks the caller itself
chmod 666 "$SOCK"
as_nobody "$TAPCTL" --root "$ROOT" stop >"$WORK/out" 2>&1
expect_eq "exit status (refused)" $? 3
grep -q "^permission denied: tapd takes requests from root and group $GROUP$" "$WORK/out" ||
	fail "refusal: $(cat "$WORK/out")"
grep -q "refused a control connection from uid $NOBODY gid $NOBODY" "$WORK/tapd.log" ||
	fail "the refusal is not logged: $(cat "$WORK/tapd.log")"

# a member of CONTROL_GROUP, through a supplementary group
chmod 660 "$SOCK"
setpriv --reuid="$NOBODY" --regid="$NOBODY" --groups="$GID" \
	"$TAPCTL" --root "$ROOT" status >"$WORK/out" 2>&1 ||
	fail "a CONTROL_GROUP member was refused: $(cat "$WORK/out")"
grep -q "^${PREFIX}_a: stopped" "$WORK/out" || fail "status: $(cat "$WORK/out")"
grep -q "uid $NOBODY: status" "$WORK/tapd.log" || fail "the request is not logged"
ctl shutdown >/dev/null
wait "$TAPD_PID"
TAPD_PID=
exit 0
