/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_SESSION_INTERNAL_H
#define TAP_SESSION_INTERNAL_H

/* Shared by session.c and control.c. */
#include <sys/types.h>

struct program;
struct session_opts;

/*
 * Waits up to @timeout_ms for a flight recorder's readers and writer
 * (other than @self) to go. 0, or -ETIMEDOUT.
 */
int session_wait_readers(const char *instance, int timeout_ms, pid_t self);

/*
 * Saves what a later command needs to compile @p again under state key
 * @key: its options and script, its plan, and the plan file it came from.
 * 0 or -errno.
 */
int session_save_record(const char *key, const struct program *p,
			const struct session_opts *o);

#endif
