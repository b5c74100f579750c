// SPDX-License-Identifier: GPL-2.0-or-later
/* Shared buffers: guests joining and leaving a host's instance (shared.h). */
#include "shared.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "session.h"
#include "session_internal.h"
#include "state.h"
#include "tfb.h"

/* how long a guest waits for the host's readers (ms) */
#define SHARED_WAIT_MS 15000
#define POLL_MS 20

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

const char *shared_name(const struct compile_define *d, size_t n, const char *session,
			bool *guest)
{
	for (size_t i = 0; i < n; i++) {
		bool host = !strcmp(d[i].name, "RELAYHOST");

		if (!host && strcmp(d[i].name, "RELAYGUEST"))
			continue;
		*guest = !host;
		return strcmp(d[i].value, "1") ? d[i].value : session;
	}
	*guest = false;
	return NULL;
}

void shared_guest_key(const char *host, const char *guest, char *buf, size_t n)
{
	snprintf(buf, n, "%s/guests/%s", host, guest);
}

bool shared_is_guest(const char *key)
{
	return strstr(key, "/guests/") != NULL;
}

/* the host instance of guest key @key */
static void host_of(const char *key, char *buf, size_t n)
{
	const char *g = strstr(key, "/guests/");

	snprintf(buf, n, "%.*s", g ? (int)(g - key) : (int)strlen(key), key);
}

/* --- who reads the host ------------------------------------------------------- */

static int add_reader(const char *host, const char *file, pid_t self, pid_t *pids, int n,
		      int count)
{
	unsigned long long start;
	char *text = NULL;
	int pid = 0;

	if (count >= n || state_read_file(host, file, &text, NULL))
		return count;
	if (sscanf(text, "%d %llu", &pid, &start) == 2 && pid != self &&
	    state_pid_alive(pid, start))
		pids[count++] = pid;
	free(text);
	return count;
}

int shared_readers(const char *host, pid_t self, pid_t *pids, int n)
{
	char path[PATH_MAX];
	struct dirent *de;
	int count = add_reader(host, "writer", self, pids, n, 0);
	DIR *d;

	state_path(host, "readers", path, sizeof(path));
	d = opendir(path);
	while (d && (de = readdir(d))) {
		char file[300];

		if (de->d_name[0] == '.' || strchr(de->d_name, '.'))
			continue;
		snprintf(file, sizeof(file), "readers/%s", de->d_name);
		count = add_reader(host, file, self, pids, n, count);
	}
	if (d)
		closedir(d);
	return count;
}

/* waits until every process in @pids has written @what/PID in @key, or
 * is gone; 0 or -ETIMEDOUT */
static int wait_acks(const char *key, const char *what, const pid_t *pids, int n)
{
	for (int waited = 0;; waited += POLL_MS) {
		int missing = 0;

		for (int i = 0; i < n; i++) {
			char file[64];

			snprintf(file, sizeof(file), "%s/%d", what, (int)pids[i]);
			if (!state_has_file(key, file) && !(kill(pids[i], 0) && errno == ESRCH) &&
			    state_proc_start(pids[i]))
				missing++;
		}
		if (!missing)
			return 0;
		if (waited >= SHARED_WAIT_MS)
			return -ETIMEDOUT;
		sleep_ms(POLL_MS);
	}
}

char **shared_guests(const char *host)
{
	char path[PATH_MAX], **v = NULL;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	state_path(host, "guests", path, sizeof(path));
	d = opendir(path);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		char **nv;

		if (de->d_name[0] == '.')
			continue;
		nv = realloc(v, (n + 2) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[n] = strdup(de->d_name);
		if (v[n])
			n++;
		v[n] = NULL;
	}
	closedir(d);
	return v;
}

void shared_names_free(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

/* --- joining ------------------------------------------------------------------- */

static void print_events(FILE *f, const void *arg)
{
	const struct plan *p = arg;

	for (size_t i = 0; i < p->ndefs; i++)
		fprintf(f, "%s %s %s\n", p->defs[i].system, p->defs[i].event,
			p->defs[i].trigger ? p->defs[i].trigger : "-");
}

/* "SYSTEM EVENT TRIGGER" per event: what leaving turns off */
static int save_events(const char *key, const struct plan *p)
{
	return state_write_printed(key, "events", print_events, p);
}

static int join_record(const char *key, const struct program *p,
		       const struct session_opts *o, struct diag *d)
{
	int err;

	if (state_has_file(key, "owner")) {
		diag_error(d, SRC_NO_RANGE, "'%s' is in shared buffer '%s' already",
			   p->plan->session, p->plan->instance.name + 4);
		return -EEXIST;
	}
	err = state_claim(key, p->plan->group, true);
	if (!err)
		err = session_save_record(key, p, o);
	if (!err)
		err = save_events(key, p->plan);
	if (err && err != -EEXIST)
		diag_error(d, SRC_NO_RANGE, "cannot record the guest in %s: %s", state_run_dir(),
			   strerror(-err));
	return err;
}

int shared_join(const struct program *p, const struct session_opts *o,
		struct diag *d)
{
	const char *host = p->plan->instance.name;
	struct tfb_session *tfb = NULL;
	char key[PATH_MAX];
	pid_t pids[64];
	int n, err;

	if (!state_has_file(host, "shared") || !tfb_instance_exists(host)) {
		diag_error(d, SRC_NO_RANGE,
			   "no shared buffer '%s': start its host first (-DRELAYHOST=%s -F)",
			   host + 4, host + 4);
		return 3;
	}
	shared_guest_key(host, p->plan->session, key, sizeof(key));
	err = join_record(key, p, o, d);
	if (err)
		return err == -EEXIST ? 2 : 3;
	err = tfb_guest_create(p->plan, d, &tfb);
	if (!err)
		err = state_write_file(key, "ready", "", 0);
	if (err) {
		tfb_session_free(tfb);
		state_release(key);
		return 3;
	}
	/* the readers run its handlers before its first event is recorded */
	n = shared_readers(host, 0, pids, 64);
	if (wait_acks(key, "loaded", pids, n))
		fprintf(o->log, "%s: the readers of '%s' did not load '%s' in time; its events "
			"may be missed by them\n", o->prog, host + 4, p->plan->session);
	err = tfb_guest_enable(tfb);
	tfb_session_free(tfb);
	if (err) {
		diag_error(d, SRC_NO_RANGE, "cannot enable the events of '%s': %s",
			   p->plan->session, strerror(-err));
		shared_leave(key, o->log, o->prog);
		return 3;
	}
	return 0;
}

/* --- leaving -------------------------------------------------------------------- */

/* the guest's events off, so nothing of it arrives after its end */
static void events_off(const char *key, const char *host)
{
	char *text = NULL, *save = NULL;

	if (state_read_file(key, "events", &text, NULL))
		return;
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char sys[256], ev[256], trig[1024];

		if (sscanf(line, "%255s %255s %1023[^\n]", sys, ev, trig) == 3)
			tfb_instance_event_off(host, sys, ev, strcmp(trig, "-") ? trig : NULL);
	}
	free(text);
}

/* the readers that run its handlers, still alive */
static int loaded_by(const char *key, pid_t *pids, int n)
{
	char path[PATH_MAX];
	struct dirent *de;
	int count = 0;
	DIR *d;

	state_path(key, "loaded", path, sizeof(path));
	d = opendir(path);
	while (d && count < n && (de = readdir(d))) {
		pid_t pid = (pid_t)atoi(de->d_name);

		if (pid > 0 && state_proc_start(pid))
			pids[count++] = pid;
	}
	if (d)
		closedir(d);
	return count;
}

int shared_leave(const char *key, FILE *log, const char *prog)
{
	char host[PATH_MAX];
	struct state_owner own;
	pid_t pids[64];
	int n, err;

	if (state_read(key, &own))
		return -ENOENT;
	host_of(key, host, sizeof(host));
	events_off(key, host);
	err = state_write_file(key, "stopping", "", 0);
	n = err ? 0 : loaded_by(key, pids, 64);
	if (wait_acks(key, "dropped", pids, n))
		fprintf(log, "%s: the readers of '%s' did not drop '%s' in time\n", prog,
			host + 4, key);
	err = tfb_remove_leftovers(NULL, own.group);
	if (err)
		fprintf(log, "%s: cannot remove the events of '%s': %s\n", prog, key,
			strerror(-err));
	return state_release(key);
}
