#!/bin/sh
# tapctl rotate, tap-backup and the logrotate snippet under load: a
# session switching its -S files by size is backed up four times while a
# counted workload runs, and every record ends up in exactly one file
# (compressed in BACKUP_PATH, or still in LOG_PATH), in order; BACKUP_KEEP
# prunes. A session on LOG_PATH/NAME.log is rotated twice by logrotate
# with the shipped snippet: again every record in exactly one file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-tapd.sh"
command -v gzip >/dev/null || skip "gzip is not installed"
BACKUP=${TAP_SRCDIR}/tools/tap-backup
export TAPCTL

L=${PREFIX}_l
M=${PREFIX}_m
register "$L" "probe syscall.flock { if (\$fd >= $BASE && \$fd < $((BASE + 50000))) printf(\"%d\\n\", \$fd) }" \
	"-s 2 -o $LOGS/l.log -S 32K"
register "$M" "probe syscall.flock { if (\$fd >= $((BASE + 50000)) && \$fd < $((BASE + 100000))) printf(\"%d\\n\", \$fd) }" \
	"-s 2"
echo "BACKUP_KEEP=1000" >"$ROOT/etc/tap/tapd.conf"
start_tapd

# tapctl rotate answers the closed file's name, alone on its line
closed=$(ctl rotate "$L") || fail "rotate"
expect_eq "closed file" "$closed" "$LOGS/l.log.0"

load "$BASE" 40 flock
for i in 1 2 3 4; do
	sleep 0.5
	"$BACKUP" --root "$ROOT" --quiet "$L" || fail "tap-backup $i"
done
wait "$LOAD_PID"
"$BACKUP" --root "$ROOT" "$L" >"$WORK/out" 2>&1 || fail "tap-backup: $(cat "$WORK/out")"
grep -q "^tap-backup: $L: closed $LOGS/l.log" "$WORK/out" || fail "no switch said: $(cat "$WORK/out")"
cur=$(ctl list | awk -F'\t' -v n="$L" '$1 == n { print $6 }')
[ -f "$cur" ] || fail "the current file $cur is gone"
ctl stop "$L" >/dev/null || fail "stop"

# every record in exactly one file: the backups and what is left, by number
mkdir "$WORK/all"
for f in "$ROOT/var/log/tap/backup/$L"/*.gz; do
	gzip -dc "$f" >"$WORK/all/$(basename "$f" .gz)"
done
nb=$(ls "$WORK/all" | wc -l)
cp "$LOGS"/l.log.* "$WORK/all/"
[ "$nb" -ge 5 ] || fail "only $nb files were backed up"
files=$(ls "$WORK/all" | sort -t. -k3 -n | sed "s|^|$WORK/all/|")
# shellcheck disable=SC2086
expect_records "l's records" "$BASE" 40000 $files
echo "l: 40000 records in $(echo "$files" | wc -w) files, $nb backed up"

# BACKUP_KEEP prunes the oldest
echo "BACKUP_KEEP=3" >"$ROOT/etc/tap/tapd.conf"
echo "x" >"$LOGS/l.log.999"	# a stopped session's files are left alone
"$BACKUP" --root "$ROOT" --quiet "$L" || fail "tap-backup with BACKUP_KEEP=3"
expect_eq "kept" "$(ls "$ROOT/var/log/tap/backup/$L" | wc -l)" 3
[ -f "$LOGS/l.log.999" ] || fail "a file of a stopped session was taken"

# logrotate with the shipped snippet, its paths under the root
if command -v logrotate >/dev/null; then
	sed -e "s|/var/log/tap|$LOGS|g" -e "s|/usr/sbin/tapctl|$TAPCTL --root $ROOT|" \
		"$TAP_SRCDIR/conf/logrotate.d/tap" >"$WORK/logrotate.conf"
	load $((BASE + 50000)) 40 flock
	for i in 1 2; do
		# notifempty: each run needs records in the file
		n=0
		while [ ! -s "$LOGS/$M.log" ] && [ $n -lt 100 ]; do
			n=$((n + 1))
			sleep 0.05
		done
		logrotate -f -s "$WORK/logrotate.state" "$WORK/logrotate.conf" 2>"$WORK/lerr" ||
			fail "logrotate: $(cat "$WORK/lerr")"
	done
	wait "$LOAD_PID"
	ctl stop "$M" >/dev/null || fail "stop m"
	[ -f "$LOGS/$M.log.2.gz" ] || fail "logrotate did not rotate twice: $(ls "$LOGS")"
	# oldest first: .2.gz, .1, then the file written last
	{
		gzip -dc "$LOGS/$M.log.2.gz"
		cat "$LOGS/$M.log.1" "$LOGS/$M.log"
	} >"$WORK/m"
	expect_records "m's records through logrotate" $((BASE + 50000)) 40000 "$WORK/m"
	echo "m: 40000 records through two logrotate runs"
fi
ctl shutdown >/dev/null
wait "$TAPD_PID"
TAPD_PID=
exit 0
