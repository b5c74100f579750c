// SPDX-License-Identifier: GPL-2.0-or-later
#include "meta.h"

#include <dirent.h>
#include <errno.h>
#include <event-parse.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "crashmeta.h"
#include "fileio.h"

const char *crash_meta_dir(void)
{
	return crashmeta_dir();
}

static char *trimmed(char *s)
{
	if (s)
		s[strcspn(s, "\n")] = '\0';
	return s;
}

char *crash_build_id_from_notes(const void *notes, size_t len)
{
	return crashmeta_build_id_from_notes(notes, len);
}

char *crash_live_build_id(void)
{
	return crashmeta_live_build_id();
}

/* --- loading --------------------------------------------------------------- */

static char *newest_boot(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	time_t best = 0;
	char *name = NULL;

	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		char path[4096];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/boot_id", dir, de->d_name);
		if (stat(path, &st) || st.st_mtime < best)
			continue;
		best = st.st_mtime;
		free(name);
		name = strdup(de->d_name);
	}
	closedir(d);
	return name;
}

static char *load_file(const struct crash_meta *m, const char *rel, size_t *len)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", m->path, rel);
	return file_read_text(path, len);
}

int crash_meta_load(const char *dir, const char *boot_id, struct crash_meta *m)
{
	char *boot = boot_id ? strdup(boot_id) : newest_boot(dir);
	char *off;
	size_t len = 0;

	memset(m, 0, sizeof(*m));
	if (!boot)
		return -ENOENT;
	if (asprintf(&m->path, "%s/%s", dir, boot) < 0) {
		free(boot);
		return -ENOMEM;
	}
	m->boot_id = trimmed(load_file(m, "boot_id", NULL));
	free(boot);
	if (!m->boot_id) {
		crash_meta_release(m);
		return -ENOENT;
	}
	m->build_id = trimmed(load_file(m, "build_id", NULL));
	m->release = trimmed(load_file(m, "release", NULL));
	off = load_file(m, "clock_offset", NULL);
	m->clock_offset = off ? strtoll(off, NULL, 10) : 0;
	free(off);
	m->kallsyms = load_file(m, "kallsyms", NULL);
	{
		char path[4096];

		snprintf(path, sizeof(path), "%s/btf/vmlinux", m->path);
		m->btf = file_read_bin(path, &len);
		m->btf_size = len;
	}
	return 0;
}

void crash_meta_release(struct crash_meta *m)
{
	free(m->path);
	free(m->boot_id);
	free(m->build_id);
	free(m->release);
	free(m->kallsyms);
	free(m->btf);
	memset(m, 0, sizeof(*m));
}

char *crash_meta_instance_file(const struct crash_meta *m, const char *name,
			       const char *file)
{
	char rel[1024];

	snprintf(rel, sizeof(rel), "instances/%s/%s", name, file);
	return load_file(m, rel, NULL);
}

static int load_formats(const struct crash_meta *m, struct tep_handle *tep)
{
	char base[4096];
	DIR *systems;
	struct dirent *s;

	snprintf(base, sizeof(base), "%s/tracefs/events", m->path);
	systems = opendir(base);
	if (!systems)
		return -errno;
	while ((s = readdir(systems))) {
		char sysdir[4400];
		struct dirent *e;
		DIR *evs;

		if (s->d_name[0] == '.' || s->d_type == DT_REG)
			continue;
		snprintf(sysdir, sizeof(sysdir), "%s/%s", base, s->d_name);
		evs = opendir(sysdir);
		while (evs && (e = readdir(evs))) {
			char path[4700];
			size_t len;
			char *fmt;

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/format", sysdir, e->d_name);
			fmt = file_read_text(path, &len);
			if (fmt)
				tep_parse_event(tep, fmt, len, s->d_name);
			free(fmt);
		}
		if (evs)
			closedir(evs);
	}
	closedir(systems);
	return 0;
}

struct tep_handle *crash_meta_tep(const struct crash_meta *m)
{
	struct tep_handle *tep = tep_alloc();
	size_t len;
	char *hp, *cmdlines;

	if (!tep)
		return NULL;
	tep_set_loglevel(TEP_LOG_CRITICAL);
	hp = load_file(m, "tracefs/events/header_page", &len);
	if (!hp || tep_parse_header_page(tep, hp, len, sizeof(long)) ||
	    load_formats(m, tep)) {
		free(hp);
		tep_free(tep);
		return NULL;
	}
	free(hp);
	/* comm names, as the kernel knew them when the session started */
	cmdlines = load_file(m, "tracefs/saved_cmdlines", NULL);
	for (char *line = cmdlines ? strtok(cmdlines, "\n") : NULL; line;
	     line = strtok(NULL, "\n")) {
		int pid;
		char comm[64];

		if (sscanf(line, "%d %63s", &pid, comm) == 2)
			tep_register_comm(tep, comm, pid);
	}
	free(cmdlines);
	return tep;
}
