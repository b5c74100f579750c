/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_STATE_H
#define TAP_STATE_H

/*
 * Session records: a directory per instance under the run directory
 * (/run/tap/sessions, or $TAP_RUN_DIR/sessions) saying who owns it. Any
 * later tapc finds orphans by their owner's dead pid, and removes only
 * what these records say tap made.
 *
 * A flight recorder (tapc -F) keeps more there, so that any later
 * command can find it, decode its events and talk to its processes:
 *
 *   owner      pid, start time, attached|detached, dynamic event group
 *   session    the options it was started with (state_session)
 *   script     the script's source
 *   plan       its plan (tapc -p2), to check a recompile against
 *   formats/   the event formats at the start (header_page, SYS/EVENT)
 *   writer     pid and start time of the process writing -o files
 *   readers/   one file per attached reader process (its pid)
 *   stopping   present once someone stops the session
 *   rotated    the name of the log file closed last
 *   replies/   answers to rotate requests, by the asker's pid
 *   log        what the writer process has to say (its stderr)
 *   spill/     pages already read from the kernel (spill.h)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
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
/* true if a process @pid started at @start is alive */
bool state_pid_alive(pid_t pid, unsigned long long start);

/*
 * Removes instances and events of records whose owner died (and that are
 * not detached flight recorders), and records of flight recorders whose
 * instance someone else removed. Calls @report for each one removed.
 * Returns how many were removed.
 */
int state_cleanup_orphans(void (*report)(const char *instance, pid_t pid));

unsigned long long state_proc_start(pid_t pid);

/* --- files of a session's record ----------------------------------------- */

/* The path of @file in @instance's record ("" for the directory). */
void state_path(const char *instance, const char *file, char *buf, size_t n);
/* Writes @file whole (through a temporary and rename). 0 or -errno. */
int state_write_file(const char *instance, const char *file, const void *data,
		     size_t len);
/* The same, with the text @fill prints into its stream (given @arg). */
int state_write_printed(const char *instance, const char *file,
			void (*fill)(FILE *f, const void *arg), const void *arg);
/* Reads @file into a malloc'd NUL-terminated buffer. 0 or -errno. */
int state_read_file(const char *instance, const char *file, char **data,
		    size_t *len);
/* true if @file exists in the record */
bool state_has_file(const char *instance, const char *file);

/* The options a flight recorder was started with: enough to compile it
 * again exactly as it was, and to show it in a list. */
struct state_session {
	char *name;	/* session name (the instance is tap_NAME) */
	char *script_name;	/* the script as given, "<command line>" for -e */
	char *script;	/* its text */
	size_t script_len;
	unsigned buffer_kb;
	long target_pid;
	char **args;	/* script arguments */
	int nargs;
	char **defines;	/* "NAME=VALUE" */
	size_t ndefines;
	char *output;	/* -o, or NULL */
	char *size;	/* -S as given, or NULL */
	char *format;	/* "text", "json" */
	bool raw;
	long long created;	/* time(2) at the start */
};

/* Saves @s (script included) in @instance's record. 0 or -errno. */
int state_session_save(const char *instance, const struct state_session *s);
/* Loads it back; release with state_session_release(). 0 or -errno. */
int state_session_load(const char *instance, struct state_session *s);
void state_session_release(struct state_session *s);

/* A process of the session: the -o writer, or an attached reader. */
int state_set_writer(const char *instance, pid_t pid);
/* The writer's pid if it is alive, else 0. */
pid_t state_writer(const char *instance);
int state_add_reader(const char *instance, pid_t pid);
int state_remove_reader(const char *instance, pid_t pid);
/* Attached readers that are alive, other than @self. */
int state_count_readers(const char *instance, pid_t self);

/*
 * Calls @fn for every session record (instance names). Returns how many
 * there were, or -errno.
 */
int state_foreach(void (*fn)(const char *instance, void *arg), void *arg);

#endif
