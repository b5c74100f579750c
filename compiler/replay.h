/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_REPLAY_H
#define TAP_REPLAY_H

/*
 * Replaying a plan file (planfile.h), inside compiler/: the records of
 * the derived probes and their context bindings, and the kernel part of
 * the plan rebuilt from its tracefs lines.
 */
#include <stdio.h>

#include "compiler.h"

struct plan_replay;

int replay_alloc(struct plan_replay **out);
void replay_free(struct plan_replay *r);

/* Writes the "#@ task_info/dprobe/bind" records of @p. */
void replay_write_records(FILE *f, const struct program *p);
/* One "#@ KEY VALUE" record; 0, -EINVAL for an unknown key, -ENOMEM. */
int replay_parse_record(struct plan_replay *r, const char *key, const char *v,
			size_t vlen);
/* The instance, dynamic events, filters, triggers and enables of a plan
 * as tapc -p2 prints it. 0, -EINVAL or -ENOMEM. */
int replay_parse_plan(struct plan_replay *r, const char *text);

#endif
