#!/bin/sh
# The SysV init script, driven as "service tap ..." with TAP_ROOT: start
# runs tapd (a daemon) and its DEFAULT_START; status says what runs, with
# LSB exit statuses; stop NAME, start NAME, restart NAME, compile NAME;
# stop with no name stops everything and tapd.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-tapd.sh"
# the script with the build's programs where the installed ones would be
mkdir "$WORK/sbin"
ln -s "$TAPD" "$WORK/sbin/tapd"
ln -s "$TAPCTL" "$WORK/sbin/tapctl"
sed "s|@sbindir@|$WORK/sbin|g" "$TAP_SRCDIR/conf/init.d/tap.in" >"$WORK/tap"
TAP_ROOT=$ROOT
export TAP_ROOT
service() {
	sh "$WORK/tap" "$@"
}
sysv_cleanup() {
	[ -f "$ROOT/run/tap/tapd.pid" ] && kill -9 "$(cat "$ROOT/run/tap/tapd.pid")" 2>/dev/null
	tapd_cleanup
}
trap 'sysv_cleanup; live_cleanup' EXIT

A=${PREFIX}_a
B=${PREFIX}_b
register "$A" 'probe syscall.getppid { }'
register "$B" 'probe syscall.getpid { printf("%d\n", pid()) }' "" "$A"
echo "DEFAULT_START=\"$A\"" >"$ROOT/etc/tap/tapd.conf"

service status >/dev/null 2>&1
expect_eq "status before start" $? 3
service start >"$WORK/out" 2>&1 || fail "start: $(cat "$WORK/out")"
[ -f "$ROOT/run/tap/tapd.pid" ] || fail "no tapd pid file"
service status "$A" >"$WORK/out" || fail "status of a running script: $(cat "$WORK/out")"
grep -q "^$A: running (pid" "$WORK/out" || fail "status: $(cat "$WORK/out")"
service status "$B" >/dev/null
expect_eq "status of a stopped script" $? 3
service start "$B" >"$WORK/out" 2>&1 || fail "start b: $(cat "$WORK/out")"
service status "$B" >/dev/null || fail "b is not running"
service compile "$A" >"$WORK/out" 2>&1 || fail "compile: $(cat "$WORK/out")"
grep -q "^$A: up to date: $ROOT/var/cache/tap/.*/$A.plan$" "$WORK/out" || fail "compile: $(cat "$WORK/out")"
service restart "$B" >"$WORK/out" 2>&1 || fail "restart: $(cat "$WORK/out"; ctl status "$B"; tail -5 "$ROOT/run/tap/tapd/$B.err")"
service status "$B" >/dev/null || fail "b is not running after restart"
service stop "$B" >"$WORK/out" 2>&1 || fail "stop b: $(cat "$WORK/out")"
service status "$B" >/dev/null && fail "b still runs"
service status "$A" >/dev/null || fail "stopping b stopped a"
pid=$(cat "$ROOT/run/tap/tapd.pid")
service stop >"$WORK/out" 2>&1 || fail "stop: $(cat "$WORK/out")"
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do
	n=$((n + 1))
	sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "tapd is still running"
instance_exists "tap_$A" && fail "a's instance is left"
service status >/dev/null 2>&1
expect_eq "status after stop" $? 3
# compile without tapd running: one that starts nothing does it
service compile "$B" >"$WORK/out" 2>&1 || fail "compile without tapd: $(cat "$WORK/out")"
instance_exists "tap_$B" && fail "compile started b"
service bogus >/dev/null 2>&1
expect_eq "usage" $? 2
exit 0
