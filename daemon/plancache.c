// SPDX-License-Identifier: GPL-2.0-or-later
/* tapd's plan cache (plancache.h). */
#include "plancache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "planfile.h"

/* the script and the options are what the plan was made from */
static enum plan_state same_source(const struct tapd_script *sc, const struct planfile *pf,
				   const char *options, char *why, size_t n)
{
	size_t len = 0;
	char *text = file_read_text(sc->path, &len);
	enum plan_state st = PLAN_OK;

	if (!text) {
		snprintf(why, n, "cannot read '%s'", sc->path);
		st = PLAN_STALE;
	} else if (len != pf->source_len || memcmp(text, pf->source, len)) {
		snprintf(why, n, "'%s' changed since the plan was compiled", sc->path);
		st = PLAN_STALE;
	} else if (strcmp(options, pf->options)) {
		snprintf(why, n, "%s_OPT changed since the plan was compiled", sc->name);
		st = PLAN_STALE;
	}
	free(text);
	return st;
}

enum plan_state plancache_check(const struct tapd_script *sc, const char *options,
				const char *release, const char *build_id, char *why,
				size_t n)
{
	struct planfile pf;
	enum plan_state st;
	char err[1024];
	int rc = planfile_load(sc->plan, &pf, err, sizeof(err));

	if (rc == -ENOENT) {
		snprintf(why, n, "no plan in the cache yet");
		return sc->path ? PLAN_MISSING : PLAN_BAD;
	}
	if (rc) {
		snprintf(why, n, "%s", err);
		return sc->path ? PLAN_STALE : PLAN_BAD;
	}
	if (planfile_check_identity(&pf, release, build_id, err, sizeof(err))) {
		snprintf(why, n, "the plan '%s' does not fit this kernel: %s", sc->plan, err);
		st = sc->path ? PLAN_STALE : PLAN_BAD;
	} else {
		/* a precompiled plan without its script is used as it is */
		st = sc->path ? same_source(sc, &pf, options, why, n) : PLAN_OK;
	}
	planfile_release(&pf);
	return st;
}

int plancache_prepare(const struct tapd_script *sc)
{
	char dir[4096], *slash;

	snprintf(dir, sizeof(dir), "%s", sc->plan);
	slash = strrchr(dir, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	return mkdir(dir, 0755) && errno != EEXIST ? -errno : 0;
}
