/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_DAEMON_SESSARGS_H
#define TAP_DAEMON_SESSARGS_H

/*
 * The tapc command line that starts a registered script as a tapd
 * session: a flight recorder whose writer is the tapc process itself,
 *
 *   tapc -F --foreground -m NAME [-o LOG_PATH/NAME.log] NAME_OPT... SCRIPT
 *
 * NAME_OPT is the script's options from conf.d/NAME.conf. Without -o the
 * output goes to LOG_PATH/NAME.log (a service has no terminal). Options
 * that make no sense for a service are refused with the reason: -m (the
 * name is the file's), -c (nothing to follow at boot), -A, -p, -e,
 * --stop, --rotate, --resume, --cleanup, --target, --foreground.
 */
#include <stdbool.h>
#include <stddef.h>

#include "tapd_config.h"

struct sessargs {
	char **argv;	/* NULL-terminated; free with sessargs_release() */
	size_t n;
	char *owned[4];	/* strings argv points to that we made */
	char *options;	/* compile form: the options text tapc keeps in the plan */
	char problem[512];	/* why it cannot start (-EINVAL) */
};

/*
 * Builds the command line that starts @sc into @a: from its plan file
 * @plan (tapc --plan), or from its script when @plan is NULL. Returns 0,
 * -EINVAL (refused options; a->problem says which), or -ENOMEM. Release
 * @a either way.
 */
int sessargs_start(struct sessargs *a, const struct tapd_config *c,
		   const struct tapd_script *sc, const char *tapc, const char *plan);

/*
 * The command line that compiles @sc into its plan (tapc --compile-to
 * sc->plan), with a->options the text tapc records in it. Same returns.
 */
int sessargs_compile(struct sessargs *a, const struct tapd_config *c,
		     const struct tapd_script *sc, const char *tapc);
void sessargs_release(struct sessargs *a);

/* The first option of @sc's NAME_OPT a service refuses, or NULL. */
const char *sessargs_refused(const struct tapd_script *sc);
/* NAME_OPT makes the script a shared buffer's guest (-DRELAYGUEST=B or
 * --shared-guest B): @buffer gets B. A guest has no process of its own
 * and no output file: it joins, and its handlers run in its host's. */
bool sessargs_guest(const struct tapd_script *sc, char *buffer, size_t n);
/* NAME_OPT names an output file (-o FILE or -oFILE). */
bool sessargs_has_output(const struct tapd_script *sc);

#endif
