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

bool sessargs_guest(const struct tapd_script *sc, char *buffer, size_t n)
{
	for (size_t i = 0; i < sc->nopts; i++) {
		const char *o = sc->opts[i], *v = NULL;

		if (!strncmp(o, "-DRELAYGUEST", 12))
			v = o + 12;
		else if (!strcmp(o, "-D") && i + 1 < sc->nopts &&
			 !strncmp(sc->opts[i + 1], "RELAYGUEST", 10))
			v = sc->opts[i + 1] + 10;
		else if (!strcmp(o, "--shared-guest") && i + 1 < sc->nopts)
			snprintf(buffer, n, "%s", sc->opts[i + 1]);
		else if (!strncmp(o, "--shared-guest=", 15))
			snprintf(buffer, n, "%s", o + 15);
		else
			continue;
		if (v)	/* -DRELAYGUEST alone: the script's own name */
			snprintf(buffer, n, "%s", *v == '=' ? v + 1 : sc->name);
		return true;
	}
	return false;
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

/* -F -m NAME [-o LOG_PATH/NAME.log] NAME_OPT... after what is in @a */
static int common(struct sessargs *a, const struct tapd_config *c,
		  const struct tapd_script *sc)
{
	const char *bad = sessargs_refused(sc);
	char buf[128];
	int err;

	if (bad) {
		snprintf(a->problem, sizeof(a->problem),
			 "%s_OPT: '%s' is not for a service (tapd names the session '%s' and "
			 "runs it from boot)", sc->name, bad, sc->name);
		return -EINVAL;
	}
	err = push(a, "-F");
	if (!err)
		err = push(a, "-m");
	if (!err)
		err = push(a, sc->name);
	if (!err && !sessargs_has_output(sc) && !sessargs_guest(sc, buf, sizeof(buf))) {
		char *path = NULL;

		if (asprintf(&path, "%s/%s.log", c->paths.log_dir, sc->name) < 0)
			path = NULL;
		err = push(a, "-o");
		if (!err)
			err = own(a, path) ? push(a, path) : -ENOMEM;
	}
	for (size_t i = 0; !err && i < sc->nopts; i++)
		err = push(a, sc->opts[i]);
	return err;
}

int sessargs_start(struct sessargs *a, const struct tapd_config *c,
		   const struct tapd_script *sc, const char *tapc, const char *plan)
{
	char buf[128];
	int err;

	memset(a, 0, sizeof(*a));
	err = push(a, tapc);
	/* a guest joins and returns: there is no writer to keep */
	if (!err && !sessargs_guest(sc, buf, sizeof(buf)))
		err = push(a, "--foreground");
	if (!err)
		err = common(a, c, sc);
	if (!err && plan)
		err = push(a, "--plan");
	if (!err)
		err = push(a, plan ? plan : sc->path);
	return err;
}

/* the words from @first on, joined by spaces (what tapc records) */
static char *join_words(char *const *v, size_t first, size_t end)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = first; i < end; i++)
		len += strlen(v[i]) + 1;
	s = p = calloc(1, len);
	for (size_t i = first; s && i < end; i++)
		p += sprintf(p, "%s%s", i == first ? "" : " ", v[i]);
	return s;
}

int sessargs_compile(struct sessargs *a, const struct tapd_config *c,
		     const struct tapd_script *sc, const char *tapc)
{
	int err;

	memset(a, 0, sizeof(*a));
	if (!sc->path) {
		snprintf(a->problem, sizeof(a->problem),
			 "only a precompiled plan is registered for '%s' (no script.d/%s.tap)",
			 sc->name, sc->name);
		return -ENOENT;
	}
	err = push(a, tapc);
	if (!err)
		err = push(a, "--compile-to");
	if (!err)
		err = push(a, sc->plan);
	if (!err)
		err = common(a, c, sc);
	if (!err) {
		a->options = join_words(a->argv, 3, a->n);
		err = a->options ? push(a, sc->path) : -ENOMEM;
	}
	return err;
}

void sessargs_release(struct sessargs *a)
{
	free(a->argv);
	free(a->options);
	for (size_t i = 0; i < sizeof(a->owned) / sizeof(*a->owned); i++)
		free(a->owned[i]);
	memset(a, 0, sizeof(*a));
}
