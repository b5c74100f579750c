/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_SESSION_H
#define TAP_SESSION_H

/*
 * A session runs a compiled program: it claims and sets up the instance,
 * runs begin probes, follows the buffers, and on the way out runs end
 * probes, reports loss and removes everything it created, whatever made
 * it stop.
 *
 * A flight recorder (session_flight) is set up and left recording in the
 * kernel, with its state in the run directory (state.h); readers attach
 * to it later (session_attach), and any process can stop it or switch
 * its log files (session_stop, session_rotate).
 */
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "compiler.h"
#include "output.h"

struct rotate_spec;
struct state_session;

struct session_opts {
	const char *prog;	/* name in messages */
	int out_fd;	/* handler output without log files */
	const struct rotate_spec *files;	/* -o FILE [-S]: log files, or NULL */
	const char *size_arg;	/* -S as given (kept with a flight recorder) */
	enum output_format format;
	bool raw;	/* record the events themselves as trace.dat (needs files) */
	char *const *command;	/* -c: argv to run and follow, or NULL */
	const struct compile_define *defines;	/* -D, kept with a flight recorder */
	size_t ndefines;
	bool verbose;
	FILE *log;	/* messages (stderr) */
	/* -F -o --foreground: this process writes the files (tapd's child)
	 * instead of a background one; @ready is called once it is set up */
	bool foreground;
	void (*ready)(void *arg, pid_t writer);
	void *ready_arg;
	/* the plan file the program was rebuilt from (tapc --plan), kept
	 * with a flight recorder so that attach and resume rebuild it the
	 * same way, with no target needed; NULL for a script */
	const char *plan_file;
};

/*
 * Runs @p to the end. Kernel rejections go to @d; warnings of a plan the
 * kernel took are printed to o->log before the run starts (and @d is
 * emptied). Returns the process exit status: 0, 1 after a run-time error,
 * 3 when the kernel or the system refused.
 */
int session_run(const struct program *p, const struct session_opts *o,
		struct diag *d);

/*
 * tapc -F: sets the instance up in overwrite mode, saves the session's
 * state and starts tracing; the kernel records on. With log files, a
 * background process (its pid in *@writer, else 0) reads the events and
 * writes the files. Returns an exit status as session_run() does.
 */
int session_flight(const struct program *p, const struct session_opts *o,
		   struct diag *d, pid_t *writer);

/*
 * tapc --resume: becomes the writer of a flight recorder whose writer
 * died (@p compiled again from its state, @o its options), in this
 * process. It carries on from the dead writer's checkpoint: the current
 * file is cut back to what the checkpoint covers, files opened after it
 * are removed, and the events after it are handled again from the
 * spill, so every record is in the files once, and numbering goes on.
 * Begin probes run again for their globals, their output discarded.
 * Returns an exit status as session_run() does.
 */
int session_resume(const struct program *p, const struct session_opts *o,
		   struct diag *d);

/*
 * tapc -A: runs @p (compiled again from the flight recorder's state) on
 * what the session has buffered, then on new events. SIGQUIT detaches
 * and leaves the session recording; SIGINT/SIGTERM (or exit()) stop it
 * (end probes run, the instance goes). Returns an exit status.
 */
int session_attach(const struct program *p, const struct session_opts *o,
		   struct diag *d);

/*
 * The events whose formats the runtime needs to decode @p's records:
 * system, name, ..., NULL, in a malloc'd array of pointers into the plan.
 */
const char **session_events(const struct plan *p);

/*
 * Writes what flight recorder @instance holds (the kernel's snapshot
 * buffer, its spill, the kernel's buffer; snapshot.c) into a new
 * trace.dat file: @file, or a timestamped name in @dir (NULL: the current
 * folder), "SESSION-snapshot-YYYYmmdd-HHMMSS.dat". It records on, and its
 * writer handles those events as ever. The file's name goes to
 * @written. 0 or -errno.
 */
int session_snapshot(const char *instance, const char *file, const char *dir,
		     char *written, size_t n);

/* --- commands on running sessions (control.c) ----------------------------- */

/*
 * Finds the session called @name ("x" or its instance "tap_x"; a shared
 * buffer's host by its session name, a guest by its name) and puts its
 * state key (its instance, or a guest's HOST/guests/NAME) into
 * @instance. 0, or -ENOENT.
 */
int session_find(const char *name, char *instance, size_t n);

/*
 * Compiles a flight recorder's script again, with the options it was
 * started with, for this machine (from its plan file, if it was started
 * from one). The plan must come out the same as the
 * one stored (else -ESTALE: a binary or the kernel changed). Problems go
 * to @d (which must be set up on a src the caller frees: *@src). Fills
 * @ss, *@src, *@target and *@prog, which the caller frees. 0 or -errno.
 */
int session_recompile(const char *instance, struct state_session *ss,
		      struct src_file **src, struct target **target,
		      struct program **prog, FILE *log, const char *prog_name);

/*
 * Stops a session cleanly: a flight recorder's readers and writer finish
 * (end probes) and its instance, events and state go; a running tapc is
 * sent SIGTERM; a shared buffer's guest leaves it (shared.h). A host with
 * guests is not stopped (-EBUSY, said on @log). Messages go to @log. 0,
 * -ENOENT, -EBUSY or -errno.
 */
int session_stop(const char *instance, FILE *log, const char *prog);

/* Makes every guest of shared buffer host @instance leave. 0 or -errno. */
int session_stop_guests(const char *instance, FILE *log, const char *prog);

/*
 * Asks the process writing a session's log files to switch to the next
 * file now, and waits for its answer: the closed file's name in @closed.
 * 0, -ENOENT (no such session), -ESRCH (no process writes files), or
 * -ETIMEDOUT.
 */
int session_rotate(const char *instance, char *closed, size_t n);

#endif
