// SPDX-License-Identifier: GPL-2.0-or-later
/* Applying a plan to tracefs, and taking it down again. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event-parse.h>
#include <tracefs.h>
#include <unistd.h>

#include "target.h"
#include "tfb.h"

struct tfb_session {
	const struct plan *plan;
	struct tracefs_instance *inst;
	bool *created;	/* per plan definition: dynamic event made by us */
	bool *filter_refused;	/* per plan definition: runs unfiltered */
	bool instance_created;
};

const char *tfb_tracing_dir(void)
{
	const char *env = getenv("TAP_TRACEFS");

	return env && *env ? env : "/sys/kernel/tracing";
}

static struct tfb_session *session_alloc(const struct plan *p)
{
	struct tfb_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->plan = p;
	s->created = calloc(p->ndefs + 1, sizeof(*s->created));
	s->filter_refused = calloc(p->ndefs + 1, sizeof(*s->filter_refused));
	if (!s->created || !s->filter_refused) {
		free(s->created);
		free(s);
		return NULL;
	}
	return s;
}

void tfb_session_free(struct tfb_session *s)
{
	if (!s)
		return;
	tracefs_instance_free(s->inst);
	free(s->created);
	free(s->filter_refused);
	free(s);
}

bool tfb_session_filter_refused(const struct tfb_session *s, size_t def)
{
	return s->filter_refused[def];
}

const char *tfb_session_instance(const struct tfb_session *s)
{
	return s->plan->instance.name;
}

bool tfb_instance_exists(const char *name)
{
	return tracefs_instance_exists(name);
}

/* the kernel's own words for the last rejection, as notes */
static void add_error_log(struct diag *d, struct tracefs_instance *inst)
{
	char *log = tracefs_error_last(inst);
	char *save = NULL;

	if (!log && inst)
		log = tracefs_error_last(NULL);
	if (!log)
		return;
	for (char *line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p = line;

		/* drop the "[  123.456789] " time stamp; keep the indentation
		 * of the lines after it, so the kernel's caret lines up */
		if (*p == '[' && strchr(p, ']')) {
			p = strchr(p, ']') + 1;
			while (*p == ' ')
				p++;
		}
		if (*p)
			diag_note(d, SRC_NO_RANGE, "kernel: %s", p);
	}
	free(log);
}

static int write_file(struct tracefs_instance *inst, const char *file,
		      const char *value)
{
	if (tracefs_instance_file_write(inst, file, value) < 0)
		return errno ? -errno : -EIO;
	return 0;
}

static int setup_instance(struct tfb_session *s, struct diag *d)
{
	const struct plan_instance *in = &s->plan->instance;
	char num[32];
	int err;

	if (tracefs_instance_exists(in->name))
		return -EEXIST;
	s->inst = tracefs_instance_create(in->name);
	if (!s->inst) {
		err = -errno;
		diag_error(d, SRC_NO_RANGE, "cannot create instance '%s': %s",
			   in->name, strerror(-err));
		return err;
	}
	s->instance_created = true;
	err = write_file(s->inst, "tracing_on", "0");
	snprintf(num, sizeof(num), "%u", in->buffer_kb);
	if (!err)
		err = write_file(s->inst, "buffer_size_kb", num);
	if (!err && in->clock)
		err = write_file(s->inst, "trace_clock", in->clock);
	if (!err)
		err = write_file(s->inst, "options/overwrite", in->overwrite ? "1" : "0");
	if (!err && in->record_tgid)
		err = write_file(s->inst, "options/record-tgid", "1");
	if (!err && in->buffer_percent >= 0) {
		snprintf(num, sizeof(num), "%d", in->buffer_percent);
		err = write_file(s->inst, "buffer_percent", num);
	}
	/* event-fork first: a thread started while the pids are written is
	 * still followed */
	if (!err && in->event_fork)
		err = write_file(s->inst, "options/event-fork", "1");
	if (!err && in->event_pids)
		err = write_file(s->inst, "set_event_pid", in->event_pids);
	if (err)
		diag_error(d, SRC_NO_RANGE, "cannot set up instance '%s': %s",
			   in->name, strerror(-err));
	return err;
}

static int create_dynamic(struct tfb_session *s, size_t i, struct diag *d)
{
	const struct probe_def *def = &s->plan->defs[i];
	char *line = probe_def_format(def);
	int err = 0;

	if (!line)
		return -ENOMEM;
	tracefs_error_clear(NULL);
	if (tracefs_instance_file_append(NULL, s->plan->events_file, line) < 0) {
		err = errno ? -errno : -EIO;
		diag_error(d, def->loc, "the kernel rejected probe '%s/%s': %s",
			   def->system, def->event, strerror(-err));
		diag_note(d, SRC_NO_RANGE, "definition: %s", line);
		add_error_log(d, NULL);
	} else {
		s->created[i] = true;
	}
	free(line);
	return err;
}

/* probe_defs_enable_order() of @p's definitions; NULL when out of memory */
static size_t *enable_order(const struct plan *p)
{
	size_t *order = malloc((p->ndefs ? p->ndefs : 1) * sizeof(*order));

	if (order)
		probe_defs_enable_order(p->defs, p->ndefs, order);
	return order;
}

static int enable_event(struct tfb_session *s, size_t i, struct diag *d)
{
	const struct probe_def *def = &s->plan->defs[i];

	tracefs_error_clear(s->inst);
	/* a filter is an optimisation: when the kernel refuses it, the
	 * condition is checked in user space instead, and we say so */
	if (def->filter && tracefs_event_file_write(s->inst, def->system,
						    def->event, "filter",
						    def->filter) < 0) {
		diag_warning(d, def->loc,
			     "the kernel refused the filter of %s/%s (%s); the condition is checked in user space",
			     def->system, def->event, strerror(errno ? errno : EIO));
		diag_note(d, SRC_NO_RANGE, "filter: %s", def->filter);
		add_error_log(d, s->inst);
		s->filter_refused[i] = true;
	}
	if (def->trigger && tracefs_event_file_append(s->inst, def->system,
						      def->event, "trigger",
						      def->trigger) < 0) {
		int err = errno ? -errno : -EIO;

		diag_error(d, def->loc, "the kernel rejected the trigger of %s/%s: %s",
			   def->system, def->event, strerror(-err));
		add_error_log(d, s->inst);
		return err;
	}
	if (tracefs_event_file_write(s->inst, def->system, def->event,
				     "enable", "1") < 0) {
		int err = errno ? -errno : -EIO;

		diag_error(d, def->loc, "cannot enable %s/%s: %s", def->system,
			   def->event, strerror(-err));
		return err;
	}
	return 0;
}

int tfb_session_create(const struct plan *p, struct diag *d,
		       struct tfb_session **out)
{
	struct tfb_session *s = session_alloc(p);
	size_t *order;
	int err;

	if (!s)
		return -ENOMEM;
	err = setup_instance(s, d);
	order = err ? NULL : enable_order(p);
	if (!err && !order)
		err = -ENOMEM;
	/* in that order too: the kernel registers a kprobe when it is defined */
	for (size_t i = 0; !err && i < p->ndefs; i++)
		if (probe_def_is_dynamic(&p->defs[order[i]]))
			err = create_dynamic(s, order[i], d);
	for (size_t i = 0; !err && i < p->ndefs; i++)
		err = enable_event(s, order[i], d);
	free(order);
	if (err) {
		if (err != -EEXIST)
			tfb_session_destroy(s);
		tfb_session_free(s);
		return err;
	}
	*out = s;
	return 0;
}

/* --- shared buffers' guests ------------------------------------------------ */

static bool event_enabled(struct tracefs_instance *inst, const char *sys, const char *ev)
{
	char *v = tracefs_event_file_read(inst, sys, ev, "enable", NULL);
	bool on = v && v[0] == '1';

	free(v);
	return on;
}

/* a guest's filter and trigger: it enables later, when the host's
 * readers know its events */
static int guest_event(struct tfb_session *s, size_t i, struct diag *d)
{
	const struct probe_def *def = &s->plan->defs[i];

	if (event_enabled(s->inst, def->system, def->event)) {
		diag_error(d, def->loc,
			   "%s/%s is enabled in shared buffer '%s' already, by the host or another "
			   "guest: a guest needs events of its own", def->system, def->event,
			   s->plan->instance.name);
		return -EBUSY;
	}
	if (def->filter && tracefs_event_file_write(s->inst, def->system, def->event,
						    "filter", def->filter) < 0)
		s->filter_refused[i] = true;
	if (def->trigger && tracefs_event_file_append(s->inst, def->system, def->event,
						      "trigger", def->trigger) < 0) {
		int err = errno ? -errno : -EIO;

		diag_error(d, def->loc, "the kernel rejected the trigger of %s/%s: %s",
			   def->system, def->event, strerror(-err));
		add_error_log(d, s->inst);
		return err;
	}
	return 0;
}

int tfb_guest_create(const struct plan *p, struct diag *d, struct tfb_session **out)
{
	struct tfb_session *s;
	size_t done = 0, *order;
	int err = 0;

	if (!tracefs_instance_exists(p->instance.name))
		return -ENOENT;
	s = session_alloc(p);
	if (!s)
		return -ENOMEM;
	s->inst = tracefs_instance_alloc(NULL, p->instance.name);
	order = enable_order(p);
	if (!s->inst || !order)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < p->ndefs; i++)
		if (probe_def_is_dynamic(&p->defs[order[i]]))
			err = create_dynamic(s, order[i], d);
	free(order);
	for (; !err && done < p->ndefs; done++)
		err = guest_event(s, done, d);
	if (err) {
		/* the filters and triggers set so far (not the busy event's) */
		if (err == -EBUSY && done)
			done--;
		for (size_t i = 0; i < done; i++)
			tfb_instance_event_off(p->instance.name, p->defs[i].system,
					       p->defs[i].event, p->defs[i].trigger);
		tfb_session_destroy(s);	/* the instance stays: not ours */
		tfb_session_free(s);
		return err;
	}
	*out = s;
	return 0;
}

int tfb_guest_enable(struct tfb_session *s)
{
	size_t *order = enable_order(s->plan);
	int err = order ? 0 : -ENOMEM;

	for (size_t i = 0; !err && i < s->plan->ndefs; i++) {
		const struct probe_def *def = &s->plan->defs[order[i]];

		if (tracefs_event_file_write(s->inst, def->system, def->event, "enable",
					     "1") < 0)
			err = errno ? -errno : -EIO;
	}
	free(order);
	return err;
}

int tfb_instance_event_off(const char *instance, const char *system,
			   const char *event, const char *trigger)
{
	struct tracefs_instance *inst = tracefs_instance_alloc(NULL, instance);
	char *untrigger = NULL;
	int err = 0;

	if (!inst)
		return -ENOMEM;
	if (tracefs_event_file_write(inst, system, event, "enable", "0") < 0 && errno != ENOENT)
		err = -errno;
	tracefs_event_file_write(inst, system, event, "filter", "0");
	if (trigger && asprintf(&untrigger, "!%s", trigger) >= 0)
		tracefs_event_file_append(inst, system, event, "trigger", untrigger);
	free(untrigger);
	tracefs_instance_free(inst);
	return err;
}

int tfb_session_open(const struct plan *p, struct tfb_session **out)
{
	struct tfb_session *s;

	if (!tracefs_instance_exists(p->instance.name))
		return -ENOENT;
	s = session_alloc(p);
	if (!s)
		return -ENOMEM;
	s->inst = tracefs_instance_alloc(NULL, p->instance.name);
	if (!s->inst) {
		tfb_session_free(s);
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->ndefs; i++)
		s->created[i] = probe_def_is_dynamic(&p->defs[i]);
	s->instance_created = true;
	*out = s;
	return 0;
}

int tfb_session_tracing(struct tfb_session *s, bool on)
{
	if (!s->inst)
		return 0;
	return (on ? tracefs_trace_on(s->inst) : tracefs_trace_off(s->inst)) < 0 ?
		       -errno : 0;
}

const char *tfb_session_dir(const struct tfb_session *s)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/instances/%s", tfb_tracing_dir(),
		 s->plan->instance.name);
	return path;
}

static int remove_dynamic(const char *events_file, const char *system,
			  const char *event)
{
	char line[512];

	snprintf(line, sizeof(line), "-:%s/%s", system, event);
	if (tracefs_instance_file_append(NULL, events_file, line) < 0)
		return errno == ENOENT ? 0 : -errno;
	return 0;
}

int tfb_session_destroy(struct tfb_session *s)
{
	const struct plan *p = s->plan;
	int err = 0;

	if (s->inst && s->instance_created) {
		tracefs_trace_off(s->inst);
		/* removing the instance disables its events, so the dynamic
		 * events are free to go afterwards */
		if (tracefs_instance_destroy(s->inst) < 0 && errno != ENOENT)
			err = -errno;
		s->instance_created = false;
	}
	for (size_t i = 0; i < p->ndefs; i++) {
		int e;

		if (!s->created[i])
			continue;
		e = remove_dynamic(p->events_file, p->defs[i].system,
				   p->defs[i].event);
		if (e && !err)
			err = e;
		s->created[i] = false;
	}
	return err;
}

/* --- reading ---------------------------------------------------------------- */

ssize_t tfb_cpu_splice(int raw_fd, int pipe_wr, size_t len, int page_size)
{
	ssize_t n;

	len -= len % (size_t)page_size;
	if (!len)
		return -EINVAL;
	/* the kernel hands over whole pages only: the partly written one
	 * stays until it fills up, or until a read() takes it */
	n = splice(raw_fd, NULL, pipe_wr, NULL, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	return n;
}

int tfb_kernel_stack_id(void)
{
	char path[4096], line[128];
	FILE *f;
	int id = -1;

	snprintf(path, sizeof(path), "%s/events/ftrace/kernel_stack/format", tfb_tracing_dir());
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "ID: %d", &id) == 1)
			break;
	if (f)
		fclose(f);
	return id;
}

int tfb_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (int)n : 1;
}

/* per_cpu/cpuN/@file of @instance, non-blocking; the fd or -errno */
static int open_cpu_file(const char *instance, int cpu, const char *file)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/instances/%s/per_cpu/cpu%d/%s",
		 tfb_tracing_dir(), instance, cpu, file);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int tfb_open_cpu_raw(const char *instance, int cpu)
{
	return open_cpu_file(instance, cpu, "trace_pipe_raw");
}

int tfb_open_cpu_snapshot(const char *instance, int cpu)
{
	return open_cpu_file(instance, cpu, "snapshot_raw");
}

static long read_number_file(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int tfb_subbuf_size(const char *instance)
{
	char path[4096];
	long kb;

	snprintf(path, sizeof(path), "%s/instances/%s/buffer_subbuf_size_kb",
		 tfb_tracing_dir(), instance);
	kb = read_number_file(path);
	if (kb > 0)
		return (int)kb * 1024;
	return (int)sysconf(_SC_PAGESIZE);
}

int tfb_cpu_stats(const char *instance, int cpu, struct tfb_cpu_stats *st)
{
	char path[4096], line[256];
	FILE *f;

	memset(st, 0, sizeof(*st));
	if (instance)
		snprintf(path, sizeof(path), "%s/instances/%s/per_cpu/cpu%d/stats",
			 tfb_tracing_dir(), instance, cpu);
	else
		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats",
			 tfb_tracing_dir(), cpu);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;
		char key[64];

		if (sscanf(line, "%63[^:]: %llu", key, &v) != 2)
			continue;
		if (!strcmp(key, "entries"))
			st->entries = v;
		else if (!strcmp(key, "overrun"))
			st->overrun = v;
		else if (!strcmp(key, "commit overrun"))
			st->commit_overrun = v;
		else if (!strcmp(key, "dropped events"))
			st->dropped = v;
		else if (!strcmp(key, "read events"))
			st->read = v;
		else if (!strcmp(key, "bytes"))
			st->bytes = v;
	}
	fclose(f);
	return 0;
}

char *tfb_read_file(const char *rel, size_t *len)
{
	char path[4096];
	FILE *f;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", tfb_tracing_dir(), rel);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

/* parses one events/SYS/EV/format into @tep; 0 or -errno */
static int load_event(struct tep_handle *tep, const char *sys, const char *ev)
{
	char rel[512];
	size_t len;
	char *text;
	int ret;

	snprintf(rel, sizeof(rel), "events/%s/%s/format", sys, ev);
	text = tfb_read_file(rel, &len);
	if (!text)
		return -errno;
	ret = tep_parse_event(tep, text, len, sys);
	free(text);
	return ret ? -EINVAL : 0;
}

int tfb_add_events(struct tep_handle *tep, const char *const *events)
{
	for (size_t i = 0; events[i]; i += 2) {
		int err;

		/* a format parsed already (an event both use) is fine */
		if (tep_find_event_by_name(tep, events[i], events[i + 1]))
			continue;
		err = load_event(tep, events[i], events[i + 1]);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Only the events the plan uses: a whole system like "syscalls" holds
 * hundreds of formats, and parsing them all costs more than the run.
 */
struct tep_handle *tfb_load_events(const char *const *events)
{
	struct tep_handle *tep = tep_alloc();
	size_t len;
	char *header;

	if (!tep)
		return NULL;
	tep_set_loglevel(TEP_LOG_CRITICAL);
	header = tfb_read_file("events/header_page", &len);
	if (!header || tep_parse_header_page(tep, header, len, sizeof(long))) {
		free(header);
		tep_free(tep);
		errno = EINVAL;
		return NULL;
	}
	free(header);
	for (size_t i = 0; events[i]; i += 2) {
		if (load_event(tep, events[i], events[i + 1])) {
			tep_free(tep);
			return NULL;
		}
	}
	tracefs_load_cmdlines(NULL, tep);
	return tep;
}

/* --- leftovers ----------------------------------------------------------------- */

static int remove_group_events(const char *file, const char *group)
{
	char *text = tracefs_instance_file_read(NULL, file, NULL);
	char *save = NULL;
	size_t glen = strlen(group);
	int err = 0;

	if (!text)
		return 0;
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':'), *space;

		/* "p:GROUP/EVENT ..." or "r10:GROUP/EVENT ..." */
		if (!colon || strncmp(colon + 1, group, glen) || colon[1 + glen] != '/')
			continue;
		space = strchr(colon, ' ');
		if (space)
			*space = '\0';
		if (remove_dynamic(file, group, colon + 2 + glen) && !err)
			err = -errno;
	}
	free(text);
	return err;
}

int tfb_remove_leftovers(const char *instance, const char *group)
{
	int err = 0;

	if (instance && tracefs_instance_exists(instance)) {
		struct tracefs_instance *inst = tracefs_instance_alloc(NULL, instance);

		if (inst) {
			tracefs_trace_off(inst);
			if (tracefs_instance_destroy(inst) < 0)
				err = -errno;
			tracefs_instance_free(inst);
		}
	}
	if (group) {
		int e = remove_group_events(
			tracefs_file_exists(NULL, "dynamic_events") ?
				"dynamic_events" : "uprobe_events", group);

		if (e && !err)
			err = e;
	}
	return err;
}

void tfb_confirm_features(unsigned *features, const char *group)
{
	char line[256];

	if (!(*features & TF_EPROBE) || !(*features & TF_DYNAMIC_EVENTS))
		return;
	/* some kernels list eprobes in the README without having them */
	snprintf(line, sizeof(line), "e:%s/tap_feature_probe sched.sched_process_exec",
		 group);
	if (tracefs_instance_file_append(NULL, "dynamic_events", line) < 0) {
		*features &= ~(unsigned)TF_EPROBE;
		tracefs_error_clear(NULL);
		return;
	}
	remove_dynamic("dynamic_events", group, "tap_feature_probe");
}

/* --- inspecting instances ------------------------------------------------------ */

int tfb_instance_ignore_pid(const char *name, pid_t pid)
{
	struct tracefs_instance *inst = tracefs_instance_alloc(NULL, name);
	char num[32];
	int ret = 0;

	if (!inst)
		return -ENOMEM;
	snprintf(num, sizeof(num), "%d", (int)pid);
	if (tracefs_instance_file_append(inst, "set_event_notrace_pid", num) < 0)
		ret = errno ? -errno : -EIO;
	tracefs_instance_free(inst);
	return ret;
}

int tfb_instance_tracing(const char *name, bool on)
{
	struct tracefs_instance *inst = tracefs_instance_alloc(NULL, name);
	int ret;

	if (!inst)
		return -ENOMEM;
	ret = (on ? tracefs_trace_on(inst) : tracefs_trace_off(inst)) < 0 ? -errno : 0;
	tracefs_instance_free(inst);
	return ret;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int tfb_instances(char ***names)
{
	char path[4096], **v = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/instances", tfb_tracing_dir());
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char **nv;

		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		nv = realloc(v, (n + 2) * sizeof(*v));
		if (!nv || !(nv[n] = strdup(de->d_name))) {
			v = nv ? nv : v;
			if (v)
				v[n] = NULL;
			closedir(d);
			tfb_names_free(v);
			return -ENOMEM;
		}
		v = nv;
		v[++n] = NULL;
	}
	closedir(d);
	if (!v && !(v = calloc(1, sizeof(*v))))
		return -ENOMEM;
	qsort(v, n, sizeof(*v), cmp_names);
	*names = v;
	return 0;
}

void tfb_names_free(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

static long instance_number(const char *name, const char *file)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/instances/%s/%s", tfb_tracing_dir(), name, file);
	return read_number_file(path);
}

/* the lines of set_event: one per enabled event */
static int count_events(const char *name)
{
	char path[4096], line[512];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/instances/%s/set_event", tfb_tracing_dir(), name);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n += line[0] != '\n';
	fclose(f);
	return n;
}

/* does process @pid hold one of the instance's trace pipes open? */
static bool reads_instance(const char *pid, const char *dir, size_t dlen)
{
	char path[600], target[4096];
	struct dirent *de;
	bool found = false;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	d = opendir(path);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char link[900];
		ssize_t n;

		snprintf(link, sizeof(link), "%s/%s", path, de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		found = !strncmp(target, dir, dlen) && strstr(target + dlen, "trace_pipe");
	}
	closedir(d);
	return found;
}

static int count_readers(const char *name)
{
	char dir[4096];
	struct dirent *de;
	size_t dlen;
	int n = 0;
	DIR *d = opendir("/proc");

	if (!d)
		return 0;
	dlen = (size_t)snprintf(dir, sizeof(dir), "%s/instances/%s/", tfb_tracing_dir(), name);
	while ((de = readdir(d)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9' &&
		    reads_instance(de->d_name, dir, dlen))
			n++;
	closedir(d);
	return n;
}

int tfb_instance_info(const char *name, struct tfb_instance_info *info)
{
	long v;

	memset(info, 0, sizeof(*info));
	if (!tracefs_instance_exists(name))
		return -ENOENT;
	v = instance_number(name, "buffer_size_kb");
	info->buffer_kb = v > 0 ? (unsigned long)v : 0;
	info->tracing_on = instance_number(name, "tracing_on") == 1;
	info->overwrite = instance_number(name, "options/overwrite") == 1;
	for (int cpu = 0; cpu < tfb_ncpus(); cpu++) {
		struct tfb_cpu_stats st;

		if (tfb_cpu_stats(name, cpu, &st))
			continue;
		info->entries += st.entries;
		info->overrun += st.overrun;
		info->dropped += st.dropped;
		info->read += st.read;
		info->bytes += st.bytes;
	}
	info->events = count_events(name);
	info->readers = count_readers(name);
	return 0;
}
