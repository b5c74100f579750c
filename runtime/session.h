/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_SESSION_H
#define TAP_SESSION_H

/*
 * A session runs a compiled program: it claims and sets up the instance,
 * runs begin probes, follows the buffers, and on the way out runs end
 * probes, reports loss and removes everything it created, whatever made
 * it stop.
 */
#include <stdbool.h>
#include <stdio.h>

#include "compiler.h"

struct session_opts {
	const char *prog;	/* name in messages */
	int out_fd;	/* handler output */
	char *const *command;	/* -c: argv to run and follow, or NULL */
	bool verbose;
	FILE *log;	/* messages (stderr) */
};

/*
 * Runs @p to the end. Kernel rejections go to @d; warnings of a plan the
 * kernel took are printed to o->log before the run starts (and @d is
 * emptied). Returns the process exit status: 0, 1 after a run-time error,
 * 3 when the kernel refused the plan.
 */
int session_run(const struct program *p, const struct session_opts *o,
		struct diag *d);

/*
 * The events whose formats the runtime needs to decode @p's records:
 * system, name, ..., NULL, in a malloc'd array of pointers into the plan.
 */
const char **session_events(const struct plan *p);

#endif
