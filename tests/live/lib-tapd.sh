# Sourced by the tapd tests (after lib.sh): a whole service in a root
# prefix under $WORK, with the real tracefs. Scripts are named after the
# test's PREFIX, so lib.sh's cleanup finds their instances; the session
# writers tapd leaves (they outlive it by design) are killed first.
TAPD=${TAP_BUILDDIR:-$(cd "$(dirname "$TAPC")/.." && pwd)}/daemon/tapd
TAPCTL=${TAP_BUILDDIR:-$(cd "$(dirname "$TAPC")/.." && pwd)}/tools/tapctl
[ -x "$TAPD" ] || skip "no tapd at $TAPD"
ROOT=$WORK/root
mkdir -p "$ROOT/etc/tap/script.d" "$ROOT/etc/tap/conf.d"
# tapc run by the test meets the sessions where tapd keeps them
TAP_RUN_DIR=$ROOT/run/tap
TAP_CRASH_DIR=$ROOT/var/lib/tap/crash
export TAP_RUN_DIR TAP_CRASH_DIR
LOGS=$ROOT/var/log/tap
TAPD_PID=

# a workload of its own: fd numbers no other test uses
BASE=$((600000000 + ($$ % 10000) * 100000))
build closer

tapd_cleanup() {
	[ -n "$TAPD_PID" ] && kill -9 "$TAPD_PID" 2>/dev/null
	for w in "$TAP_RUN_DIR"/sessions/*/writer; do
		[ -f "$w" ] && kill -9 "$(cut -d' ' -f1 "$w")" 2>/dev/null
	done
	sleep 0.2
}
trap 'tapd_cleanup; live_cleanup' EXIT

ctl() {
	"$TAPCTL" --root "$ROOT" "$@"
}

# register NAME SCRIPT-TEXT [NAME_OPT [NAME_REQ]]
register() {
	printf '%s\n' "$2" >"$ROOT/etc/tap/script.d/$1.tap"
	: >"$ROOT/etc/tap/conf.d/$1.conf"
	[ -n "${3:-}" ] && echo "$1_OPT=\"$3\"" >>"$ROOT/etc/tap/conf.d/$1.conf"
	[ -n "${4:-}" ] && echo "$1_REQ=\"$4\"" >>"$ROOT/etc/tap/conf.d/$1.conf"
	return 0
}

# start_tapd [OPTIONS]: in the foreground (logs to $WORK/tapd.log), until
# it answers
start_tapd() {
	"$TAPD" -f --root "$ROOT" "$@" >>"$WORK/tapd.log" 2>&1 &
	TAPD_PID=$!
	n=0
	until ctl ping >/dev/null 2>&1; do
		n=$((n + 1))
		[ $n -gt 600 ] && fail "tapd did not answer: $(cat "$WORK/tapd.log")"
		kill -0 "$TAPD_PID" 2>/dev/null || fail "tapd died: $(cat "$WORK/tapd.log")"
		sleep 0.1
	done
}

# the writer's pid of script $1, from tapd
writer_of() {
	ctl list | awk -F'\t' -v n="$1" '$1 == n { print $3 }'
}

# load FIRST CHUNKS SYSCALL: CHUNKS x 1000 calls, paced, in the background
load() {
	(
		i=0
		while [ $i -lt "$2" ]; do
			"$WORK/closer" $(($1 + i * 1000)) 1000 0 0 "$3"
			i=$((i + 1))
			sleep 0.02
		done
	) &
	LOAD_PID=$!
	BG_PIDS="$BG_PIDS $LOAD_PID"
}

# records FILE...: the numbers the handlers printed, begin/end lines out
records() {
	cat "$@" | grep -E '^[0-9]+$'
}

# expect_records WHAT FIRST COUNT FILE...: each number once, in order
expect_records() {
	what=$1
	first=$2
	count=$3
	shift 3
	records "$@" >"$WORK/got"
	seq "$first" $((first + count - 1)) >"$WORK/want"
	cmp -s "$WORK/got" "$WORK/want" && return 0
	sort -n "$WORK/got" | uniq -d | head -3 >"$WORK/dups"
	fail "$what: $(wc -l <"$WORK/got") records of $count; repeated: $(tr '\n' ' ' <"$WORK/dups")"
}
