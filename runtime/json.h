/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_JSON_H
#define TAP_JSON_H

/*
 * JSON lines (--format=json): each output record becomes one object on
 * one line, for log shippers:
 *
 *   {"time":"2025-01-31T12:00:00.123456789Z","cpu":1,"pid":42,"tid":43,
 *    "comm":"nginx","probe":"syscall.openat","text":"...",
 *    "fields":{"dfd":-100,"filename":"/etc/hosts",...}}
 *
 * time is the event's wall clock time in UTC; cpu, pid, tid, comm and
 * fields are there only for records made by an event (not for begin,
 * end or timers). The output is valid JSON whatever the input: strings
 * are escaped, and bytes that are not UTF-8 are given as the code points
 * U+0080..U+00FF of the same value.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;
struct tep_event;

struct json_record {
	const char *probe;	/* pp() of the probe */
	int64_t wall_ns;	/* wall clock, ns since the epoch */
	bool has_event;	/* the fields below are set */
	int cpu, pid, tid;
	const char *comm;
	struct tep_event *event;	/* for "fields"; NULL: none */
	const void *data;	/* the raw record */
	int size;
};

/* Appends @s as the body of a JSON string (without the quotes). */
int json_escape(struct strbuf *sb, const char *s, size_t n);

/*
 * Replaces the text at @sb[@mark..] by one JSON object line holding it
 * as "text". 0 or -ENOMEM (the text is then left as it was).
 */
int json_wrap(struct strbuf *sb, size_t mark, const struct json_record *r);

#endif
