// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Snapshots: what a flight recorder holds, written to a trace.dat file
 * while it records on (session_snapshot(), session.h).
 *
 * A session holds events in three places, oldest first: the kernel's
 * snapshot buffer (where a snapshot trigger, tap's in-kernel snapshot(),
 * froze the events its readers had not read yet), the spill (pages its
 * readers took from the kernel, as much as the buffer size per CPU), and
 * the kernel's buffer. The spill is copied into the file page by page;
 * when no reader keeps it current (a flight recorder without a writer),
 * the snapshot buffer and then the buffer are moved into it, a batch at a
 * time, each batch copied before the next can push it out of the ring
 * (its readers, when they come, get them all the same). A writer moves
 * the snapshot buffer's pages in every round itself (loop.c).
 */
#include <dirent.h>
#include <errno.h>
#include <event-parse.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rotate.h"
#include "session.h"
#include "shared.h"
#include "spill.h"
#include "state.h"
#include "tfb.h"
#include "tracedat.h"

/* pages moved from the kernel between copies: well within the spill */
#define PULL_BATCH 32

struct snap {
	const char *instance;
	struct state_session ss;
	char **events;	/* system, name, ..., NULL */
	size_t nevents;
	struct tep_handle *tep;
	struct spill *spill;
	struct rotate rot;
	bool have_rot;
	struct tracedat *td;
	char clock[32];
};

static int push(struct snap *s, const char *text)
{
	char **v = realloc(s->events, (s->nevents + 2) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->events = v;
	v[s->nevents] = strdup(text);
	if (!v[s->nevents])
		return -ENOMEM;
	v[++s->nevents] = NULL;
	return 0;
}

/* the session's events: its record saved their formats at the start */
static int list_events(struct snap *s)
{
	char path[PATH_MAX];
	struct dirent *sys;
	DIR *d;
	int err = 0;

	state_path(s->instance, "formats", path, sizeof(path));
	d = opendir(path);
	if (!d)
		return -errno;
	while (!err && (sys = readdir(d))) {
		char sub[PATH_MAX + 256];
		struct dirent *ev;
		DIR *e;

		if (sys->d_name[0] == '.' || sys->d_type != DT_DIR)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, sys->d_name);
		e = opendir(sub);
		while (e && !err && (ev = readdir(e))) {
			if (ev->d_name[0] == '.' || strchr(ev->d_name, '.'))
				continue;
			err = push(s, sys->d_name);
			if (!err)
				err = push(s, ev->d_name);
		}
		if (e)
			closedir(e);
	}
	closedir(d);
	return err;
}

/* the instance's trace clock: the word in brackets */
static void read_clock(struct snap *s)
{
	char rel[512], *text, *open_b, *close_b;
	size_t len;

	s->clock[0] = '\0';
	snprintf(rel, sizeof(rel), "instances/%s/trace_clock", s->instance);
	text = tfb_read_file(rel, &len);
	open_b = text ? strchr(text, '[') : NULL;
	close_b = open_b ? strchr(open_b, ']') : NULL;
	if (close_b && close_b - open_b - 1 < (long)sizeof(s->clock))
		snprintf(s->clock, sizeof(s->clock), "%.*s", (int)(close_b - open_b - 1),
			 open_b + 1);
	free(text);
}

static int open_spill(struct snap *s)
{
	char dir[PATH_MAX];

	s->tep = tfb_load_events((const char *const *)s->events);
	if (!s->tep)
		return errno ? -errno : -EINVAL;
	state_path(s->instance, "spill", dir, sizeof(dir));
	return spill_open(dir, tfb_ncpus(), (size_t)s->ss.buffer_kb * 1024,
			  tfb_subbuf_size(s->instance), tep_get_header_page_size(s->tep),
			  &s->spill);
}

/* copies what the spill has for @cpu beyond our cursor into the file */
static int copy_pages(struct snap *s, int cpu, void *page)
{
	int err = 0;

	while (!err && spill_read(s->spill, cpu, page, NULL) == 1)
		err = tracedat_write_page(s->td, cpu, page);
	return err;
}

/* moves what @fd (snapshot_raw or trace_pipe_raw) has into the spill, a
 * batch at a time, copying each batch before the next can push it out */
static int pull_copy(struct snap *s, int cpu, int fd, void *page)
{
	int n, err = 0;

	while (!err && fd >= 0 && (n = spill_pull(s->spill, cpu, fd, PULL_BATCH)) > 0)
		err = copy_pages(s, cpu, page);
	return err;
}

/*
 * One CPU: the spill's pages, then, when no reader keeps the spill up to
 * date (a flight recorder without a writer), the kernel's snapshot buffer
 * and buffer, through the spill so its readers get them too.
 */
static int copy_cpu(struct snap *s, int cpu, bool pull, void *page)
{
	int err = spill_lock(s->spill), fd;

	if (err)
		return err;
	err = copy_pages(s, cpu, page);
	if (!err && pull) {
		fd = tfb_open_cpu_snapshot(s->instance, cpu);
		err = pull_copy(s, cpu, fd, page);
		if (fd >= 0)
			close(fd);
		fd = tfb_open_cpu_raw(s->instance, cpu);
		if (!err)
			err = pull_copy(s, cpu, fd, page);
		if (fd >= 0)
			close(fd);
	}
	spill_unlock(s->spill);
	return err;
}

/* a name for the file: "%" in it is not a strftime conversion here */
static int start_file(struct snap *s, const char *file)
{
	static char pattern[2 * PATH_MAX];
	struct rotate_spec spec = { .pattern = pattern };
	size_t k = 0;
	int err;

	for (const char *p = file; *p && k + 2 < sizeof(pattern); p++) {
		if (*p == '%')
			pattern[k++] = '%';
		pattern[k++] = *p;
	}
	pattern[k] = '\0';
	err = rotate_init(&s->rot, &spec, ROTATE_PLACEHOLDER);
	if (err)
		return err;
	s->have_rot = true;
	return rotate_start(&s->rot, time(NULL));
}

static int write_pages(struct snap *s)
{
	struct tracedat_opts to = {
		.ncpus = tfb_ncpus(),
		.page_size = tfb_subbuf_size(s->instance),
		.events = (const char *const *)s->events,
		.trace_clock = s->clock[0] ? s->clock : NULL,
		.rot = &s->rot,
	};
	void *page = malloc((size_t)to.page_size);
	pid_t readers[4];
	/* a writer or reader keeps the spill current: the kernel is theirs */
	bool pull = shared_readers(s->instance, 0, readers, 4) == 0;
	int err = page ? tracedat_open(&to, &s->td) : -ENOMEM;

	for (int cpu = 0; !err && cpu < to.ncpus; cpu++)
		err = copy_cpu(s, cpu, pull, page);
	if (err == -EAGAIN)
		err = s->rot.err ? s->rot.err : -ENOSPC;
	if (!err)
		err = tracedat_close(s->td);
	free(page);
	return err;
}

static void snap_release(struct snap *s)
{
	tracedat_free(s->td);
	if (s->have_rot)
		rotate_release(&s->rot);
	spill_free(s->spill);
	if (s->tep)
		tep_free(s->tep);
	for (size_t i = 0; i < s->nevents; i++)
		free(s->events[i]);
	free(s->events);
	state_session_release(&s->ss);
}

/* DIR/SESSION-snapshot-YYYYmmdd-HHMMSS[-N].dat, a name not taken yet */
static void default_name(const struct snap *s, const char *dir, char *buf, size_t n)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(buf, n, "%s/%s-snapshot-%s.dat", dir, s->ss.name, stamp);
	for (int i = 2; access(buf, F_OK) == 0 && i < 1000; i++)
		snprintf(buf, n, "%s/%s-snapshot-%s-%d.dat", dir, s->ss.name, stamp, i);
}

int session_snapshot(const char *instance, const char *file, const char *dir,
		     char *written, size_t n)
{
	struct snap s = { .instance = instance };
	char name[PATH_MAX];
	int err;

	written[0] = '\0';
	err = state_session_load(instance, &s.ss);
	if (!err)
		err = list_events(&s);
	if (!err)
		err = open_spill(&s);
	if (!err)
		read_clock(&s);
	if (!err) {
		if (file)
			snprintf(name, sizeof(name), "%s", file);
		else
			default_name(&s, dir && *dir ? dir : ".", name, sizeof(name));
		err = start_file(&s, name);
	}
	if (!err)
		err = write_pages(&s);
	if (!err)
		snprintf(written, n, "%s", name);
	snap_release(&s);
	return err;
}
