/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_PLAN_H
#define TAP_PLAN_H

/*
 * The compiled artifact: what exactly a script does to the kernel, and
 * which user-space handlers run on which events. plan_print() writes it
 * as the exact, ordered list of tracefs writes (tapc -p2); the same bytes
 * for the same script and target.
 */
#include "probe_def.h"

#define PLAN_DEFAULT_BUFFER_KB 1024

struct plan_instance {
	char *name;	/* tracefs instance, "tap_<session>" */
	unsigned buffer_kb;	/* per CPU */
	bool overwrite;	/* flight recorder: keep the newest events */
	char *clock;	/* trace_clock, NULL: leave as is */
	int buffer_percent;	/* reader wake-up watermark; -1: the default */
	/*
	 * set_event_pid: the tasks (thread ids) whose events the instance
	 * records, NULL for all; with event_fork the kernel adds the threads
	 * and children they start (process(PID) probes).
	 */
	char *event_pids;
	bool event_fork;
	bool record_tgid;	/* keep the kernel's tid -> tgid map (pid()) */
};

struct plan {
	char *session;
	char *group;	/* dynamic event group, "tap_<session>" */
	char *events_file;	/* "dynamic_events" or "uprobe_events" ... */
	struct plan_instance instance;
	struct probe_def *defs;
	size_t ndefs;
	char *kernel_release;
	char *script_name;
	char *script_hash;	/* hex FNV-1a 64 of the source */
	char **notes;	/* "# ..." lines: what runs in user space and why */
	size_t nnotes;
};

struct plan *plan_alloc(void);
void plan_free(struct plan *p);

/* Appends a zeroed definition; NULL on ENOMEM. */
struct probe_def *plan_add_def(struct plan *p);
/* Finds the tracepoint definition for system/event, or NULL. */
struct probe_def *plan_find_tracepoint(struct plan *p, const char *system,
				       const char *event);
int plan_add_note(struct plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Writes the plan as tracefs writes, one per line, in apply order. */
void plan_print(const struct plan *p, FILE *out);

#endif
