/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_DAEMON_PLANCACHE_H
#define TAP_DAEMON_PLANCACHE_H

/*
 * tapd's plan cache: CACHE_PATH/<release>/NAME.plan, a plan file
 * (compiler/planfile.h) per script. A session starts from its plan
 * (tapc --plan), compiled first when it is missing or stale: when the
 * script's text, its NAME_OPT or the kernel (release, build id) is not
 * what the plan was made from. A plan dropped into the cache by hand
 * (compiled on another machine, tapc --compile-to) is used as is, with no
 * script needed, as long as it fits the running kernel.
 */
#include <stddef.h>

#include "tapd_config.h"

enum plan_state {
	PLAN_OK,	/* use it */
	PLAN_MISSING,	/* compile it */
	PLAN_STALE,	/* the script, its options or the kernel changed */
	PLAN_BAD,	/* unreadable, or (without a script) for another kernel */
};

/*
 * What to do with @sc's plan, compiled with @options (sessargs'
 * compile options text), on kernel @release/@build_id (NULL: unknown).
 * The reason for anything but PLAN_OK goes to @why.
 */
enum plan_state plancache_check(const struct tapd_script *sc, const char *options,
				const char *release, const char *build_id, char *why,
				size_t n);

/* Makes the directory @sc's plan goes in. 0 or -errno. */
int plancache_prepare(const struct tapd_script *sc);

#endif
