// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Running a program: in the foreground (session_run), as a flight
 * recorder left in the kernel (session_flight), and attached to one
 * (session_attach).
 */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <event-parse.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "builtins.h"
#include "checkpoint.h"
#include "crashmeta.h"
#include "loop.h"
#include "perf.h"
#include "output.h"
#include "rotate.h"
#include "runtime.h"
#include "session_internal.h"
#include "shared.h"
#include "spill.h"
#include "state.h"
#include "symbol.h"
#include "tfb.h"
#include "tracedat.h"

const char **session_events(const struct plan *p)
{
	const char **v = calloc(2 * p->ndefs + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < p->ndefs; i++) {
		v[2 * i] = p->defs[i].system;
		v[2 * i + 1] = p->defs[i].event;
	}
	return v;
}

static int64_t realtime_offset(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return ((int64_t)rt.tv_sec - mono.tv_sec) * 1000000000ll +
	       (rt.tv_nsec - mono.tv_nsec);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Our own events are skipped from when this process started (on the mono
 * trace clock, a tick early): with pids reused, the older records of a
 * flight recorder may have our pid and be another process's. Without the
 * mono clock, or its start, all of our pid's are skipped.
 */
static void skip_own_events(struct rt *rt, const struct plan *plan)
{
	long hz = sysconf(_SC_CLK_TCK);
	unsigned long long ticks = state_proc_start(getpid());
	uint64_t boot_start, since, asleep;

	if (!plan->instance.clock || strcmp(plan->instance.clock, "mono") || hz <= 0 || !ticks)
		return;
	boot_start = (uint64_t)(ticks - 1) * (1000000000ull / (uint64_t)hz);
	/* the start is counted since boot, suspended time included */
	asleep = clock_ns(CLOCK_BOOTTIME) - clock_ns(CLOCK_MONOTONIC);
	since = boot_start > asleep ? boot_start - asleep : 0;
	rt_skip_self(rt, getpid(), since);
}

/* what one run holds; see setup() and teardown() */
struct run {
	const struct program *p;
	const struct session_opts *o;
	const char *instance;	/* NULL: no kernel events */
	struct tfb_session *tfb;
	struct tep_handle *tep;
	struct rt *rt;
	struct loop *loop;
	struct output out;
	struct rotate rot;
	bool have_rot;
	struct tracedat *td;
	struct spill *spill;
	struct perf_source *perf;	/* timer.profile and perf.* probes */
	int sigfd;
	sigset_t oldmask;
	struct sigaction old_int, old_quit;
	pid_t child;
	int go_fd;
	bool claimed;	/* the record is ours to remove at the end */
	bool flight;	/* a flight recorder's reader (attach or writer) */
	bool writer;	/* the flight recorder's -o writer */
	bool reader;	/* listed in readers/ */
	bool stop_seen;	/* another process stopped the session */
	bool file_trouble;	/* a log file problem was reported */
	/* a writer's checkpoints (checkpoint.h) */
	bool resume;	/* carries on after a writer that died */
	struct checkpoint ckpt;	/* the checkpoint resumed from */
	bool have_ckpt;
	int journal_fd;
	char *last_ckpt;	/* the text written last */
	/* a shared buffer's host: the guests whose handlers run here */
	bool shared_host;
	struct guest *guests;
	bool snapshot_pending;	/* snapshot() ran in a handler */
};

/* a guest of a shared buffer, loaded by this reader (shared.h) */
struct guest {
	char key[PATH_MAX];
	struct state_session ss;
	struct src_file *src;
	struct target *target;
	struct program *prog;
	struct rt *rt;
	bool failed;	/* said once; not tried again */
	struct guest *next;
};

/* --- signals ------------------------------------------------------------------ */

/*
 * A shell starts background jobs with SIGINT and SIGQUIT ignored, and an
 * ignored signal never reaches a signalfd: Ctrl-C, Ctrl-\ and kill must
 * reach us. SIGHUP ignored (nohup) stays ignored.
 */
static int block_signals(struct run *r)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR2 };
	sigset_t set;

	sigaction(SIGINT, NULL, &r->old_int);
	sigaction(SIGQUIT, NULL, &r->old_quit);
	if (r->old_int.sa_handler == SIG_IGN)
		signal(SIGINT, SIG_DFL);
	if (r->old_quit.sa_handler == SIG_IGN)
		signal(SIGQUIT, SIG_DFL);
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, &r->oldmask))
		return -errno;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static void restore_signals(struct run *r)
{
	sigprocmask(SIG_SETMASK, &r->oldmask, NULL);
	sigaction(SIGINT, &r->old_int, NULL);
	sigaction(SIGQUIT, &r->old_quit, NULL);
}

/*
 * -c: the command is forked now but waits on a pipe, so tracing is on
 * before its first instruction; start() lets it go.
 */
static pid_t fork_child(struct run *r, char *const *argv, int *go_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (pid == 0) {
		char c;

		close(fds[1]);
		restore_signals(r);
		signal(SIGPIPE, SIG_DFL);
		if (read(fds[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "tapc: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	*go_fd = fds[1];
	return pid;
}

/* --- log files ------------------------------------------------------------- */

/* a problem with the files is said once, and so is its end */
static void report_files(struct run *r)
{
	struct rotate *rot = &r->rot;
	FILE *log = r->o->log;

	if (!r->have_rot)
		return;
	if (rot->err && !rot->err_reported) {
		rot->err_reported = true;
		if (!strcmp(rot->err_what, "remove")) {
			fprintf(log, "%s: cannot remove old log file '%s': %s\n", r->o->prog,
				rot->err_name, strerror(-rot->err));
			return;
		}
		fprintf(log,
			"%s: cannot %s '%s': %s; events wait in the kernel's buffer until the next switch (SIGUSR2)\n",
			r->o->prog, rot->err_what, rot->err_name, strerror(-rot->err));
		r->file_trouble = true;
	} else if (!rot->err && r->file_trouble) {
		fprintf(log, "%s: writing '%s' again\n", r->o->prog, rot->name);
		r->file_trouble = false;
	}
}

static bool files_blocked(const struct run *r)
{
	return r->td ? tracedat_blocked(r->td) : output_blocked(&r->out);
}

/* the answer to "tapc --rotate": the closed file, for a backup job */
static void answer_rotate(struct run *r, const struct signalfd_siginfo *si,
			  const char *closed, int err)
{
	char text[PATH_MAX + 64], file[64];
	int n;

	if (!r->instance || (!r->claimed && !r->flight))
		return;
	if (err)
		n = snprintf(text, sizeof(text), "error %s\n", strerror(-err));
	else
		n = snprintf(text, sizeof(text), "closed %s\n", closed);
	if (n >= (int)sizeof(text))
		n = (int)sizeof(text) - 1;
	if (!err && closed[0])
		state_write_file(r->instance, "rotated", closed, strlen(closed));
	/* sigqueue(2) from session_rotate() carries the asker's pid */
	if (si->ssi_code == SI_QUEUE && si->ssi_int > 0) {
		snprintf(file, sizeof(file), "replies/%d", si->ssi_int);
		state_write_file(r->instance, file, text, (size_t)n);
	}
}

static void hook_checkpoint(void *arg);

/* SIGUSR2: the next log file, at once (stap waits for the next write) */
static void switch_files(struct run *r, const struct signalfd_siginfo *si)
{
	char closed[PATH_MAX] = "";
	int err;

	if (!r->have_rot || !rotate_can_switch(&r->rot)) {
		/* ignored without -o, as stap does; an asker hears why */
		answer_rotate(r, si, "", -ENOTSUP);
		return;
	}
	if (r->td) {
		loop_flush_raw(r->loop);
		err = tracedat_switch(r->td, closed, sizeof(closed));
	} else {
		err = output_switch(&r->out, closed, sizeof(closed));
	}
	report_files(r);
	if (r->o->verbose && closed[0])
		fprintf(r->o->log, "%s: closed '%s'\n", r->o->prog, closed);
	/* everything handled is in the closed file: a successor starts at
	 * the new one */
	if (!err)
		hook_checkpoint(r);
	answer_rotate(r, si, closed, err);
}

/* --- shared buffers' guests (shared.h) ----------------------------------------- */

static int64_t realtime_offset(void);
static void run_begin_quietly(struct run *r);

static void guest_ack(struct guest *g, const char *what)
{
	char file[64];

	snprintf(file, sizeof(file), "%s/%d", what, (int)getpid());
	state_write_file(g->key, file, "", 0);
}

static void guest_free(struct run *r, struct guest *g)
{
	if (g->rt) {
		rt_unchain(r->rt, g->rt);
		rt_free(g->rt);
	}
	program_free(g->prog);
	target_free(g->target);
	src_file_free(g->src);
	state_session_release(&g->ss);
	free(g);
}

/* the guest's program, bound to the host's formats and chained to its */
static int guest_load(struct run *r, struct guest *g)
{
	const char **events;
	struct diag d;
	int err;

	err = session_recompile(g->key, &g->ss, &g->src, &g->target, &g->prog, r->o->log,
				r->o->prog);
	if (err)
		return err;
	events = session_events(g->prog->plan);
	err = events ? tfb_add_events(r->tep, events) : -ENOMEM;
	free(events);
	if (!err)
		err = rt_create(g->prog, &r->out, &g->rt);
	if (err)
		return err;
	diag_init(&d, g->src);
	err = rt_bind_events(g->rt, r->tep, &d);
	diag_print(&d, r->o->log, r->o->prog, diag_want_color(r->o->log));
	diag_release(&d);
	if (err)
		return err;
	rt_set_clock_offset(g->rt, realtime_offset());
	skip_own_events(g->rt, g->prog->plan);
	if (r->resume) {
		struct rt *host = r->rt;

		/* its begin probes printed into the log already */
		r->rt = g->rt;
		run_begin_quietly(r);
		r->rt = host;
	} else {
		rt_run_begin(g->rt);
	}
	rt_chain(r->rt, g->rt);
	return 0;
}

static void guest_add(struct run *r, const char *key)
{
	struct guest *g = calloc(1, sizeof(*g));
	int err;

	if (!g)
		return;
	snprintf(g->key, sizeof(g->key), "%s", key);
	g->next = r->guests;
	r->guests = g;
	/* a raw recording keeps the guest's events as they are */
	err = r->td ? 0 : guest_load(r, g);
	if (err) {
		fprintf(r->o->log, "%s: cannot run the handlers of guest '%s': %s\n", r->o->prog,
			key, strerror(-err));
		g->failed = true;
		if (g->rt) {
			rt_free(g->rt);
			g->rt = NULL;
		}
	}
	guest_ack(g, "loaded");
}

/* it leaves: what is buffered of it is handled, its end probes run */
static void guest_drop(struct run *r, struct guest **link)
{
	struct guest *g = *link;

	if (g->rt && r->loop) {
		loop_drain(r->loop);
		rt_run_end(g->rt);
		rt_flush(r->rt);
	}
	guest_ack(g, "dropped");
	*link = g->next;
	guest_free(r, g);
}

static struct guest **guest_find(struct run *r, const char *key)
{
	for (struct guest **g = &r->guests; *g; g = &(*g)->next)
		if (!strcmp((*g)->key, key))
			return g;
	return NULL;
}

/* guests that joined (ready) are loaded; ones leaving (stopping) dropped */
static void scan_guests(struct run *r)
{
	char **names = shared_guests(r->instance);

	for (size_t i = 0; names && names[i]; i++) {
		char key[PATH_MAX];
		struct guest **g;

		shared_guest_key(r->instance, names[i], key, sizeof(key));
		g = guest_find(r, key);
		if (!g && state_has_file(key, "ready") && !state_has_file(key, "stopping"))
			guest_add(r, key);
		else if (g && state_has_file(key, "stopping"))
			guest_drop(r, g);
	}
	/* a guest whose record is gone (removed by hand) just goes */
	for (struct guest **g = &r->guests; *g;) {
		if (state_has_file((*g)->key, "owner")) {
			g = &(*g)->next;
		} else {
			struct guest *gone = *g;

			*g = gone->next;
			guest_free(r, gone);
		}
	}
	shared_names_free(names);
}

/* --- loop hooks ------------------------------------------------------------- */

static bool hook_paused(void *arg)
{
	struct run *r = arg;

	return r->have_rot && files_blocked(r);
}

static void hook_signal(void *arg, const struct signalfd_siginfo *si)
{
	if (si->ssi_signo == SIGUSR2)
		switch_files(arg, si);
}

/* another process stopped the flight recorder, or removed it */
static bool stopped_elsewhere(struct run *r)
{
	if (!r->flight)
		return false;
	if (state_has_file(r->instance, "stopping") || !tfb_instance_exists(r->instance))
		r->stop_seen = true;
	return r->stop_seen;
}

static void scan_guests(struct run *r);

static bool hook_tick(void *arg)
{
	struct run *r = arg;

	/* a full disk may have room again */
	if (r->have_rot && files_blocked(r)) {
		if (r->td)
			tracedat_retry(r->td);
		else
			output_retry(&r->out);
	}
	report_files(r);
	if (r->shared_host)
		scan_guests(r);
	return stopped_elsewhere(r);
}

/* --- setting up ------------------------------------------------------------- */

/* the events' formats as they are now, for decoding later */
static int save_formats(const struct plan *p)
{
	const char **ev = session_events(p);
	static const char *const headers[] = { "header_page", "header_event" };
	int err = ev ? 0 : -ENOMEM;

	for (size_t i = 0; !err && i < 2; i++) {
		char rel[64], file[64], *text;
		size_t len;

		snprintf(rel, sizeof(rel), "events/%s", headers[i]);
		snprintf(file, sizeof(file), "formats/%s", headers[i]);
		text = tfb_read_file(rel, &len);
		err = text ? state_write_file(p->instance.name, file, text, len) : -errno;
		free(text);
	}
	for (size_t i = 0; !err && ev[i]; i += 2) {
		char rel[512], file[512], *text;
		size_t len;

		snprintf(rel, sizeof(rel), "events/%s/%s/format", ev[i], ev[i + 1]);
		snprintf(file, sizeof(file), "formats/%s/%s", ev[i], ev[i + 1]);
		text = tfb_read_file(rel, &len);
		err = text ? state_write_file(p->instance.name, file, text, len) : -errno;
		free(text);
	}
	free(ev);
	return err;
}

static void print_plan(FILE *f, const void *p)
{
	program_print_plan(p, f);
}

static int save_plan(const char *key, const struct program *p)
{
	return state_write_printed(key, "plan", print_plan, p);
}

static int save_record(const char *key, const struct program *p,
		       const struct session_opts *o)
{
	struct state_session ss = {
		.name = p->plan->session,
		.script_name = p->src->name,
		.script = p->src->text,
		.script_len = p->src->len,
		.buffer_kb = p->plan->instance.buffer_kb,
		.target_pid = p->target_pid,
		.args = p->args,
		.nargs = p->nargs,
		.output = o->files ? (char *)o->files->pattern : NULL,
		.size = (char *)o->size_arg,
		.format = o->format == OUTPUT_JSON ? "json" : "text",
		.raw = o->raw,
		.created = (long long)time(NULL),
	};
	char **defines = calloc(o->ndefines + 1, sizeof(*defines));
	int err = defines ? 0 : -ENOMEM;

	for (size_t i = 0; !err && i < o->ndefines; i++)
		if (asprintf(&defines[i], "%s=%s", o->defines[i].name, o->defines[i].value) < 0)
			err = -ENOMEM;
	ss.defines = defines;
	ss.ndefines = o->ndefines;
	if (!err)
		err = state_session_save(key, &ss);
	for (size_t i = 0; defines && i < o->ndefines; i++)
		free(defines[i]);
	free(defines);
	return err;
}

/* started from a plan file: attach and resume rebuild from it too */
static int save_plan_file(const char *key, const char *path)
{
	char *text = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f = fopen(path, "re");
	int err;

	if (!f)
		return -errno;
	len = getdelim(&text, &cap, '\0', f);
	fclose(f);
	err = len < 0 ? -EIO :
			state_write_file(key, "planfile", text, (size_t)len);
	free(text);
	return err;
}

/* a flight recorder also keeps what a later command needs to decode it */
static int save_session(const struct program *p, const struct session_opts *o)
{
	const char *key = p->plan->instance.name, *shared;
	bool guest;
	int err = save_plan(key, p);

	if (!err && o->plan_file)
		err = save_plan_file(key, o->plan_file);
	/* a shared buffer's host: guests may join it */
	shared = shared_name(o->defines, o->ndefines, p->plan->session, &guest);
	if (!err && shared && !guest)
		err = state_write_file(key, "shared", shared, strlen(shared));
	return err ? err : save_formats(p->plan);
}

int session_save_record(const char *key, const struct program *p,
			const struct session_opts *o)
{
	int err = save_record(key, p, o);

	if (!err)
		err = save_plan(key, p);
	if (!err && o->plan_file)
		err = save_plan_file(key, o->plan_file);
	return err;
}


static int load_formats(struct run *r, struct diag *d)
{
	const char **events = session_events(r->p->plan);

	if (!events)
		return -ENOMEM;
	r->tep = tfb_load_events(events);
	free(events);
	if (!r->tep) {
		int err = errno ? -errno : -EINVAL;

		diag_error(d, SRC_NO_RANGE, "cannot read the event formats: %s", strerror(-err));
		return err;
	}
	return 0;
}

static int setup_kernel(struct run *r, struct diag *d)
{
	const struct plan *plan = r->p->plan;
	int err;

	err = state_claim(plan->instance.name, plan->group, false);
	if (err) {
		diag_error(d, SRC_NO_RANGE, "cannot record the session in %s: %s",
			   state_run_dir(), strerror(-err));
		return err;
	}
	r->claimed = true;
	/* what the session runs, for trace-instance list */
	err = save_record(plan->instance.name, r->p, r->o);
	if (err) {
		diag_error(d, SRC_NO_RANGE, "cannot record the session in %s: %s",
			   state_run_dir(), strerror(-err));
		return err;
	}
	err = tfb_session_create(plan, d, &r->tfb);
	return err ? err : load_formats(r, d);
}

static const char *file_error(int err)
{
	if (err == -EEXIST)
		return "the file exists, and tap never overwrites a file";
	if (err == -ELOOP)
		return "it is a symbolic link, and tap never writes through one";
	return strerror(-err);
}

/* --- a writer's checkpoints (checkpoint.h) ------------------------------------- */

/* a log file is being opened: its successor must know, should we die */
static void journal_opened(void *arg, unsigned long fnum, const char *name,
			   uint64_t size)
{
	struct run *r = arg;
	char line[PATH_MAX + 64];
	size_t n;

	if (r->journal_fd < 0 ||
	    checkpoint_journal_line(line, sizeof(line), fnum, size, name))
		return;
	n = strlen(line);
	if (write(r->journal_fd, line, n) != (ssize_t)n)
		fprintf(r->o->log, "%s: cannot write the journal of '%s': %s\n", r->o->prog,
			r->instance, strerror(errno));
}

static int open_journal(struct run *r)
{
	char path[PATH_MAX];

	state_path(r->instance, "journal", path, sizeof(path));
	r->journal_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW |
					   O_CLOEXEC, 0600);
	if (r->journal_fd < 0)
		return -errno;
	r->rot.opened = journal_opened;
	r->rot.opened_arg = r;
	return 0;
}

/* the older files still kept (-S ,N), so the successor removes them */
static int checkpoint_kept(const struct rotate *rot, struct checkpoint *c)
{
	unsigned long first = rot->fnum + 1 > rot->spec.num_max ?
				      rot->fnum + 1 - rot->spec.num_max : 0;

	if (!rot->spec.num_max)
		return 0;
	c->kept = calloc(rot->spec.num_max, sizeof(*c->kept));
	if (!c->kept)
		return -ENOMEM;
	for (unsigned long f = first; f < rot->fnum; f++) {
		char *name = rot->kept[f % rot->spec.num_max];

		if (name) {
			c->kept[c->nkept].fnum = f;
			c->kept[c->nkept++].name = name;
		}
	}
	return 0;
}

/* what the log files hold, in events, once every handled event's
 * output is written: the successor's starting point */
static void save_checkpoint(struct run *r)
{
	struct checkpoint c = { .file = { .fnum = r->rot.fnum, .name = r->rot.name } };
	struct stat st;
	char *text;
	size_t len;

	if (fstat(r->rot.fd, &st) < 0)
		return;
	c.file.size = (uint64_t)st.st_size;
	c.ncpus = loop_ncpus(r->loop);
	c.cpus = calloc((size_t)c.ncpus + 1, sizeof(*c.cpus));
	if (!c.cpus || checkpoint_kept(&r->rot, &c))
		goto out;
	for (int i = 0; i < c.ncpus; i++)
		loop_position(r->loop, i, &c.cpus[i].offset, &c.cpus[i].handled);
	text = checkpoint_format(&c, &len);
	if (!text || (r->last_ckpt && !strcmp(text, r->last_ckpt))) {
		free(text);
		goto out;
	}
	if (state_write_file(r->instance, "checkpoint", text, len)) {
		free(text);
		goto out;
	}
	/* the files the journal lists are all in the checkpoint now */
	if (r->journal_fd >= 0 && ftruncate(r->journal_fd, 0) < 0)
		fprintf(r->o->log, "%s: cannot empty the journal: %s\n", r->o->prog,
			strerror(errno));
	free(r->last_ckpt);
	r->last_ckpt = text;
out:
	free(c.cpus);
	free(c.kept);	/* the names are the rotation's */
}

/* snapshot() in a handler: written after the round, not in the handler */
static void hook_snapshot(void *arg)
{
	struct run *r = arg;

	r->snapshot_pending = true;
}

/* next to the log files, or in the current folder */
static void take_snapshot(struct run *r)
{
	char dir[PATH_MAX] = ".", name[PATH_MAX], *slash;
	int err;

	r->snapshot_pending = false;
	if (!r->instance || !r->spill)
		return;
	if (r->have_rot && r->rot.name[0]) {
		snprintf(dir, sizeof(dir), "%s", r->rot.name);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(dir, sizeof(dir), ".");
	}
	err = session_snapshot(r->instance, NULL, dir, name, sizeof(name));
	if (err)
		fprintf(r->o->log, "%s: cannot write a snapshot of '%s': %s\n", r->o->prog,
			r->p->plan->session, strerror(-err));
	else
		fprintf(r->o->log, "%s: snapshot of '%s' in %s\n", r->o->prog,
			r->p->plan->session, name);
}

static void hook_checkpoint(void *arg)
{
	struct run *r = arg;

	if (r->snapshot_pending)
		take_snapshot(r);

	/* text and JSON writers; a raw one starts its file again */
	if (!r->writer || !r->have_rot || r->td || r->rot.fd < 0 || r->rot.special)
		return;
	if (output_flush(&r->out) || r->out.buf.len || output_blocked(&r->out))
		return;
	save_checkpoint(r);
}

static int load_checkpoint(struct run *r, struct diag *d)
{
	char *text = NULL;
	int err = state_read_file(r->instance, "checkpoint", &text, NULL);

	if (err == -ENOENT)
		return 0;	/* it died before its first one: a fresh start */
	if (!err)
		err = checkpoint_parse(text, &r->ckpt);
	free(text);
	if (!err && r->ckpt.ncpus != tfb_ncpus())
		err = -EINVAL;
	if (err) {
		diag_error(d, SRC_NO_RANGE, "the checkpoint of '%s' is damaged: %s", r->instance,
			   strerror(-err));
		return err;
	}
	r->have_ckpt = true;
	return 0;
}

/* a file the dead writer opened after its checkpoint holds only output
 * that is written again now: removed, or cut back to what it had */
static void undo_file(void *arg, unsigned long fnum, uint64_t size, const char *name)
{
	struct run *r = arg;
	struct stat st;
	int fd;

	if (fnum <= r->ckpt.file.fnum || lstat(name, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	if (!size) {
		unlink(name);
		return;
	}
	fd = open(name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		if (ftruncate(fd, (off_t)size) < 0)
			fprintf(r->o->log, "%s: cannot cut '%s' back: %s\n", r->o->prog, name,
				strerror(errno));
		close(fd);
	}
}

/* a successor's files: the journal undone, the checkpoint's file reopened */
static int resume_files(struct run *r, struct diag *d)
{
	char *journal = NULL;
	int err = load_checkpoint(r, d);

	if (err || !r->have_ckpt)
		return err ? err : rotate_start(&r->rot, time(NULL));
	if (!state_read_file(r->instance, "journal", &journal, NULL))
		checkpoint_journal_parse(journal, undo_file, r);
	free(journal);
	for (size_t i = 0; i < r->ckpt.nkept; i++)
		rotate_keep(&r->rot, r->ckpt.kept[i].fnum, r->ckpt.kept[i].name);
	return rotate_resume(&r->rot, r->ckpt.file.fnum, r->ckpt.file.name, r->ckpt.file.size);
}

/* the successor reads on from the checkpoint's positions */
static void resume_positions(struct run *r)
{
	if (!r->have_ckpt || !r->loop)
		return;
	for (int i = 0; i < r->ckpt.ncpus && i < loop_ncpus(r->loop); i++)
		loop_seek(r->loop, i, r->ckpt.cpus[i].offset, r->ckpt.cpus[i].handled);
	/* a file that had passed SIZE was about to be switched */
	if (rotate_due(&r->rot, 0))
		r->out.switch_due = true;
}

/* -o: the first file is opened before anything is traced */
static int setup_files(struct run *r, struct diag *d)
{
	const struct session_opts *o = r->o;
	int err;

	if (!o->files) {
		output_init(&r->out, o->out_fd);
		return 0;
	}
	err = rotate_init(&r->rot, o->files, o->raw ? ROTATE_PLACEHOLDER : ROTATE_APPEND);
	if (err)
		return err;
	r->have_rot = true;
	if (r->resume && !o->raw)
		err = resume_files(r, d);
	if (!err && r->writer && !o->raw)
		err = open_journal(r);
	if (!err && !(r->resume && !o->raw))
		err = rotate_start(&r->rot, time(NULL));
	if (err == -EINVAL && d->errors)
		return err;
	if (err) {
		diag_error(d, SRC_NO_RANGE, "cannot open '%s': %s", r->rot.err_name,
			   file_error(err));
		return err;
	}
	if (o->raw)
		output_init(&r->out, o->out_fd);
	else
		output_init_rotate(&r->out, &r->rot);
	return 0;
}

static int setup_raw(struct run *r, struct diag *d)
{
	const struct plan *plan = r->p->plan;
	const char **events = session_events(plan);
	struct tracedat_opts to = {
		.ncpus = tfb_ncpus(),
		.page_size = tfb_subbuf_size(r->instance),
		.events = events,
		.trace_clock = plan->instance.clock,
		.rot = &r->rot,
	};
	int err;

	if (!events)
		return -ENOMEM;
	/* the recorder's own system calls stay out of the recording (a
	 * decoding run skips them itself) */
	tfb_instance_ignore_pid(r->instance, getpid());
	err = tracedat_open(&to, &r->td);
	free(events);
	if (err)
		diag_error(d, SRC_NO_RANGE, "cannot record into '%s': %s", r->rot.name,
			   strerror(-err));
	return err;
}

/* a flight recorder's reader: pages go through the shared spill */
static int setup_spill(struct run *r, struct diag *d)
{
	char dir[PATH_MAX];
	int err;

	state_path(r->instance, "spill", dir, sizeof(dir));
	err = spill_open(dir, tfb_ncpus(), (size_t)r->p->plan->instance.buffer_kb * 1024,
			 tfb_subbuf_size(r->instance), tep_get_header_page_size(r->tep),
			 &r->spill);
	if (err)
		diag_error(d, SRC_NO_RANGE, "cannot open the session's spill in '%s': %s", dir,
			   strerror(-err));
	return err;
}

static bool has_snapshot_trigger(const struct plan *p)
{
	for (size_t i = 0; i < p->ndefs; i++)
		if (p->defs[i].trigger && !strncmp(p->defs[i].trigger, "snapshot", 8))
			return true;
	return false;
}

static int setup_loop(struct run *r)
{
	const struct plan *plan = r->p->plan;
	struct loop_opts lo = {
		.log = r->o->log,
		.prog = r->o->prog,
		.signal_fd = r->sigfd,
		.child = r->child,
		.raw = r->td,
		.spill = r->spill,
		.overwrite = plan->instance.overwrite,
		.snapshot_raw = has_snapshot_trigger(plan),
		.perf = r->perf,
		.hooks = { .arg = r, .paused = hook_paused, .signal = hook_signal,
			   .tick = hook_tick, .checkpoint = hook_checkpoint },
	};

	if (r->instance) {
		lo.instance = r->instance;
		lo.clock_mono = plan->instance.clock && !strcmp(plan->instance.clock, "mono");
	}
	return loop_open(r->rt, r->tep, &lo, &r->loop);
}

/* kernel state is ready (made, or found): the rest of a run */
static int setup_runtime(struct run *r, struct diag *d)
{
	const struct plan *plan = r->p->plan;
	int err;

	r->out.format = r->o->format;
	err = rt_create(r->p, &r->out, &r->rt);
	if (err)
		return err;
	rt_set_snapshot(r->rt, hook_snapshot, r);
	if (r->tep && rt_bind_events(r->rt, r->tep, d))
		return -EINVAL;
	for (size_t i = 0; r->tfb && i < plan->ndefs; i++)
		if (tfb_session_filter_refused(r->tfb, i))
			rt_filter_refused(r->rt, (int)i);
	rt_set_clock_offset(r->rt, realtime_offset());
	skip_own_events(r->rt, plan);
	err = perf_source_open(r->p, r->p->uses_user_symbols ? rt_symbolizer(r->rt) : NULL,
			       &r->perf, d);
	if (err)
		return err;
	r->sigfd = block_signals(r);
	if (r->sigfd < 0)
		return r->sigfd;
	if (r->o->command) {
		r->child = fork_child(r, r->o->command, &r->go_fd);
		if (r->child < 0)
			return (int)r->child;
		rt_set_target(r->rt, r->child);
	}
	err = setup_loop(r);
	if (!err && r->resume)
		resume_positions(r);
	return err;
}

static bool find_snapshot(struct ast *n, void *arg)
{
	const struct builtin *b;

	if (n->kind != AST_CALL || !(n->flags & AST_BUILTIN))
		return true;
	b = n->bind;
	if (b->id == BI_SNAPSHOT)
		*(bool *)arg = true;
	return true;
}

static bool uses_snapshot(const struct program *p)
{
	bool found = false;

	for (size_t i = 0; i < p->nhandlers; i++)
		ast_walk(p->handlers[i].probe, find_snapshot, &found);
	for (size_t i = 0; i < p->nfunctions; i++)
		ast_walk(p->functions[i]->body, find_snapshot, &found);
	return found;
}

static int setup(struct run *r, struct diag *d)
{
	int err;

	/* a closed pipe is an EPIPE we handle, not a death without cleanup */
	signal(SIGPIPE, SIG_IGN);
	r->instance = r->p->plan->instance.name;
	err = setup_files(r, d);
	if (!err && r->instance)
		err = setup_kernel(r, d);
	/* snapshot() needs the events already read: they go through a spill */
	if (!err && r->instance && !r->o->raw && uses_snapshot(r->p)) {
		err = save_formats(r->p->plan);
		if (!err)
			err = setup_spill(r, d);
	}
	if (!err && r->o->raw)
		err = setup_raw(r, d);
	return err ? err : setup_runtime(r, d);
}

static void teardown(struct run *r, bool destroy)
{
	bool held = false;

	/* a -c command still running when the script ends runs on */
	if (r->go_fd > 0)
		close(r->go_fd);
	loop_free(r->loop);
	perf_source_free(r->perf);
	r->perf = NULL;
	if (r->td) {
		/* what the recorder still holds back is lost now */
		tracedat_close(r->td);
		held = tracedat_blocked(r->td);
		tracedat_free(r->td);
		r->td = NULL;
	}
	spill_free(r->spill);
	if (r->tfb) {
		int err = destroy ? tfb_session_destroy(r->tfb) : 0;

		/* someone holds the instance open (cat trace_pipe): the record
		 * stays, so --cleanup or --stop can finish the job later */
		if (err) {
			fprintf(r->o->log, "%s: cannot remove instance '%s': %s\n", r->o->prog,
				r->instance, strerror(-err));
			destroy = false;
		}
		tfb_session_free(r->tfb);
	}
	if (r->reader)
		state_remove_reader(r->instance, getpid());
	if (r->claimed && destroy)
		state_release(r->instance);
	while (r->guests) {
		struct guest *g = r->guests;

		r->guests = g->next;
		guest_free(r, g);
	}
	rt_free(r->rt);
	if (r->tep)
		tep_free(r->tep);
	output_release(&r->out);
	if (r->have_rot) {
		report_files(r);
		if (r->rot.failures)
			fprintf(r->o->log, "%s: %lu opens or writes of log files failed\n",
				r->o->prog, r->rot.failures);
		if (held || output_blocked(&r->out))
			fprintf(r->o->log, "%s: output that could not be written to '%s' is lost\n",
				r->o->prog, r->rot.name[0] ? r->rot.name : r->rot.err_name);
		rotate_release(&r->rot);
	}
	if (r->sigfd > 0) {
		close(r->sigfd);
		restore_signals(r);
	}
	if (r->journal_fd >= 0)
		close(r->journal_fd);
	r->journal_fd = -1;
	free(r->last_ckpt);
	r->last_ckpt = NULL;
	checkpoint_release(&r->ckpt);
}

/* --- running -------------------------------------------------------------------- */

/* a successor's begin probes set their globals up again; what they
 * print is in the log already */
static void run_begin_quietly(struct run *r)
{
	struct output quiet;
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	output_init(&quiet, fd);
	quiet.format = r->out.format;
	rt_set_output(r->rt, &quiet);
	rt_run_begin(r->rt);
	output_release(&quiet);
	rt_set_output(r->rt, &r->out);
	if (fd >= 0)
		close(fd);
}

static void start(struct run *r)
{
	char go = 1;

	/*
	 * Tracing first, then begin: whatever begin's output sets going (a
	 * test that waits for "ready") is recorded, and handlers still run
	 * after begin, as they read the buffer in this same thread. A flight
	 * recorder records already; only its writer's start (the first
	 * reader) turns tracing on.
	 */
	perf_source_enable(r->perf, true);
	if (r->tfb && (!r->flight || r->writer))
		tfb_session_tracing(r->tfb, true);
	if (r->resume)
		run_begin_quietly(r);
	else
		rt_run_begin(r->rt);
	if (r->go_fd > 0) {
		if (write(r->go_fd, &go, 1) != 1)
			fprintf(r->o->log, "%s: cannot start the command\n", r->o->prog);
		close(r->go_fd);
		r->go_fd = -1;
	}
}

static void finish(struct run *r, enum loop_stop why, bool tracing_off)
{
	/* stop recording, then hand over what is already recorded */
	if (r->tfb && tracing_off)
		tfb_session_tracing(r->tfb, false);
	perf_source_enable(r->perf, false);
	if (why != LOOP_STOP_ERROR)
		loop_drain(r->loop);
	if (r->td && tracedat_close(r->td))
		report_files(r);
	rt_run_end(r->rt);
	/* guests still in a host that stops end with it */
	for (struct guest *g = r->guests; g; g = g->next)
		if (g->rt)
			rt_run_end(g->rt);
	if (r->tfb)
		loop_report_loss(r->loop);
	if (perf_source_lost(r->perf))
		fprintf(r->o->log, "%s: WARNING: %llu perf samples were lost\n", r->o->prog,
			(unsigned long long)perf_source_lost(r->perf));
	if (rt_user_read_failures(r->rt))
		fprintf(r->o->log,
			"%s: %llu user_string() values could not be read: the process had "
			"exited or unmapped the memory before the event was handled\n",
			r->o->prog, rt_user_read_failures(r->rt));
}

static void say_counts(struct run *r)
{
	if (!r->o->verbose || !r->tfb)
		return;
	fprintf(r->o->log, "%s: the kernel recorded %llu events; %llu handled\n", r->o->prog,
		(unsigned long long)loop_kernel_recorded(r->loop),
		(unsigned long long)rt_events_handled(r->rt));
	if (r->td)
		fprintf(r->o->log, "%s: %llu bytes of pages in %lu trace.dat file(s)\n",
			r->o->prog, (unsigned long long)tracedat_bytes(r->td),
			tracedat_files(r->td));
}

/* a run that could not start: whatever exists goes again */
static int abandon(struct run *r)
{
	if (r->child > 0) {
		kill(r->child, SIGKILL);
		waitpid(r->child, NULL, 0);
	}
	teardown(r, true);
	return 3;	/* the kernel or the system refused */
}

static void print_setup_warnings(const struct session_opts *o, struct diag *d)
{
	/* warnings from setting up (a refused filter) come before output */
	diag_print(d, o->log, o->prog, diag_want_color(o->log));
	diag_release(d);
}

int session_run(const struct program *p, const struct session_opts *o,
		struct diag *d)
{
	struct run r = { .p = p, .o = o, .sigfd = -1, .go_fd = -1, .journal_fd = -1 };
	enum loop_stop why;
	int status = 0;

	if (setup(&r, d))
		return abandon(&r);
	print_setup_warnings(o, d);
	start(&r);
	why = rt_should_stop(r.rt) ? LOOP_STOP_EXIT : loop_run(r.loop);
	finish(&r, why, true);
	if (rt_exit_status(r.rt))
		status = 1;
	say_counts(&r);
	teardown(&r, true);
	return status;
}

/* --- flight recorders ----------------------------------------------------------- */

/* the background process that writes a flight recorder's -o files */
static int writer_main(struct run *r, int ready_fd, struct diag *d);
static int write_here(struct run *r, struct diag *d);

static pid_t start_writer(struct run *r, struct diag *d, int *status)
{
	char c;
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(fds[0]);
		setsid();
		/* stderr stays the user's until the writer is running */
		if (!freopen("/dev/null", "r", stdin) || !freopen("/dev/null", "w", stdout))
			_exit(3);
		_exit(writer_main(r, fds[1], d));
	}
	close(fds[1]);
	/* the writer says when it has taken over, or why it could not */
	if (read(fds[0], &c, 1) != 1) {
		waitpid(pid, status, 0);
		*status = WIFEXITED(*status) ? WEXITSTATUS(*status) : 3;
		pid = 0;
	}
	close(fds[0]);
	return pid;
}

/*
 * What tap-crash needs to read this flight recorder out of a crash dump;
 * not fatal when it cannot be saved (a read-only /var), but said.
 */
static void save_crash_meta(struct run *r)
{
	int err = crashmeta_save(crashmeta_dir(), r->p, r->o);

	if (err)
		fprintf(r->o->log, "%s: warning: cannot save crash metadata in %s: %s\n",
			r->o->prog, crashmeta_dir(), strerror(-err));
}

int session_flight(const struct program *p, const struct session_opts *o,
		   struct diag *d, pid_t *writer)
{
	struct run r = { .p = p, .o = o, .sigfd = -1, .go_fd = -1, .journal_fd = -1 };
	int err, status = 0;

	*writer = 0;
	signal(SIGPIPE, SIG_IGN);
	r.instance = p->plan->instance.name;
	output_init(&r.out, o->out_fd);
	err = setup_kernel(&r, d);
	if (!err)
		err = save_session(p, o);
	if (!err)
		save_crash_meta(&r);
	if (err) {
		if (err != -EINVAL && !d->errors)
			diag_error(d, SRC_NO_RANGE, "cannot save the session in %s: %s",
				   state_run_dir(), strerror(-err));
		return abandon(&r);
	}
	print_setup_warnings(o, d);
	if (o->files && o->foreground)
		return write_here(&r, d);
	if (o->files) {
		*writer = start_writer(&r, d, &status);
		if (*writer <= 0) {
			teardown(&r, true);
			return status ? status : 3;
		}
	} else {
		/* no process from now on: the record says so */
		state_claim(r.instance, p->plan->group, true);
		tfb_session_tracing(r.tfb, true);
	}
	r.claimed = false;	/* the kernel state stays */
	teardown(&r, false);
	return 0;
}

/* --- readers of a flight recorder ------------------------------------------------ */

/* wait this long (ms) for the other readers to finish when stopping */
#define STOP_WAIT_MS 10000

/*
 * Stopping a flight recorder from one of its readers: everyone else is
 * told (the "stopping" file), finishes and goes; then the instance, its
 * events and the record go.
 */
static void stop_others(struct run *r)
{
	state_write_file(r->instance, "stopping", "", 0);
	if (r->reader) {
		state_remove_reader(r->instance, getpid());
		r->reader = false;
	}
	if (session_wait_readers(r->instance, STOP_WAIT_MS, getpid()))
		fprintf(r->o->log, "%s: readers of '%s' did not finish in time\n", r->o->prog,
			r->instance);
}

/* the reader's run, once set up; returns an exit status */
static int follow(struct run *r)
{
	enum loop_stop why;
	int status;
	bool stop;

	start(r);
	/* the begin probes' output is in: where a successor starts */
	hook_checkpoint(r);
	/* a shared buffer's guests: their handlers run here too */
	if (r->shared_host)
		scan_guests(r);
	/* a supervisor hears that the session records now */
	if (r->o->ready)
		r->o->ready(r->o->ready_arg, getpid());
	why = rt_should_stop(r->rt) ? LOOP_STOP_EXIT : loop_run(r->loop);
	/* Ctrl-\ leaves the session as it is; a stop made elsewhere ends
	 * this reader (end probes run); Ctrl-C, exit() and a signal to the
	 * writer stop the session for everyone */
	stop = why != LOOP_STOP_DETACH && !r->stop_seen;
	if (why == LOOP_STOP_DETACH) {
		fprintf(r->o->log, "%s: detached from '%s'; it goes on recording\n",
			r->o->prog, r->p->plan->session);
		teardown(r, false);
		return 0;
	}
	finish(r, why, stop);
	status = rt_exit_status(r->rt) ? 1 : 0;
	if (stop) {
		/* our fds keep the instance busy: close them first */
		loop_free(r->loop);
		r->loop = NULL;
		spill_free(r->spill);
		r->spill = NULL;
		stop_others(r);
		r->claimed = true;
	}
	teardown(r, stop);
	return status;
}

static int attach_setup(struct run *r, struct diag *d)
{
	int err;

	signal(SIGPIPE, SIG_IGN);
	r->instance = r->p->plan->instance.name;
	r->flight = true;
	r->shared_host = state_has_file(r->instance, "shared");
	err = setup_files(r, d);
	if (!err) {
		err = tfb_session_open(r->p->plan, &r->tfb);
		if (err)
			diag_error(d, SRC_NO_RANGE, "session '%s' has no instance any more",
				   r->p->plan->session);
	}
	if (!err)
		err = load_formats(r, d);
	if (!err && !r->writer) {
		err = state_add_reader(r->instance, getpid());
		r->reader = !err;
	}
	if (!err)
		err = setup_spill(r, d);
	if (!err && r->o->raw)
		err = setup_raw(r, d);
	return err ? err : setup_runtime(r, d);
}

/* the writer makes its own handles: a forked one's are its parent's */
static int become_writer(struct run *r, struct diag *d)
{
	int err;

	r->writer = true;
	tfb_session_free(r->tfb);
	r->tfb = NULL;
	if (r->tep)
		tep_free(r->tep);
	r->tep = NULL;
	output_release(&r->out);
	err = state_claim(r->instance, r->p->plan->group, true);
	if (!err)
		err = state_set_writer(r->instance, getpid());
	return err ? err : attach_setup(r, d);
}

static int writer_main(struct run *r, int ready_fd, struct diag *d)
{
	char ok = 1, log_path[PATH_MAX];

	if (become_writer(r, d)) {
		diag_print(d, stderr, r->o->prog, diag_want_color(stderr));
		return 3;
	}
	/* from now on, what the writer has to say goes to the record's log */
	state_path(r->instance, "log", log_path, sizeof(log_path));
	fflush(stderr);
	if (!freopen(log_path, "a", stderr) && !freopen("/dev/null", "w", stderr))
		return 3;
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (write(ready_fd, &ok, 1) != 1)
		return 3;
	close(ready_fd);
	return follow(r);
}

/* --foreground: this process is the writer (a supervisor's child) */
static int write_here(struct run *r, struct diag *d)
{
	if (become_writer(r, d)) {
		teardown(r, false);
		tfb_remove_leftovers(r->instance, r->p->plan->group);
		state_release(r->instance);
		return 3;
	}
	print_setup_warnings(r->o, d);
	return follow(r);
}

int session_resume(const struct program *p, const struct session_opts *o,
		   struct diag *d)
{
	struct run r = { .p = p, .o = o, .sigfd = -1, .go_fd = -1, .journal_fd = -1 };
	pid_t other;
	int err;

	r.instance = p->plan->instance.name;
	r.resume = true;
	r.writer = true;
	other = state_writer(r.instance);
	if (other > 0) {
		diag_error(d, SRC_NO_RANGE, "session '%s' has a writer already (process %d)",
			   p->plan->session, (int)other);
		return 3;
	}
	err = state_claim(r.instance, p->plan->group, true);
	if (!err)
		err = state_set_writer(r.instance, getpid());
	if (!err)
		err = attach_setup(&r, d);
	if (err) {
		if (!d->errors)
			diag_error(d, SRC_NO_RANGE, "cannot resume '%s': %s", p->plan->session,
				   strerror(-err));
		teardown(&r, false);
		return 3;
	}
	print_setup_warnings(o, d);
	return follow(&r);
}

int session_attach(const struct program *p, const struct session_opts *o,
		   struct diag *d)
{
	struct run r = { .p = p, .o = o, .sigfd = -1, .go_fd = -1, .journal_fd = -1 };

	if (attach_setup(&r, d)) {
		teardown(&r, false);
		return 3;
	}
	print_setup_warnings(o, d);
	return follow(&r);
}
