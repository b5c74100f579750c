/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_DAEMON_DEPS_H
#define TAP_DAEMON_DEPS_H

/*
 * Start order from NAME_REQ: every script after the scripts it requires,
 * recursively, with loops found and named ("a -> b -> a"), as the
 * SystemTap service did. Stop runs the same order backwards.
 */
#include <stddef.h>

#include "tapd_config.h"

struct deps_plan {
	char **order;	/* names to start, requirements first */
	size_t n;
	char **problems;	/* "dependency loop: a -> b -> a", ... */
	size_t nproblems;
	char **blocked;	/* scripts not started, with the reason */
	char **blocked_reason;
	size_t nblocked;
};

/*
 * Orders @names (and, recursively, what they require) for starting.
 * Scripts in a loop, requiring an unknown script, or requiring a blocked
 * one are left out and listed in blocked[] with the reason. 0 or -ENOMEM.
 */
int deps_order(const struct tapd_config *c, char *const *names, size_t n,
	       struct deps_plan *out);
void deps_plan_release(struct deps_plan *p);

#endif
