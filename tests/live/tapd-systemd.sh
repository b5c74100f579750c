#!/bin/sh
# The systemd unit, with its paths pointing at the build, passes
# systemd-analyze verify, its man pages (Documentation=) included.
. "$(dirname "$0")/lib.sh"
command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
command -v man >/dev/null || skip "man is not installed"
TAPD=${TAP_BUILDDIR:-$(cd "$(dirname "$TAPC")/.." && pwd)}/daemon/tapd
[ -x "$TAPD" ] || skip "no tapd at $TAPD"
mkdir -p "$WORK/unit" "$WORK/man/man5" "$WORK/man/man8"
sed "s|@sbindir@|$(dirname "$TAPD")|g" "$TAP_SRCDIR/conf/tapd.service.in" >"$WORK/unit/tapd.service"
for page in tapd.8 tapctl.8 tapd.conf.5; do
	cp "$TAP_SRCDIR/doc/$page" "$WORK/man/man${page##*.}/"
done
MANPATH=$WORK/man systemd-analyze verify "$WORK/unit/tapd.service" >"$WORK/out" 2>&1 ||
	fail "systemd-analyze verify: $(cat "$WORK/out")"
[ -s "$WORK/out" ] && fail "systemd-analyze verify warned: $(cat "$WORK/out")"
grep -q "^ExecStart=$TAPD -f$" "$WORK/unit/tapd.service" || fail "ExecStart"
# a unit that names a missing program fails: the check checks
sed "s|@sbindir@|$WORK/nowhere|g" "$TAP_SRCDIR/conf/tapd.service.in" >"$WORK/unit/tapd.service"
MANPATH=$WORK/man systemd-analyze verify "$WORK/unit/tapd.service" >/dev/null 2>&1 &&
	fail "systemd-analyze verify passed a unit without its program"
exit 0
