// SPDX-License-Identifier: GPL-2.0-or-later
/* The tapc command line of a tapd session (sessargs.h). */
#include "sessargs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* short options that take an argument: their argument is not an option */
static bool takes_arg(char c)
{
	return c && strchr("pcxmsoSAeD", c);
}

/* the first short option of NAME_OPT among @letters, or NULL */
static const char *scan(const struct tapd_script *sc, const char *letters)
{
	for (size_t i = 0; i < sc->nopts; i++) {
		const char *o = sc->opts[i];

		if (o[0] != '-' || o[1] == '-' || !o[1])
			continue;
		/* a cluster: -vo FILE, -oFILE; an option with an argument
		 * ends it, and takes the next word when nothing follows */
		for (const char *p = o + 1; *p; p++) {
			if (strchr(letters, *p))
				return p;
			if (takes_arg(*p)) {
				if (!p[1])
					i++;
				break;
			}
		}
	}
	return NULL;
}

const char *sessargs_refused(const struct tapd_script *sc)
{
	static const char *const refused_long[] = {
		"--stop", "--rotate", "--resume", "--cleanup", "--target", "--foreground",
	};
	static const char *const refused_short[] = { "-m", "-c", "-A", "-p", "-e" };
	const char *p;

	for (size_t i = 0; i < sc->nopts; i++)
		for (size_t k = 0; k < sizeof(refused_long) / sizeof(*refused_long); k++)
			if (!strncmp(sc->opts[i], refused_long[k], strlen(refused_long[k])))
				return refused_long[k];
	p = scan(sc, "mcApe");
	for (size_t k = 0; p && k < sizeof(refused_short) / sizeof(*refused_short); k++)
		if (refused_short[k][1] == *p)
			return refused_short[k];
	return NULL;
}

bool sessargs_has_output(const struct tapd_script *sc)
{
	return scan(sc, "o") != NULL;
}

static int push(struct sessargs *a, const char *s)
{
	char **v = realloc(a->argv, (a->n + 2) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	a->argv = v;
	v[a->n++] = (char *)s;
	v[a->n] = NULL;
	return 0;
}

static char *own(struct sessargs *a, char *s)
{
	for (size_t i = 0; s && i < sizeof(a->owned) / sizeof(*a->owned); i++) {
		if (!a->owned[i]) {
			a->owned[i] = s;
			return s;
		}
	}
	free(s);
	return NULL;
}

int sessargs_start(struct sessargs *a, const struct tapd_config *c,
		   const struct tapd_script *sc, const char *tapc)
{
	const char *bad = sessargs_refused(sc);
	int err = 0;

	memset(a, 0, sizeof(*a));
	if (bad) {
		snprintf(a->problem, sizeof(a->problem),
			 "%s_OPT: '%s' is not for a service (tapd names the session '%s' and "
			 "runs it from boot)", sc->name, bad, sc->name);
		return -EINVAL;
	}
	err = push(a, tapc);
	if (!err)
		err = push(a, "-F");
	if (!err)
		err = push(a, "--foreground");
	if (!err)
		err = push(a, "-m");
	if (!err)
		err = push(a, sc->name);
	if (!err && !sessargs_has_output(sc)) {
		char *path = NULL;

		if (asprintf(&path, "%s/%s.log", c->paths.log_dir, sc->name) < 0)
			path = NULL;
		err = push(a, "-o");
		if (!err)
			err = own(a, path) ? push(a, path) : -ENOMEM;
	}
	for (size_t i = 0; !err && i < sc->nopts; i++)
		err = push(a, sc->opts[i]);
	if (!err)
		err = push(a, sc->path);
	return err;
}

void sessargs_release(struct sessargs *a)
{
	free(a->argv);
	for (size_t i = 0; i < sizeof(a->owned) / sizeof(*a->owned); i++)
		free(a->owned[i]);
	memset(a, 0, sizeof(*a));
}
