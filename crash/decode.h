/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_CRASH_DECODE_H
#define TAP_CRASH_DECODE_H

/*
 * From recovered pages to events: the reader page's consumed part is cut
 * off (so every later consumer, trace.dat included, sees only unread
 * events), then the CPUs are merged by timestamp like a live read.
 */
#include <stdint.h>

#include "ring.h"

struct tep_handle;

/*
 * Rewrites each CPU's first page so that it starts at its first unread
 * event (page time stamp moved to that event's predecessor), and clears
 * skip. Pages kbuffer cannot parse are dropped and reported.
 */
void crash_trim_consumed(struct tep_handle *tep, struct crash_instance *in,
			 void (*problem)(void *arg, const char *msg), void *arg);

/*
 * Calls @cb for every event of @in in timestamp order across CPUs;
 * @cb returns non-zero to stop. Returns the number of events, and adds
 * page-header loss counts to *@missed.
 */
uint64_t crash_for_each_event(struct tep_handle *tep,
			      const struct crash_instance *in,
			      int (*cb)(void *arg, int cpu, uint64_t ts,
					const void *data, int size),
			      void *arg, uint64_t *missed);

#endif
