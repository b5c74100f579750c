#!/bin/sh
# --format=json: one object per output record, valid JSON whatever the
# handlers print (checked by Python's parser, which is strict), with the
# event's time, cpu, pid, tid, comm, probe, text and fields; begin and
# end records have no event keys. With -o -S, every file holds whole
# records.
. "$(dirname "$0")/lib.sh"
build opener
command -v python3 >/dev/null || skip "python3 is not installed"

cat >"$WORK/t.tap" <<'TAP'
probe begin { println("begin \"quoted\"") }
probe syscall.openat {
	if (pid() == target() && substr(user_string($filename), 0, 17) == "/nonexistent-tap/")
		printf("%s\n", user_string($filename))
}
probe syscall.openat { if (pid() == target() && $dfd == -100) next }
probe end { printf("end\n") }
TAP
"$TAPC" -m "$PREFIX" --format=json -c "$WORK/opener" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"

cat >"$WORK/check.py" <<'PY'
import json, re, sys

def as_json_text(b):
    # what tap promises: UTF-8 as it is, other bytes as U+0080..U+00FF
    out, i = [], 0
    while i < len(b):
        for n in (4, 3, 2, 1):
            try:
                out.append(b[i:i + n].decode("utf-8"))
                i += n
                break
            except UnicodeDecodeError:
                continue
        else:
            out.append(chr(b[i]))
            i += 1
    return "".join(out)

paths = [b"/nonexistent-tap/plain",
         b"/nonexistent-tap/quote\"back\\slash",
         b"/nonexistent-tap/nl\ntab\tcr\rbell\a\x01\x1f\x7f",
         b"/nonexistent-tap/utf8-\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x98\x80",
         b"/nonexistent-tap/bad-\xff-\xc3-\xed\xa0\x80-\xc0\xaf",
         b"/nonexistent-tap/</script>&'{}[],:"]
want = [as_json_text(p) + "\n" for p in paths]
time_re = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
objs = []
for n, line in enumerate(open(sys.argv[1], "rb"), 1):
    try:
        objs.append(json.loads(line.decode("utf-8")))
    except Exception as e:
        sys.exit("line %d is not JSON (%s): %r" % (n, e, line))
if objs[0] != {"time": objs[0]["time"], "probe": "begin", "text": "begin \"quoted\"\n"}:
    sys.exit("begin record: %r" % objs[0])
if objs[-1]["probe"] != "end" or objs[-1]["text"] != "end\n" or "cpu" in objs[-1]:
    sys.exit("end record: %r" % objs[-1])
events = objs[1:-1]
if [o["text"] for o in events] != want:
    sys.exit("texts: %r\nwant:  %r" % ([o["text"] for o in events], want))
for o in events:
    if not time_re.match(o["time"]):
        sys.exit("time: %r" % o["time"])
    if o["probe"] != "syscall.openat" or o["comm"] != "opener" or o["pid"] != o["tid"]:
        sys.exit("event keys: %r" % o)
    if not isinstance(o["cpu"], int) or o["fields"]["dfd"] != -100:
        sys.exit("fields: %r" % o)
    if not isinstance(o["fields"]["filename"], int):
        sys.exit("filename field: %r" % o["fields"])
print("%d records, all valid" % len(objs))
PY
python3 "$WORK/check.py" "$WORK/out" || fail "bad JSON output"

# log files: each one is JSON lines on its own, none split
mkdir "$WORK/logs"
"$TAPC" -m "${PREFIX}_o" --format=json -o "$WORK/logs/j" -S 1K -c "$WORK/opener" \
	"$WORK/t.tap" 2>"$WORK/err" || fail "tapc -o failed: $(cat "$WORK/err")"
n=$(ls "$WORK/logs" | wc -l)
[ "$n" -ge 2 ] || fail "no rotation: $(ls "$WORK/logs")"
for f in "$WORK"/logs/*; do
	python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]' "$f" ||
		fail "$f is not JSON lines"
done
ls "$WORK/logs" | sort -t. -k2n | while read -r f; do cat "$WORK/logs/$f"; done >"$WORK/all"
python3 "$WORK/check.py" "$WORK/all" || fail "rotated JSON differs"
exit 0
