// SPDX-License-Identifier: GPL-2.0-or-later
#include "raw.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rotate.h"
#include "tracedat.h"

/* system, name, ... of every saved format, NULL-terminated */
static char **saved_events(const char *root)
{
	char base[4200];
	struct dirent *s;
	char **v = NULL;
	size_t n = 0;
	DIR *sys;

	snprintf(base, sizeof(base), "%s/events", root);
	sys = opendir(base);
	while (sys && (s = readdir(sys))) {
		char sub[4500];
		struct dirent *e;
		DIR *evs;

		if (s->d_name[0] == '.' || s->d_type == DT_REG)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", base, s->d_name);
		evs = opendir(sub);
		while (evs && (e = readdir(evs))) {
			char **bigger;

			if (e->d_name[0] == '.')
				continue;
			bigger = realloc(v, (n + 3) * sizeof(*v));
			if (!bigger)
				break;
			v = bigger;
			v[n++] = strdup(s->d_name);
			v[n++] = strdup(e->d_name);
			v[n] = NULL;
		}
		if (evs)
			closedir(evs);
	}
	if (sys)
		closedir(sys);
	return v;
}

static void free_events(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int write_pages(struct tracedat *td, const struct crash_instance *in)
{
	for (size_t c = 0; c < in->ncpus; c++) {
		const struct crash_cpu *cpu = &in->cpus[c];

		for (size_t p = 0; p < cpu->npages; p++) {
			int err;

			if (cpu->pages[p].skip)
				continue;	/* wholly consumed */
			err = tracedat_write_page(td, cpu->cpu, cpu->pages[p].data);
			if (err)
				return err;
		}
	}
	return 0;
}

int crash_write_tracedat(const char *path, const struct crash_meta *m,
			 const struct crash_instance *in)
{
	struct rotate_spec spec = { .pattern = path };
	struct tracedat_opts o = { 0 };
	struct tracedat *td = NULL;
	struct rotate rot;
	char root[4096];
	char **events;
	int err;

	snprintf(root, sizeof(root), "%s/tracefs", m->path);
	events = saved_events(root);
	if (!events)
		return -ENOENT;
	for (size_t c = 0; c < in->ncpus; c++)
		if (in->cpus[c].cpu + 1 > o.ncpus)
			o.ncpus = in->cpus[c].cpu + 1;
	o.page_size = (int)in->subbuf_size;
	o.events = (const char *const *)events;
	o.rot = &rot;
	o.root = root;
	err = rotate_init(&rot, &spec, ROTATE_PLACEHOLDER);
	if (!err)
		err = rotate_start(&rot, time(NULL));
	if (!err)
		err = tracedat_open(&o, &td);
	if (!err)
		err = write_pages(td, in);
	if (!err)
		err = tracedat_close(td);
	tracedat_free(td);
	rotate_release(&rot);
	free_events(events);
	return err;
}
