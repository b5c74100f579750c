// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Supervising session processes: start in requirement order, stop in
 * reverse, restart with back-off when one dies, and adopt the ones a
 * previous tapd left running.
 */
#include "service.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "deps.h"

#define BACKOFF_FIRST_NS 1000000000ull	/* 1 s, doubling */
#define BACKOFF_MAX_NS 60000000000ull	/* 1 min */
#define STABLE_NS 60000000000ull	/* a run this long resets the count */
#define STOP_WAIT_MS 15000	/* end probes get this long */

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
		v[sv->nsvcs].pidfd = -1;
		if (!v[sv->nsvcs].name)
			return -ENOMEM;
		sv->nsvcs++;
	}
	return 0;
}

/* --- files ---------------------------------------------------------------- */

static void svc_path(struct service *sv, char *buf, size_t n, const char *name,
		     const char *ext)
{
	snprintf(buf, n, "%s/tapd/%s.%s", sv->cfg.paths.run_dir, name, ext);
}

static void write_pidfile(struct service *sv, struct svc *s)
{
	char path[4096];
	FILE *f;

	svc_path(sv, path, sizeof(path), s->name, "pid");
	f = fopen(path, "we");
	if (!f)
		return;
	fprintf(f, "%d\n", (int)s->pid);
	fclose(f);
}

static void remove_pidfile(struct service *sv, struct svc *s)
{
	char path[4096];

	svc_path(sv, path, sizeof(path), s->name, "pid");
	unlink(path);
}

/* the last lines the session wrote to stderr, for 'status' */
static void tail_errors(struct service *sv, struct svc *s, FILE *out)
{
	char path[4096], *lines[3] = { 0 }, buf[512];
	FILE *f;

	svc_path(sv, path, sizeof(path), s->name, "err");
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
			fprintf(out, "    %s", lines[i]);
		free(lines[i]);
	}
}

/* --- starting ---------------------------------------------------------------- */

/* tapc OPTIONS -m NAME SCRIPT, with stderr kept for 'status' */
static char **session_argv(struct service *sv, const struct tapd_script *sc)
{
	size_t n = 0;
	char **argv = calloc(sc->nopts + 8, sizeof(*argv));

	if (!argv)
		return NULL;
	argv[n++] = (char *)sv->tapc;
	for (size_t i = 0; i < sc->nopts; i++)
		argv[n++] = sc->opts[i];
	argv[n++] = "-m";
	argv[n++] = sc->name;
	argv[n++] = sc->path;
	argv[n] = NULL;
	return argv;
}

static pid_t spawn(struct service *sv, const struct tapd_script *sc)
{
	char errpath[4096], **argv = session_argv(sv, sc);
	pid_t pid;

	if (!argv)
		return -ENOMEM;
	svc_path(sv, errpath, sizeof(errpath), sc->name, "err");
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		int err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
		sigset_t none;

		/* a session of its own: it outlives tapd and its signals */
		setsid();
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
	free(argv);
	return pid < 0 ? -errno : pid;
}

static int start_one(struct service *sv, struct svc *s, FILE *out)
{
	struct tapd_script *sc = tapd_config_find(&sv->cfg, s->name);
	pid_t pid;

	if (s->state == SVC_RUNNING) {
		fprintf(out, "%s: already running (pid %d)\n", s->name, (int)s->pid);
		return 0;
	}
	if (!sc) {
		fprintf(out, "%s: not in the registry\n", s->name);
		return -ENOENT;
	}
	pid = spawn(sv, sc);
	if (pid < 0) {
		s->state = SVC_FAILED;
		set_reason(s, "cannot start: %s", strerror((int)-pid));
		fprintf(out, "%s: %s\n", s->name, s->reason);
		return (int)pid;
	}
	s->pid = pid;
	s->state = SVC_RUNNING;
	s->wanted = true;
	s->started_ns = service_now_ns();
	s->reason[0] = '\0';
	write_pidfile(sv, s);
	sv->log(LOG_INFO, "started %s (pid %d)", s->name, (int)pid);
	fprintf(out, "%s: started (pid %d)\n", s->name, (int)pid);
	return 0;
}

int service_start(struct service *sv, char *const *names, size_t n, FILE *out)
{
	char **all = NULL;
	struct deps_plan plan;
	int rc = 0;

	if (!n) {
		/* DEFAULT_START, or every registered script */
		if (sv->cfg.ndefault) {
			names = sv->cfg.default_start;
			n = sv->cfg.ndefault;
		} else {
			all = calloc(sv->cfg.nscripts + 1, sizeof(*all));
			for (size_t i = 0; all && i < sv->cfg.nscripts; i++)
				all[i] = sv->cfg.scripts[i].name;
			names = all;
			n = all ? sv->cfg.nscripts : 0;
		}
	}
	if (deps_order(&sv->cfg, names, n, &plan)) {
		free(all);
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

		if (s && start_one(sv, s, out))
			rc = 1;
	}
	deps_plan_release(&plan);
	free(all);
	return rc;
}

/* --- stopping ------------------------------------------------------------------ */

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* waits for @s's process to end, reaping it if it is our child */
static bool wait_gone(struct svc *s, int ms)
{
	for (int waited = 0; waited < ms; waited += 50) {
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid)
			return true;
		if (kill(s->pid, 0) && errno == ESRCH)
			return true;
		usleep(50000);
	}
	return false;
}

static void stop_one(struct service *sv, struct svc *s, FILE *out)
{
	s->wanted = false;
	if (s->state != SVC_RUNNING) {
		if (s->state != SVC_STOPPED)
			fprintf(out, "%s: was %s\n", s->name, svc_state_name(s->state));
		s->state = SVC_STOPPED;
		return;
	}
	/* SIGTERM: the session runs its end probes and removes its instance */
	kill(s->pid, SIGTERM);
	if (!wait_gone(s, STOP_WAIT_MS)) {
		kill(s->pid, SIGKILL);
		wait_gone(s, 2000);
		fprintf(out, "%s: did not stop in %d s; killed\n", s->name, STOP_WAIT_MS / 1000);
	} else {
		fprintf(out, "%s: stopped\n", s->name);
	}
	if (s->pidfd >= 0)
		close(s->pidfd);
	s->pidfd = -1;
	remove_pidfile(sv, s);
	sv->log(LOG_INFO, "stopped %s (pid %d)", s->name, (int)s->pid);
	s->pid = 0;
	s->state = SVC_STOPPED;
}

int service_stop(struct service *sv, char *const *names, size_t n, FILE *out)
{
	char **all = calloc(sv->nsvcs + 1, sizeof(*all));
	struct deps_plan plan;

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
		bool asked = false;
		struct svc *s = service_find(sv, plan.order[i]);

		for (size_t k = 0; k < n; k++)
			asked |= !strcmp(names[k], plan.order[i]);
		if (s && asked)
			stop_one(sv, s, out);
	}
	for (size_t k = 0; k < n; k++) {
		struct svc *s = service_find(sv, names[k]);

		/* blocked or unordered ones (loops) are stopped too */
		if (s && s->state != SVC_STOPPED)
			stop_one(sv, s, out);
	}
	deps_plan_release(&plan);
	free(all);
	return 0;
}

/* --- status, death, restarts -------------------------------------------------------- */

void service_status(struct service *sv, char *const *names, size_t n, FILE *out)
{
	for (size_t i = 0; i < sv->nsvcs; i++) {
		struct svc *s = &sv->svcs[i];
		bool asked = !n;

		for (size_t k = 0; k < n; k++)
			asked |= !strcmp(names[k], s->name);
		if (!asked)
			continue;
		fprintf(out, "%s: %s", s->name, svc_state_name(s->state));
		if (s->state == SVC_RUNNING)
			fprintf(out, " (pid %d, instance tap_%s)", (int)s->pid, s->name);
		if (s->reason[0])
			fprintf(out, ": %s", s->reason);
		fputc('\n', out);
		if (s->state == SVC_FAILED || s->state == SVC_DEAD)
			tail_errors(sv, s, out);
	}
}

static uint64_t backoff(unsigned restarts)
{
	uint64_t d = BACKOFF_FIRST_NS;

	while (restarts-- > 1 && d < BACKOFF_MAX_NS)
		d *= 2;
	return d < BACKOFF_MAX_NS ? d : BACKOFF_MAX_NS;
}

static void died(struct service *sv, struct svc *s, int status)
{
	uint64_t now = service_now_ns();

	remove_pidfile(sv, s);
	if (s->pidfd >= 0)
		close(s->pidfd);
	s->pidfd = -1;
	s->pid = 0;
	if (!s->wanted) {
		s->state = SVC_STOPPED;
		return;
	}
	if (status >= 0 && WIFEXITED(status))
		set_reason(s, "exited with status %d", WEXITSTATUS(status));
	else if (status >= 0 && WIFSIGNALED(status))
		set_reason(s, "killed by signal %d", WTERMSIG(status));
	else
		set_reason(s, "ended");
	/* a clean exit (exit() in the script) is not a crash */
	if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		s->state = SVC_STOPPED;
		s->wanted = false;
		sv->log(LOG_INFO, "%s ended", s->name);
		return;
	}
	if (now - s->started_ns > STABLE_NS)
		s->restarts = 0;
	if (++s->restarts > sv->cfg.restart_max) {
		s->state = SVC_FAILED;
		sv->log(LOG_ERR, "%s %s; %u restarts in a row, giving up", s->name,
			s->reason, s->restarts - 1);
		return;
	}
	/* the instance keeps recording meanwhile: nothing is lost */
	s->state = SVC_DEAD;
	s->restart_at_ns = now + backoff(s->restarts);
	sv->log(LOG_WARNING, "%s %s; restart %u in %llu ms", s->name, s->reason,
		s->restarts, (unsigned long long)(backoff(s->restarts) / 1000000));
}

void service_reap(struct service *sv, pid_t pid, int status)
{
	for (size_t i = 0; i < sv->nsvcs; i++)
		if (sv->svcs[i].pid == pid && sv->svcs[i].state == SVC_RUNNING)
			died(sv, &sv->svcs[i], status);
}

uint64_t service_tick(struct service *sv, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < sv->nsvcs; i++) {
		struct svc *s = &sv->svcs[i];
		FILE *devnull;

		/* adopted sessions are not our children: their pidfd says */
		if (s->state == SVC_RUNNING && s->pidfd >= 0 &&
		    kill(s->pid, 0) && errno == ESRCH)
			died(sv, s, -1);
		if (s->state != SVC_DEAD)
			continue;
		if (s->restart_at_ns > now) {
			if (s->restart_at_ns < next)
				next = s->restart_at_ns;
			continue;
		}
		devnull = fopen("/dev/null", "we");
		if (devnull) {
			unsigned restarts = s->restarts;

			start_one(sv, s, devnull);
			s->restarts = restarts;
			fclose(devnull);
		}
	}
	return next;
}

/* --- adoption -------------------------------------------------------------------- */

void service_adopt(struct service *sv, FILE *report)
{
	for (size_t i = 0; i < sv->nsvcs; i++) {
		struct svc *s = &sv->svcs[i];
		char path[4096];
		FILE *f;
		int pid = 0;

		svc_path(sv, path, sizeof(path), s->name, "pid");
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
		if (pid > 0 && !(kill(pid, 0) && errno == ESRCH)) {
			s->pid = pid;
			s->pidfd = pidfd_open(pid);
			s->state = SVC_RUNNING;
			s->wanted = true;
			s->started_ns = service_now_ns();
			fprintf(report, "%s: adopted (pid %d)\n", s->name, pid);
			sv->log(LOG_INFO, "adopted %s (pid %d)", s->name, pid);
		} else {
			/* its process died while no tapd watched: restart it */
			s->state = SVC_DEAD;
			s->wanted = true;
			s->restart_at_ns = 0;
			set_reason(s, "its process died while tapd was away");
			fprintf(report, "%s: dead (pid %d gone); restarting\n", s->name, pid);
			sv->log(LOG_WARNING, "%s: pid %d gone; restarting", s->name, pid);
		}
	}
}

void service_release(struct service *sv)
{
	for (size_t i = 0; i < sv->nsvcs; i++) {
		if (sv->svcs[i].pidfd >= 0)
			close(sv->svcs[i].pidfd);
		free(sv->svcs[i].name);
	}
	free(sv->svcs);
	sv->svcs = NULL;
	sv->nsvcs = 0;
	tapd_config_release(&sv->cfg);
}
