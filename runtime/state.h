/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_STATE_H
#define TAP_STATE_H

/*
 * Session records: a directory per instance under the run directory
 * (/run/tap/sessions, or $TAP_RUN_DIR/sessions) saying who owns it. Any
 * later tapc finds orphans by their owner's dead pid, and removes only
 * what these records say tap made.
 */
#include <stdbool.h>
#include <sys/types.h>

struct state_owner {
	pid_t pid;
	unsigned long long start;	/* /proc/PID/stat starttime: pids get reused */
	bool detached;	/* a flight recorder: no process needed */
	char group[128];
};

const char *state_run_dir(void);

/* Records that this process owns @instance (its events are in @group). */
int state_claim(const char *instance, const char *group, bool detached);
int state_release(const char *instance);
int state_read(const char *instance, struct state_owner *o);
/* true if the record's owner process is alive (and the same process) */
bool state_owner_alive(const struct state_owner *o);

/*
 * Removes instances and events of records whose owner died (and that are
 * not detached flight recorders). Calls @report for each one removed.
 * Returns how many were removed.
 */
int state_cleanup_orphans(void (*report)(const char *instance, pid_t pid));

unsigned long long state_proc_start(pid_t pid);

#endif
