/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_DAEMON_CONFIG_H
#define TAP_DAEMON_CONFIG_H

/*
 * tapd's registry, SystemTap's service layout: /etc/tap/tapd.conf,
 * scripts in script.d/NAME.tap, their options in conf.d/NAME.conf as
 * NAME_OPT="tapc options" and NAME_REQ="other scripts". Every path can
 * live under a root prefix (tests run a whole service in a temporary
 * directory).
 */
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

struct tapd_paths {
	char *root;	/* "" or a prefix for every path below */
	char *conf_file;	/* /etc/tap/tapd.conf */
	char *script_dir;	/* SCRIPT_PATH, /etc/tap/script.d */
	char *config_dir;	/* CONFIG_PATH, /etc/tap/conf.d */
	char *cache_dir;	/* CACHE_PATH, /var/cache/tap */
	char *run_dir;	/* STATE_PATH, /run/tap */
	char *log_dir;	/* LOG_PATH, /var/log/tap */
	char *backup_dir;	/* BACKUP_PATH, /var/log/tap/backup */
	char *crash_dir;	/* CRASH_PATH, /var/lib/tap/crash (tap-crash's bundles) */
};

struct tapd_script {
	char *name;
	char *path;	/* script.d/NAME.tap; NULL: a precompiled plan only */
	char *plan;	/* CACHE_PATH/<release>/NAME.plan */
	char **opts;	/* NAME_OPT split into words */
	size_t nopts;
	char *opt_text;	/* NAME_OPT as written */
	char **reqs;	/* NAME_REQ */
	size_t nreqs;
};

struct tapd_config {
	struct tapd_paths paths;
	char **default_start;	/* DEFAULT_START; NULL: every script */
	size_t ndefault;
	char *control_group;	/* CONTROL_GROUP: may use the socket too */
	unsigned backup_keep;	/* BACKUP_KEEP: closed logs kept per script */
	unsigned restart_max;	/* RESTART_MAX: restarts before 'failed' */
	struct tapd_script *scripts;	/* sorted by name */
	size_t nscripts;
	char *release;	/* the running kernel's, for the plan cache */
};

/*
 * Reads tapd.conf and the registry under @root ("" for the real system).
 * A plan in CACHE_PATH/<release>/ without a script (precompiled, dropped
 * there) registers its script too.
 * Problems (bad lines, bad names, unknown keys) go to @d as errors that
 * name the file and line; the rest still loads. 0, -EINVAL or -ENOMEM.
 */
int tapd_config_load(const char *root, struct tapd_config *c, struct diag *d);
void tapd_config_release(struct tapd_config *c);

struct tapd_script *tapd_config_find(struct tapd_config *c, const char *name);

/* a script name: letters, digits and '_', not starting with a digit */
bool tapd_valid_name(const char *name);

/*
 * Parses "KEY=value" lines with shell-style quoting ("..." and '...'),
 * comments and blank lines: calls @cb for each assignment. Returns 0, or
 * the 1-based number of the first bad line.
 */
int tapd_parse_assignments(const char *text,
			   void (*cb)(void *arg, const char *key,
				      const char *value, int line),
			   void *arg);

#endif
