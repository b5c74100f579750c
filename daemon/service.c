// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Supervising sessions (service.h): start in requirement order, stop in
 * reverse, restart a dead writer with back-off as a successor of the dead
 * one, and adopt the writers a previous tapd left running.
 */
#include "service.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "deps.h"
#include "plancache.h"
#include "session.h"
#include "sessargs.h"
#include "shared.h"
#include "state.h"
#include "tfb.h"

#define BACKOFF_FIRST_NS 1000000000ull	/* 1 s, doubling */
#define BACKOFF_MAX_NS 60000000000ull	/* 1 min */
#define STABLE_NS 60000000000ull	/* a run this long resets the count */
#define READY_WAIT_MS 120000	/* compiling against DWARF can take a while */

uint64_t service_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

const char *svc_state_name(enum svc_state s)
{
	switch (s) {
	case SVC_RUNNING: return "running";
	case SVC_FAILED: return "failed";
	case SVC_DEAD: return "dead";
	case SVC_BLOCKED: return "blocked";
	default: return "stopped";
	}
}

struct svc *service_find(struct service *sv, const char *name)
{
	for (size_t i = 0; i < sv->nsvcs; i++)
		if (!strcmp(sv->svcs[i].name, name))
			return &sv->svcs[i];
	return NULL;
}

const char *svc_instance(const struct svc *s)
{
	return s->instance;
}

static void set_reason(struct svc *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_reason(struct svc *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->reason, sizeof(s->reason), fmt, ap);
	va_end(ap);
}

int service_sync(struct service *sv)
{
	for (size_t i = 0; i < sv->cfg.nscripts; i++) {
		struct svc *v;

		if (service_find(sv, sv->cfg.scripts[i].name))
			continue;
		v = realloc(sv->svcs, (sv->nsvcs + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		sv->svcs = v;
		memset(&v[sv->nsvcs], 0, sizeof(v[0]));
		v[sv->nsvcs].name = strdup(sv->cfg.scripts[i].name);
		if (!v[sv->nsvcs].name)
			return -ENOMEM;
		snprintf(v[sv->nsvcs].instance, sizeof(v[0].instance), "tap_%s",
			 v[sv->nsvcs].name);
		sv->nsvcs++;
	}
	return 0;
}

/* --- files ------------------------------------------------------------------ */

static void err_path(struct service *sv, const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/tapd/%s.err", sv->cfg.paths.run_dir, name);
}

/* the last lines the session said on stderr, for 'status' */
static void tail_errors(struct service *sv, struct svc *s, FILE *out)
{
	char path[PATH_MAX], *lines[3] = { 0 }, buf[512];
	FILE *f;

	err_path(sv, s->name, path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(buf, sizeof(buf), f)) {
		free(lines[0]);
		lines[0] = lines[1];
		lines[1] = lines[2];
		lines[2] = strdup(buf);
	}
	fclose(f);
	for (int i = 0; i < 3; i++) {
		if (lines[i])
			fprintf(out, "    %s%s", lines[i],
				strchr(lines[i], '\n') ? "" : "\n");
		free(lines[i]);
	}
}

/* the session record says the session is tapd's, and whose */
static void mark_record(struct svc *s)
{
	char text[256];
	int n = snprintf(text, sizeof(text), "tapd %s\n", s->name);

	state_write_file(s->instance, "service", text, (size_t)n);
}

/* "tapd NAME" in a record's service file, or false */
static bool record_service(const char *instance, char *name, size_t n)
{
	char *text = NULL, word[8];
	bool ok;

	if (state_read_file(instance, "service", &text, NULL))
		return false;
	ok = sscanf(text, "%7s %127s", word, name) == 2 && !strcmp(word, "tapd");
	(void)n;
	free(text);
	return ok;
}

/* --- spawning -------------------------------------------------------------- */

/*
 * The session process: a session (setsid) of its own, so it outlives
 * tapd and its signals; stdout is a pipe to us until it is ready,
 * stderr the script's error file (status shows its end).
 */
static pid_t spawn(char *const *argv, const char *errpath, bool fresh, int *out_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		int err = open(errpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
						(fresh ? O_TRUNC : 0), 0640);
		sigset_t none;

		setsid();
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		dup2(fds[1], STDOUT_FILENO);
		if (err >= 0)
			dup2(err, STDERR_FILENO);
		execv(argv[0], argv);
		fprintf(stderr, "tapd: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -errno;
	}
	*out_fd = fds[0];
	return pid;
}

/* what the process says before it closes stdout (ready) or exits */
static void read_ready(int fd, char *buf, size_t n)
{
	size_t len = 0;
	int waited = 0;

	buf[0] = '\0';
	while (waited < READY_WAIT_MS) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 1000) == 0) {
			waited += 1000;
			continue;
		}
		r = read(fd, buf + len, n - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		buf[len] = '\0';
		if (len + 1 >= n)
			len = 0;	/* only the last lines matter */
	}
	close(fd);
}

/* the instance named in "... is recording (instance tap_x, ..." */
static void note_instance(struct svc *s, const char *said)
{
	const char *p = strstr(said, "(instance ");
	size_t n;

	if (!p)
		return;
	p += strlen("(instance ");
	n = strcspn(p, ",)");
	if (n && n < sizeof(s->instance)) {
		memcpy(s->instance, p, n);
		s->instance[n] = '\0';
	}
}

static void reason_from_status(struct svc *s, int status)
{
	if (WIFEXITED(status))
		set_reason(s, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		set_reason(s, "killed by signal %d", WTERMSIG(status));
	else
		set_reason(s, "ended");
}

/* a guest said "'NAME' joined shared buffer 'B'" and returns: its state
 * key is HOST/guests/NAME, and it has no process */
static int joined(struct svc *s, pid_t pid, const char *said)
{
	const char *b = strstr(said, " joined shared buffer '") + 23;
	char host[160];
	int status = 0;

	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		reason_from_status(s, status);
		return -1;
	}
	snprintf(host, sizeof(host), "tap_%.*s", (int)strcspn(b, "'"), b);
	shared_guest_key(host, s->name, s->instance, sizeof(s->instance));
	s->pid = 0;
	s->child = false;
	s->guest = true;
	return 0;
}

/* runs @argv and waits until it records (0) or ended (-1, reason set) */
static int run_session(struct service *sv, struct svc *s, char *const *argv, bool fresh)
{
	char errpath[PATH_MAX], said[4096];
	int fd = -1, status = 0;
	pid_t pid;

	err_path(sv, s->name, errpath, sizeof(errpath));
	pid = spawn(argv, errpath, fresh, &fd);
	if (pid < 0) {
		set_reason(s, "cannot run %s: %s", argv[0], strerror((int)-pid));
		return -1;
	}
	read_ready(fd, said, sizeof(said));
	if (strstr(said, " joined shared buffer '"))
		return joined(s, pid, said);
	if (strstr(said, " is recording") || strstr(said, "resumed '")) {
		s->pid = pid;
		s->child = true;
		note_instance(s, said);
		return 0;
	}
	/* no ready line: it is on its way out (or hangs: it goes) */
	if (waitpid(pid, &status, WNOHANG) != pid) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	reason_from_status(s, status);
	return -1;
}

/* --- starting ---------------------------------------------------------------- */

static void now_running(struct service *sv, struct svc *s, const char *how)
{
	s->state = SVC_RUNNING;
	s->wanted = true;
	s->started_ns = service_now_ns();
	s->reason[0] = '\0';
	mark_record(s);
	sv->log(LOG_INFO, "%s %s (pid %d, instance %s)", how, s->name, (int)s->pid,
		s->instance);
}

/* runs tapc to compile a plan; its stderr goes to the error file */
static int run_compile(struct service *sv, struct svc *s, char *const *argv)
{
	char errpath[PATH_MAX];
	int status = 0;
	pid_t pid;

	err_path(sv, s->name, errpath, sizeof(errpath));
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		int err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
		}
		if (err >= 0)
			dup2(err, STDERR_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		set_reason(s, "cannot run %s: %s", argv[0], strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	reason_from_status(s, status);
	return -1;
}

static int compile_into_cache(struct service *sv, struct svc *s,
			      const struct tapd_script *sc, char *const *argv)
{
	char reason[sizeof(s->reason)];
	int err = plancache_prepare(sc);

	if (err) {
		set_reason(s, "cannot make the cache folder of '%s': %s", sc->plan,
			   strerror(-err));
		return -1;
	}
	if (!run_compile(sv, s, argv))
		return 0;
	snprintf(reason, sizeof(reason), "%s", s->reason);
	set_reason(s, "cannot compile '%s': tapc %s", sc->path, reason);
	return -1;
}

/*
 * The script's plan, compiled into the cache when it is missing or stale
 * (or always, with @force). *@compiled says whether it was. 0, or -1
 * with the reason in s->reason.
 */
static int ensure_plan(struct service *sv, struct svc *s, const struct tapd_script *sc,
		       bool force, bool *compiled)
{
	struct sessargs a;
	enum plan_state st;
	char why[1024];
	int err = sessargs_compile(&a, &sv->cfg, sc, sv->tapc);

	*compiled = false;
	if (err && err != -ENOENT) {
		set_reason(s, "%s", err == -EINVAL ? a.problem : strerror(-err));
		sessargs_release(&a);
		return -1;
	}
	st = plancache_check(sc, err ? "" : a.options, sv->cfg.release, sv->build_id, why,
			     sizeof(why));
	if (st == PLAN_BAD || (err && st != PLAN_OK)) {
		set_reason(s, "%s", why);
		sessargs_release(&a);
		return -1;
	}
	if (err || (st == PLAN_OK && !force)) {
		sessargs_release(&a);
		return 0;
	}
	sv->log(LOG_INFO, "compiling %s into %s (%s)", s->name, sc->plan, why);
	err = compile_into_cache(sv, s, sc, a.argv);
	*compiled = !err;
	sessargs_release(&a);
	return err;
}

/* a new session: a flight recorder whose writer is our child, from the
 * script's plan in the cache */
static int start_fresh(struct service *sv, struct svc *s, FILE *out)
{
	struct tapd_script *sc = tapd_config_find(&sv->cfg, s->name);
	struct sessargs a = { 0 };
	bool compiled = false;
	int err = 0;

	if (!sc) {
		fprintf(out, "%s: not in the registry\n", s->name);
		return -ENOENT;
	}
	if (ensure_plan(sv, s, sc, false, &compiled))
		err = -EIO;
	if (!err)
		err = sessargs_start(&a, &sv->cfg, sc, sv->tapc, sc->plan);
	if (err == -EINVAL)
		set_reason(s, "%s", a.problem);
	if (!err && run_session(sv, s, a.argv, !compiled))
		err = -EIO;
	sessargs_release(&a);
	if (err) {
		s->state = SVC_FAILED;
		s->pid = 0;
		fprintf(out, "%s: failed: %s\n", s->name, s->reason);
		sv->log(LOG_ERR, "%s failed to start: %s", s->name, s->reason);
		return err;
	}
	now_running(sv, s, "started");
	fprintf(out, "%s: started (pid %d, instance %s)\n", s->name, (int)s->pid, s->instance);
	return 0;
}

int service_compile(struct service *sv, char *const *names, size_t n, FILE *out)
{
	int rc = 0;

	for (size_t i = 0; i < sv->cfg.nscripts; i++) {
		struct tapd_script *sc = &sv->cfg.scripts[i];
		struct svc *s = service_find(sv, sc->name);
		bool asked = !n, compiled;
		char keep[sizeof(s->reason)];

		for (size_t k = 0; k < n; k++)
			asked |= !strcmp(names[k], sc->name);
		if (!asked || !s)
			continue;
		/* compiling says nothing about the session's own state */
		snprintf(keep, sizeof(keep), "%s", s->reason);
		if (ensure_plan(sv, s, sc, false, &compiled)) {
			fprintf(out, "%s: %s\n", s->name, s->reason);
			tail_errors(sv, s, out);
			rc = 1;
		} else if (!sc->path) {
			fprintf(out, "%s: precompiled plan %s, used as it is\n", s->name, sc->plan);
		} else {
			fprintf(out, "%s: %s %s\n", s->name, compiled ? "compiled into" : "up to date:",
				sc->plan);
		}
		snprintf(s->reason, sizeof(s->reason), "%s", keep);
	}
	return rc;
}

/* the instance records on; a successor writer carries on from the
 * checkpoint of the one that died */
static int resume(struct service *sv, struct svc *s)
{
	char *argv[] = { (char *)sv->tapc, "--resume", s->instance, NULL };

	if (run_session(sv, s, argv, false))
		return -1;
	now_running(sv, s, "resumed");
	return 0;
}

/* the session still exists: its writer runs (adopt) or must be replaced */
static bool session_exists(const struct svc *s)
{
	struct state_owner own;
	char host[256];

	if (state_read(s->instance, &own))
		return false;
	/* a guest's instance is its host's */
	snprintf(host, sizeof(host), "%.*s", (int)strcspn(s->instance, "/"), s->instance);
	return tfb_instance_exists(host);
}

static int start_one(struct service *sv, struct svc *s, FILE *out)
{
	pid_t writer;

	if (s->state == SVC_RUNNING) {
		fprintf(out, "%s: already running (pid %d)\n", s->name, (int)s->pid);
		return 0;
	}
	s->restarts = 0;
	if (!session_exists(s))
		return start_fresh(sv, s, out);
	if (s->guest) {
		now_running(sv, s, "found");
		fprintf(out, "%s: in shared buffer %s already\n", s->name, s->instance);
		return 0;
	}
	writer = state_writer(s->instance);
	if (writer > 0) {
		s->pid = writer;
		s->child = false;
		now_running(sv, s, "adopted");
		fprintf(out, "%s: running already (pid %d, instance %s)\n", s->name,
			(int)writer, s->instance);
		return 0;
	}
	if (resume(sv, s)) {
		s->state = SVC_FAILED;
		fprintf(out, "%s: cannot resume: %s\n", s->name, s->reason);
		return -EIO;
	}
	fprintf(out, "%s: resumed (pid %d, instance %s)\n", s->name, (int)s->pid, s->instance);
	return 0;
}

/* the names asked for, or DEFAULT_START, or every registered script */
static char **names_or_default(struct service *sv, char *const *names, size_t *n)
{
	char **all;

	if (*n) {
		all = calloc(*n + 1, sizeof(*all));
		for (size_t i = 0; all && i < *n; i++)
			all[i] = names[i];
		return all;
	}
	if (sv->cfg.ndefault) {
		*n = sv->cfg.ndefault;
		return names_or_default(sv, sv->cfg.default_start, n);
	}
	all = calloc(sv->cfg.nscripts + 1, sizeof(*all));
	for (size_t i = 0; all && i < sv->cfg.nscripts; i++)
		all[i] = sv->cfg.scripts[i].name;
	*n = all ? sv->cfg.nscripts : 0;
	return all;
}

static bool plan_has(const struct deps_plan *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->order[i], name))
			return true;
	return false;
}

int service_start(struct service *sv, char *const *names, size_t n, FILE *out)
{
	char **list = names_or_default(sv, names, &n);
	struct deps_plan plan;
	int rc = 0;

	if (!list || deps_order(&sv->cfg, list, n, &plan)) {
		free(list);
		return -ENOMEM;
	}
	for (size_t i = 0; i < plan.nproblems; i++) {
		fprintf(out, "%s\n", plan.problems[i]);
		sv->log(LOG_WARNING, "%s", plan.problems[i]);
		rc = 1;
	}
	for (size_t i = 0; i < plan.nblocked; i++) {
		struct svc *s = service_find(sv, plan.blocked[i]);

		if (s && s->state != SVC_RUNNING) {
			s->state = SVC_BLOCKED;
			set_reason(s, "%s", plan.blocked_reason[i]);
		}
		fprintf(out, "%s: not started: %s\n", plan.blocked[i], plan.blocked_reason[i]);
		rc = 1;
	}
	for (size_t i = 0; i < plan.n; i++) {
		struct svc *s = service_find(sv, plan.order[i]);
		struct tapd_script *sc = tapd_config_find(&sv->cfg, plan.order[i]);
		bool blocked = false;

		/* a requirement that failed just now blocks its dependents */
		for (size_t r = 0; sc && r < sc->nreqs; r++) {
			struct svc *req = service_find(sv, sc->reqs[r]);

			if (req && plan_has(&plan, req->name) && req->state != SVC_RUNNING) {
				s->state = SVC_BLOCKED;
				set_reason(s, "requires '%s', which is %s", req->name,
					   svc_state_name(req->state));
				fprintf(out, "%s: not started: %s\n", s->name, s->reason);
				blocked = true;
				break;
			}
		}
		if (blocked || (s && start_one(sv, s, out)))
			rc = 1;
	}
	deps_plan_release(&plan);
	free(list);
	return rc;
}

/* --- stopping ------------------------------------------------------------------ */

/* a host stopped by force: its guests leave first, and say so */
static void guests_leave(struct service *sv, struct svc *host, FILE *out)
{
	size_t len = strlen(host->instance);

	for (size_t i = 0; i < sv->nsvcs; i++) {
		struct svc *g = &sv->svcs[i];

		if (g->guest && g->state == SVC_RUNNING && !strncmp(g->instance, host->instance, len) &&
		    g->instance[len] == '/') {
			g->wanted = false;
			g->state = SVC_STOPPED;
			fprintf(out, "%s: left shared buffer %s\n", g->name, host->instance);
		}
	}
	session_stop_guests(host->instance, out, "tapd");
}

/* 0, or -EBUSY when a host with guests was not stopped */
static int stop_one(struct service *sv, struct svc *s, bool force, FILE *out)
{
	int err;

	if (s->state != SVC_RUNNING && s->state != SVC_DEAD) {
		s->wanted = false;
		if (s->state != SVC_STOPPED)
			fprintf(out, "%s: was %s\n", s->name, svc_state_name(s->state));
		s->state = SVC_STOPPED;
		s->reason[0] = '\0';
		return 0;
	}
	if (force && !s->guest)
		guests_leave(sv, s, out);
	/* the writer runs the end probes into its files and takes the
	 * session down; without one, the instance goes all the same */
	err = session_stop(s->instance, out, "tapd");
	if (err == -EBUSY) {
		fprintf(out, "%s: not stopped: it hosts a shared buffer with guests\n", s->name);
		return err;
	}
	s->wanted = false;
	if (err && err != -ENOENT)
		fprintf(out, "%s: cannot stop: %s\n", s->name, strerror(-err));
	else
		fprintf(out, "%s: stopped\n", s->name);
	if (s->child && s->pid > 0 && waitpid(s->pid, NULL, WNOHANG) == 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	sv->log(LOG_INFO, "stopped %s", s->name);
	s->pid = 0;
	s->guest = false;
	s->state = SVC_STOPPED;
	s->reason[0] = '\0';
	snprintf(s->instance, sizeof(s->instance), "tap_%s", s->name);
	return 0;
}

static bool asked_for(char *const *names, size_t n, const char *name)
{
	for (size_t k = 0; k < n; k++)
		if (!strcmp(names[k], name))
			return true;
	return false;
}

int service_stop(struct service *sv, char *const *names, size_t n, bool force,
		 FILE *out)
{
	char **all = calloc(sv->nsvcs + 1, sizeof(*all));
	struct deps_plan plan;
	int rc = 0;

	if (!all)
		return -ENOMEM;
	if (!n) {
		for (size_t i = 0; i < sv->nsvcs; i++)
			all[n++] = sv->svcs[i].name;
		names = all;
	}
	/* the start order of what is asked, walked backwards: dependents
	 * stop before what they require */
	if (deps_order(&sv->cfg, names, n, &plan)) {
		free(all);
		return -ENOMEM;
	}
	for (size_t i = plan.n; i-- > 0;) {
		struct svc *s = service_find(sv, plan.order[i]);

		if (s && asked_for(names, n, plan.order[i]) && stop_one(sv, s, force, out))
			rc = 1;
	}
	/* blocked or unordered ones (loops) are stopped too */
	for (size_t k = 0; k < n; k++) {
		struct svc *s = service_find(sv, names[k]);

		if (s && s->state != SVC_STOPPED && !asked_for(plan.order, plan.n, s->name) &&
		    stop_one(sv, s, force, out))
			rc = 1;
	}
	deps_plan_release(&plan);
	free(all);
	return rc;
}

/* --- status ---------------------------------------------------------------------- */

/* the log file the writer writes now, from its checkpoint */
static void current_file(const struct svc *s, char *buf, size_t n)
{
	char *text = NULL, *line;

	buf[0] = '\0';
	if (state_read_file(s->instance, "checkpoint", &text, NULL))
		return;
	line = strstr(text, "\nfile ");
	if (line) {
		unsigned long fnum;
		unsigned long long size;
		int pos = 0;

		if (sscanf(line + 1, "file %lu %llu %n", &fnum, &size, &pos) == 2 && pos)
			snprintf(buf, n, "%.*s", (int)strcspn(line + 1 + pos, "\n"),
				 line + 1 + pos);
	}
	free(text);
}

static void status_kernel(const struct svc *s, FILE *out)
{
	struct tfb_instance_info info;
	unsigned long long total;
	char file[PATH_MAX];

	if (tfb_instance_info(s->instance, &info))
		return;
	total = (unsigned long long)info.buffer_kb * 1024 * (unsigned)tfb_ncpus();
	fprintf(out, "    buffer: %llu of %llu KB used (%lu KB per CPU, %s)\n",
		info.bytes / 1024, total / 1024, info.buffer_kb,
		info.tracing_on ? "recording" : "not recording");
	fprintf(out, "    events: %llu recorded, %llu lost\n",
		info.read + info.entries + info.overrun, info.overrun + info.dropped);
	current_file(s, file, sizeof(file));
	if (file[0])
		fprintf(out, "    log: %s\n", file);
}

void service_status(struct service *sv, char *const *names, size_t n, FILE *out)
{
	for (size_t i = 0; i < sv->nsvcs; i++) {
		struct svc *s = &sv->svcs[i];

		if (n && !asked_for(names, n, s->name))
			continue;
		fprintf(out, "%s: %s", s->name, svc_state_name(s->state));
		if (s->state == SVC_RUNNING && s->guest)
			fprintf(out, " (a guest in shared buffer %.*s)",
				(int)strcspn(s->instance, "/"), s->instance);
		else if (s->state == SVC_RUNNING)
			fprintf(out, " (pid %d, instance %s)", (int)s->pid, s->instance);
		if (s->state == SVC_DEAD)
			fprintf(out, " (instance %s present, its process gone)", s->instance);
		if (s->reason[0])
			fprintf(out, ": %s", s->reason);
		fputc('\n', out);
		if ((s->state == SVC_RUNNING || s->state == SVC_DEAD) && !s->guest)
			status_kernel(s, out);
		if (s->state == SVC_FAILED || s->state == SVC_DEAD)
			tail_errors(sv, s, out);
	}
}

/* --- death and restarts -------------------------------------------------------- */

static uint64_t backoff(unsigned restarts)
{
	uint64_t d = BACKOFF_FIRST_NS;

	while (restarts-- > 1 && d < BACKOFF_MAX_NS)
		d *= 2;
	return d < BACKOFF_MAX_NS ? d : BACKOFF_MAX_NS;
}

/* another try after a back-off, unless there were too many in a row */
static void retry_later(struct service *sv, struct svc *s)
{
	uint64_t now = service_now_ns();

	if (now - s->started_ns > STABLE_NS)
		s->restarts = 0;
	if (++s->restarts > sv->cfg.restart_max) {
		s->state = SVC_FAILED;
		sv->log(LOG_ERR, "%s: writer %s; %u restarts in a row, giving up (instance %s "
			"still records)", s->name, s->reason, s->restarts - 1, s->instance);
		return;
	}
	/* the instance keeps recording meanwhile: nothing is lost */
	s->state = SVC_DEAD;
	s->restart_at_ns = now + backoff(s->restarts);
	sv->log(LOG_WARNING, "%s: writer %s; restart %u in %llu ms", s->name, s->reason,
		s->restarts, (unsigned long long)(backoff(s->restarts) / 1000000));
}

/* the writer ended: by a stop, by the script's end, or by dying */
static void died(struct service *sv, struct svc *s, int status, bool known)
{
	s->pid = 0;
	if (!s->wanted) {
		s->state = SVC_STOPPED;
		return;
	}
	if (known)
		reason_from_status(s, status);
	else
		set_reason(s, "ended (adopted: its exit status is unknown)");
	/* the session ended itself (exit(), an error): its instance is gone */
	if (!session_exists(s)) {
		bool clean = known && WIFEXITED(status) && WEXITSTATUS(status) == 0;

		s->state = clean ? SVC_STOPPED : SVC_FAILED;
		s->wanted = false;
		sv->log(clean ? LOG_INFO : LOG_ERR, "%s ended: %s", s->name, s->reason);
		return;
	}
	retry_later(sv, s);
}

void service_reap(struct service *sv, pid_t pid, int status)
{
	for (size_t i = 0; i < sv->nsvcs; i++)
		if (sv->svcs[i].pid == pid && sv->svcs[i].child &&
		    sv->svcs[i].state == SVC_RUNNING)
			died(sv, &sv->svcs[i], status, true);
}

static void restart(struct service *sv, struct svc *s)
{
	FILE *null;

	if (session_exists(s)) {
		if (resume(sv, s))
			retry_later(sv, s);
		return;
	}
	/* the instance went meanwhile: a new session */
	null = fopen("/dev/null", "we");
	if (null) {
		start_fresh(sv, s, null);
		fclose(null);
	}
}

uint64_t service_tick(struct service *sv, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < sv->nsvcs; i++) {
		struct svc *s = &sv->svcs[i];

		/* a guest has no process: it lasts as long as its record */
		if (s->state == SVC_RUNNING && s->guest && !state_has_file(s->instance, "owner")) {
			s->state = SVC_STOPPED;
			s->guest = false;
			set_reason(s, "its shared buffer went");
		}
		/* adopted writers are not our children: /proc says */
		if (s->state == SVC_RUNNING && !s->child && !s->guest && !state_proc_start(s->pid))
			died(sv, s, 0, false);
		if (s->state != SVC_DEAD)
			continue;
		if (s->restart_at_ns > now) {
			if (s->restart_at_ns < next)
				next = s->restart_at_ns;
			continue;
		}
		restart(sv, s);
	}
	return next;
}

/* --- adoption -------------------------------------------------------------------- */

struct adopt {
	struct service *sv;
	FILE *report;
};

/* a host's guests, which have no process to adopt */
static void adopt_guests(struct adopt *a, const char *host)
{
	char **names = shared_guests(host);

	for (size_t i = 0; names && names[i]; i++) {
		char key[256], name[128];
		struct svc *s;

		shared_guest_key(host, names[i], key, sizeof(key));
		if (!record_service(key, name, sizeof(name)) || !(s = service_find(a->sv, name)))
			continue;
		snprintf(s->instance, sizeof(s->instance), "%s", key);
		s->guest = true;
		s->wanted = true;
		s->pid = 0;
		s->state = SVC_RUNNING;
		fprintf(a->report, "%s: a guest in shared buffer %s\n", name, host);
	}
	shared_names_free(names);
}

static void adopt_one(const char *instance, void *arg)
{
	struct adopt *a = arg;
	char name[128];
	struct svc *s;
	pid_t writer;

	if (!record_service(instance, name, sizeof(name)))
		return;
	s = service_find(a->sv, name);
	if (!s) {
		fprintf(a->report, "%s: session %s runs, but the script is not registered\n",
			name, instance);
		return;
	}
	snprintf(s->instance, sizeof(s->instance), "%s", instance);
	s->wanted = true;
	s->started_ns = service_now_ns();
	adopt_guests(a, instance);
	writer = state_writer(instance);
	if (writer > 0) {
		s->pid = writer;
		s->child = false;
		s->state = SVC_RUNNING;
		fprintf(a->report, "%s: adopted (pid %d, instance %s)\n", name, (int)writer,
			instance);
		return;
	}
	/* its writer died while no tapd watched: a successor, now */
	s->state = SVC_DEAD;
	s->restart_at_ns = 0;
	set_reason(s, "its writer died while tapd was away");
	fprintf(a->report, "%s: dead (instance %s %s, writer gone); restarting\n", name,
		instance, tfb_instance_exists(instance) ? "recording" : "gone");
}

void service_adopt(struct service *sv, FILE *report)
{
	struct adopt a = { sv, report };

	state_foreach(adopt_one, &a);
}

void service_release(struct service *sv)
{
	for (size_t i = 0; i < sv->nsvcs; i++)
		free(sv->svcs[i].name);
	free(sv->svcs);
	sv->svcs = NULL;
	sv->nsvcs = 0;
	free(sv->build_id);
	sv->build_id = NULL;
	tapd_config_release(&sv->cfg);
}
