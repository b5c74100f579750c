/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_SHARED_H
#define TAP_SHARED_H

/*
 * Shared buffers (SystemTap's RELAYHOST/RELAYGUEST, which SystemTap
 * removed in 2016, kept here because a tracefs instance makes them easy):
 *
 *   host   -DRELAYHOST=NAME (or --shared-host NAME): a flight recorder
 *          whose instance is tap_NAME, its size the host's -s. Its record
 *          has a "shared" file.
 *   guest  -DRELAYGUEST=NAME (--shared-guest NAME): a script whose events
 *          go into that instance. It has no process: it joins (its
 *          dynamic events, filters and triggers go into the instance), the
 *          host's readers load its program, and then its events are
 *          enabled. Each event runs the handlers of the script that owns
 *          its probe; a guest's output goes to the host's (SystemTap's
 *          guests printed into the host's buffer too).
 *
 * A guest's record lives in its host's: sessions/tap_NAME/guests/GUEST/
 * (its "instance" key for state.h is "tap_NAME/guests/GUEST"), with:
 *   ready        its events exist; readers load it at their next tick
 *   loaded/PID   reader PID runs its handlers
 *   events       "SYSTEM EVENT TRIGGER" lines: what to turn off at the end
 *   stopping     it leaves: readers handle what is buffered, run its end
 *                probes, and drop it (dropped/PID)
 * Leaving turns its events off first, so nothing of it is left unhandled,
 * and the host records on throughout. A host does not stop while it has
 * guests (unless forced: they leave first).
 */
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "compiler.h"

struct session_opts;
struct diag;

/*
 * The shared buffer that defines @d name (RELAYHOST or RELAYGUEST; a
 * value of "1", i.e. -DRELAYHOST alone, means @session), or NULL. *@guest
 * says which.
 */
const char *shared_name(const struct compile_define *d, size_t n, const char *session,
			bool *guest);

/* The state key of guest @guest of host instance @host. */
void shared_guest_key(const char *host, const char *guest, char *buf, size_t n);
/* Is @key a guest's ("HOST/guests/NAME")? */
bool shared_is_guest(const char *key);

/*
 * tapc with RELAYGUEST: joins @p's events to its host's instance and
 * returns once they are enabled. Problems go to @d. An exit status, as
 * session_run()'s.
 */
int shared_join(const struct program *p, const struct session_opts *o,
		struct diag *d);

/*
 * A guest leaves: its events go off, the host's readers handle what is
 * buffered and run its end probes, then its events and record go. 0 or
 * -errno; messages to @log.
 */
int shared_leave(const char *key, FILE *log, const char *prog);

/* The names of the guests of host instance @host (a NULL-terminated
 * malloc'd array, free with shared_names_free()), or NULL when none. */
char **shared_guests(const char *host);
void shared_names_free(char **names);

/* Processes reading host @host now (its writer and attached readers),
 * other than @self, into @pids (at most @n). Returns how many. */
int shared_readers(const char *host, pid_t self, pid_t *pids, int n);

#endif
