# Sourced by the live tests: they run tapc against this machine's real
# tracefs. Each test works in its own directory, names its sessions with
# its own prefix, keeps tap's session records apart (TAP_RUN_DIR), and
# removes everything it made on exit, whether it passed or not.
set -u

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

: "${TAPC:?TAPC must point at the tapc binary}"
: "${TAP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
[ "$(id -u)" = 0 ] || skip "needs root to use tracefs"
TRACEFS=/sys/kernel/tracing
if [ ! -d "$TRACEFS/instances" ]; then
	mount -t tracefs nodev "$TRACEFS" 2>/dev/null ||
		skip "tracefs is not mounted and cannot be mounted"
fi

TEST=$(basename "$0" .sh | tr -c 'a-z0-9\n' '_')
# session names: unique per test run, so parallel tests never meet
PREFIX="t$$_${TEST}"
WORK=$(mktemp -d "/tmp/tap-live-$TEST.XXXXXX")
TAP_RUN_DIR=$WORK/run
export TAP_RUN_DIR
# flight recorders save crash metadata: keep it in the test's folder
TAP_CRASH_DIR=$WORK/crash
export TAP_CRASH_DIR
BG_PIDS=""

# remove our instances and dynamic events, and only ours
live_cleanup() {
	for p in $BG_PIDS; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	# a flight recorder's writer is not our child: wait until it is gone,
	# or its open buffers keep the instance busy
	n=0
	for p in $BG_PIDS; do
		while kill -0 "$p" 2>/dev/null && [ $n -lt 50 ]; do
			n=$((n + 1))
			sleep 0.1
		done
	done
	for d in "$TRACEFS"/instances/tap_"$PREFIX"*; do
		[ -d "$d" ] || continue
		echo 0 >"$d/tracing_on" 2>/dev/null
		n=0
		while ! rmdir "$d" 2>/dev/null && [ $n -lt 20 ]; do
			n=$((n + 1))
			sleep 0.1
		done
	done
	for f in dynamic_events uprobe_events; do
		[ -f "$TRACEFS/$f" ] || continue
		grep -o "^[pr][0-9]*:tap_$PREFIX[^ ]*" "$TRACEFS/$f" 2>/dev/null |
			sed 's/^[pr][0-9]*:/-:/' | while read -r ev; do
				echo "$ev" >>"$TRACEFS/$f" 2>/dev/null
			done
	done
	# TAP_TEST_KEEP=1: the folder stays for a look (its instances go)
	if [ "${TAP_TEST_KEEP:-}" = 1 ]; then
		echo "kept $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap live_cleanup EXIT
trap 'exit 1' INT TERM

# bg CMD...: runs CMD in the background and remembers it for cleanup
bg() {
	"$@" &
	BG_PIDS="$BG_PIDS $!"
}

# build NAME: compiles tests/live/progs/NAME.c into $WORK/NAME (or takes
# it from TAP_PROGS_DIR, where a VM without a compiler finds it built)
build() {
	if [ -n "${TAP_PROGS_DIR:-}" ] && [ -x "$TAP_PROGS_DIR/$1" ]; then
		cp "$TAP_PROGS_DIR/$1" "$WORK/$1" || fail "cannot copy $1"
		return
	fi
	cc -O1 -g -o "$WORK/$1" "$TAP_SRCDIR/tests/live/progs/$1.c" ||
		fail "cannot build $1"
}

# wait_for FILE PATTERN [SECONDS]: until FILE has a line matching PATTERN
wait_for() {
	n=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		n=$((n + 1))
		[ $n -gt $((${3:-10} * 10)) ] && return 1
		sleep 0.1
	done
	return 0
}

# running PID: the process exists and is not a zombie (an orphan that
# ended is reaped by init whenever init gets to it)
running() {
	[ -r "/proc/$1/stat" ] || return 1
	! sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | grep -q '^[ZX]'
}

# wait_gone PID [SECONDS]: until PID has ended; a SIGKILL is delivered
# when the process next leaves the kernel, which under load takes a while
wait_gone() {
	n=0
	while running "$1"; do
		n=$((n + 1))
		[ $n -gt $((${2:-10} * 10)) ] && return 1
		sleep 0.1
	done
	return 0
}

instance_exists() {
	[ -d "$TRACEFS/instances/$1" ]
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}
